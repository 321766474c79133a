"""The move of the audit log's model from `commitments` to the `audit` app (commitments 0020 and
audit 0001), from the previous head on a populated database: state only, so every event stays
where it was, still append-only, its content type (and the permission a group holds on it)
follows the model, and the model reads the rows in its new app."""

import json

import pytest
from django.db import connection

from tests import scratch

BEFORE = [
    ("commitments", "0019_models_to_feature_apps"),
    ("webhooks", "0001_initial"),
    ("reports", "0001_initial"),
    ("calendar_feed", "0001_initial"),
    ("dialogues", "0007_reinforced_by"),
]


def _rows() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM commitments_auditevent ORDER BY id")
        return [[str(value) for value in row] for row in cursor.fetchall()]


def _labels() -> list:
    from django.contrib.contenttypes.models import ContentType

    return list(ContentType.objects.filter(model="auditevent").values_list("pk", "app_label"))


def migration_child() -> None:
    """At the previous head: a user, an audit event of a change to them and a group holding the
    permission to view audit events; migrate forward and print what the current models read."""
    from django.core.management import call_command

    old = scratch.migrate_to(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    user = old.get_model("commitments", "User").objects.create(
        username="manager", side="india", password="!"
    )
    old.get_model("commitments", "AuditEvent").objects.create(
        actor=user,
        origin="PATCH /api/v1/users/1/",
        action="changed",
        content_type=ContentType.objects.get(app_label="commitments", model="user"),
        object_id=str(user.pk),
        object_repr="manager",
        changes={"side": ["japan", "india"]},
        marking="bilateral",
    )
    events = ContentType.objects.get(app_label="commitments", model="auditevent")
    group = old.get_model("auth", "Group").objects.create(name="Auditors")
    group.permissions.add(Permission.objects.get(content_type=events, codename="view_auditevent"))
    before = {"rows": _rows(), "labels": _labels()}

    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import Group, Permission

    from audit.models import AuditEvent

    read = AuditEvent.objects.get()
    print(
        json.dumps(
            {
                "before": before,
                "after": {"rows": _rows(), "labels": _labels()},
                "read": [
                    read.actor.username,
                    read.content_type.model,
                    read.object_repr,
                    read.changes,
                ],
                "group": sorted(
                    Group.objects.get(name="Auditors").permissions.values_list(
                        "content_type__app_label", "codename"
                    )
                ),
                "permissions": Permission.objects.filter(codename="view_auditevent").count(),
                "refused": scratch.refuses("UPDATE commitments_auditevent SET changes = '{}'"),
            }
        )
    )


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_audit_log_moves_to_its_app_and_every_event_stays(tmp_path, database):
    result = scratch.run_child(
        "tests.test_migration_audit_app.migration_child()",
        database=database,
        name=f"{connection.settings_dict['NAME']}_audit_app",
        tmp_path=tmp_path,
    )

    assert len(result["before"]["rows"]) == 1
    assert result["after"]["rows"] == result["before"]["rows"]
    [[type_id, label]] = result["before"]["labels"]
    assert label == "commitments"
    assert result["after"]["labels"] == [[type_id, "audit"]], "renamed, not made anew"
    assert result["read"] == ["manager", "user", "manager", {"side": ["japan", "india"]}]
    assert result["group"] == [["audit", "view_auditevent"]]
    assert result["permissions"] == 1
    assert result["refused"], "the audit log stays append-only"
