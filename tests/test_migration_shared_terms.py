"""Commitments 0023 (each side's owners, proposals of shared terms) and webhooks 0002, from the
previous head on a populated database: each commitment's one `responsible` user moves to the
field of their side (a user of neither side: the lead side's, India's on a joint commitment),
the trail stays append-only and takes entries of the new kind, and proposals can be written."""

import json

import pytest
from django.db import connection

from tests import scratch

BEFORE = [
    ("commitments", "0021_notifications_to_own_app"),
    ("notifications", "0001_initial"),
    ("audit", "0001_initial"),
    ("webhooks", "0001_initial"),
    ("reports", "0001_initial"),
    ("calendar_feed", "0001_initial"),
    ("dialogues", "0007_reinforced_by"),
]
# code → (the responsible user's username, lead side)
OWNERS = {
    "MAR-01": ("asha", "joint"),
    "MAR-02": ("kenji", "joint"),
    "MAR-03": ("operator", "japan"),
    "MAR-04": ("operator", "joint"),
    "MAR-05": (None, "india"),
}


def migration_child() -> None:
    """At the previous head: users of each side and of neither, commitments each with one
    responsible user and a trail entry; migrate forward and print what the models read."""
    from django.core.management import call_command

    old = scratch.migrate_to(BEFORE)
    User = old.get_model("commitments", "User")
    users = {
        name: User.objects.create(username=name, side=side, password="!")
        for name, side in (("asha", "india"), ("kenji", "japan"), ("operator", ""))
    }
    declaration = old.get_model("commitments", "Declaration").objects.create(
        title="Joint Declaration", date="2025-08-29", place="Tokyo", occasion="Summit", text="…"
    )
    pillar = old.get_model("commitments", "Pillar").objects.create(
        slug="maritime", code_prefix="MAR", name="Maritime", description="Maritime"
    )
    Commitment = old.get_model("commitments", "Commitment")
    for code, (owner, lead) in OWNERS.items():
        commitment = Commitment.objects.create(
            code=code,
            declaration=declaration,
            pillar=pillar,
            title=code,
            source_clause="maritime security",
            paragraph=1,
            lead_side=lead,
            responsible=users[owner] if owner else None,
        )
        old.get_model("commitments", "StatusUpdate").objects.create(
            commitment=commitment,
            author=users["asha"],
            side="india",
            kind="report",
            assessment="on_track",
            from_status="not_started",
            to_status="not_started",
            from_progress=0,
            to_progress=0,
            note="Reported.",
            version=2,
        )

    call_command("migrate", verbosity=0)

    from commitments.models import Commitment, SharedTermChange, StatusUpdate, User

    read = {
        c.code: [
            c.responsible_india.username if c.responsible_india else None,
            c.responsible_japan.username if c.responsible_japan else None,
            c.responsible.username if c.responsible else None,
        ]
        for c in Commitment.objects.select_related("responsible_india", "responsible_japan")
    }
    commitment = Commitment.objects.get(code="MAR-01")
    asha = User.objects.get(username="asha")
    change = SharedTermChange.objects.create(
        commitment=commitment,
        fields={"priority": "high"},
        before={"priority": "medium"},
        proposed_by=asha,
        proposed_by_side="india",
    )
    StatusUpdate.objects.create(
        commitment=commitment,
        author=asha,
        side="india",
        kind="terms",
        from_status="not_started",
        to_status="not_started",
        from_progress=0,
        to_progress=0,
        note="Proposed.",
        message="terms_proposed",
        message_params={"terms": "priority medium → high"},
        version=3,
    )
    print(
        json.dumps(
            {
                "read": read,
                "trail": StatusUpdate.objects.count(),
                "change": change.state,
                "refused": scratch.trail_refuses_edits(),
            }
        )
    )


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_each_responsible_user_moves_to_their_sides_field(tmp_path, database):
    result = scratch.run_child(
        "tests.test_migration_shared_terms.migration_child()",
        database=database,
        name=f"{connection.settings_dict['NAME']}_shared_terms",
        tmp_path=tmp_path,
    )

    assert result["read"] == {
        "MAR-01": ["asha", None, "asha"],
        "MAR-02": [None, "kenji", "kenji"],
        "MAR-03": [None, "operator", "operator"],  # neither side: the lead side's
        "MAR-04": ["operator", None, "operator"],  # neither side, joint: India's
        "MAR-05": [None, None, None],
    }
    assert result["trail"] == len(result["read"]) + 1
    assert result["change"] == "pending"
    assert result["refused"], "the trail is append-only again after the migration"
