"""The migration that makes copies follow their source's marking (commitments 0018), from the
previous head on a populated database: no row is lost, the status updates find the milestone
they quote, and every copy takes its source's marking now."""

import json

import pytest
from django.db import connection

from tests import scratch

BEFORE = [("commitments", "0017_webhooks"), ("dialogues", "0007_reinforced_by")]
TABLES = (
    "commitments_commitment",
    "commitments_milestone",
    "commitments_statusupdate",
    "commitments_auditevent",
    "dialogues_meeting",
    "dialogues_actionitem",
)


def _counts() -> dict:
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own names
            counts[table] = cursor.fetchone()[0]
    return counts


def migration_child() -> None:
    """At the previous head: a milestone written bilateral, quoted by the trail and the audit
    log, then made India-only (as the old code left it: its copies still bilateral); migrate
    forward and print what the data became."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    for app, name in BEFORE:
        call_command("migrate", app, name, verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    declaration = old.get_model("commitments", "Declaration").objects.create(
        title="Declaration", date="2025-08-29", place="Tokyo", occasion="Summit", text="We will."
    )
    pillar = old.get_model("commitments", "Pillar").objects.create(
        slug="maritime", code_prefix="MAR", name="Maritime", description="Maritime."
    )
    made = old.get_model("commitments", "Commitment").objects.create(
        code="MAR-01",
        declaration=declaration,
        pillar=pillar,
        title="MAR-01",
        source_clause="We will.",
        paragraph=1,
        version=2,
    )
    author = old.get_model("commitments", "User").objects.create(
        username="in-user", side="india", password="!"
    )
    milestone = old.get_model("commitments", "Milestone").objects.create(
        commitment=made, title="Secret step", due_date="2026-01-10", marking="india_only"
    )
    old.get_model("commitments", "StatusUpdate").objects.create(
        commitment=made,
        author=author,
        side="india",
        kind="progress",
        from_status="not_started",
        to_status="not_started",
        from_progress=0,
        to_progress=100,
        note="Progress 0% → 100%: milestone “Secret step” added",
        message="milestone_added",
        message_params={"old": 0, "new": 100, "title": "Secret step"},
        marking="bilateral",
        version=2,
    )
    milestone_type = ContentType.objects.get(app_label="commitments", model="milestone")
    old.get_model("commitments", "AuditEvent").objects.create(
        action="created",
        content_type_id=milestone_type.pk,
        object_id=str(milestone.pk),
        object_repr="Secret step",
        commitment_code="MAR-01",
        changes={"title": [None, "Secret step"]},
        marking="bilateral",
    )
    before = _counts()

    call_command("migrate", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute("SELECT source_milestone, marking, note FROM commitments_statusupdate")
        trail = cursor.fetchall()
        cursor.execute("SELECT object_id, marking FROM commitments_auditevent")
        audit = cursor.fetchall()
    refused = scratch.trail_refuses_edits()
    print(
        json.dumps(
            {
                "before": before,
                "after": _counts(),
                "milestone": milestone.pk,
                "trail": trail,
                "audit": audit,
                "refused": refused,
            }
        )
    )


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_copies_take_their_sources_marking_and_nothing_is_lost(tmp_path, database):
    result = scratch.run_child(
        "tests.test_migration_copies.migration_child()",
        database=database,
        name="tracker_copies_migration",
        tmp_path=tmp_path,
    )

    assert result["after"] == result["before"]
    assert result["trail"] == [
        [result["milestone"], "india_only", "Progress 0% → 100%: milestone “Secret step” added"]
    ]
    assert result["audit"] == [[str(result["milestone"]), "india_only"]]
    assert result["refused"], "the trail must stay append-only but for its marking"
