"""A full generated data set survives a dumpdata/loaddata round trip unchanged."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from commitments.models import Commitment, Milestone, StatusUpdate, User
from dialogues.models import ActionItem, Meeting

MODELS = [User, Commitment, Milestone, StatusUpdate, Meeting, ActionItem]
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def snapshot() -> dict:
    return {
        "counts": {m.__name__: m.objects.count() for m in MODELS},
        "versions": dict(Commitment.objects.values_list("code", "version")),
        "progress": dict(Commitment.objects.values_list("code", "progress")),
        "trail": list(
            StatusUpdate.objects.order_by("id").values_list(
                "id", "commitment__code", "from_status", "to_status", "version", "note"
            )
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_dumpdata_then_loaddata_into_an_empty_database_restores_everything(
    declaration_data, tmp_path
):
    from commitments.services import roles_sync
    from declaration.loading import declaration_load

    declaration_load(data=declaration_data)
    roles_sync()
    from bench.data import generate

    generate(scale=1, stdout=io.StringIO())
    before = snapshot()
    dump = tmp_path / "tracker.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        *[f"--exclude={label}" for label in EXCLUDED],
        "--output",
        str(dump),
        verbosity=0,
    )

    call_command("flush", "--no-input", verbosity=0)  # TRUNCATE: the trail trigger allows it
    Group.objects.all().delete()  # flush's post_migrate made them afresh; the dump has them
    assert StatusUpdate.objects.count() == 0
    call_command("loaddata", str(dump), verbosity=0)

    assert snapshot() == before
