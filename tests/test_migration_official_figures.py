"""The migration that makes the stored progress the official figure (commitments 0024), from
the previous head on a populated database: a commitment whose progress counted national-only
milestones is set to its shared milestones' progress, with a bilateral trail entry saying why
and its version moved on; one without shared milestones, or already right, is left alone."""

import json

import pytest
from django.db import connection

from tests import scratch

BEFORE = [("commitments", "0021_notifications_to_own_app")]


def migration_child() -> None:
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "commitments", BEFORE[0][1], verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    declaration = old.get_model("commitments", "Declaration").objects.create(
        title="Declaration", date="2025-08-29", place="Tokyo", occasion="Summit", text="We will."
    )
    pillar = old.get_model("commitments", "Pillar").objects.create(
        slug="maritime", code_prefix="MAR", name="Maritime", description="Maritime."
    )
    author = old.get_model("commitments", "User").objects.create(
        username="jp-user", side="japan", password="!"
    )
    Commitment = old.get_model("commitments", "Commitment")
    Milestone = old.get_model("commitments", "Milestone")
    StatusUpdate = old.get_model("commitments", "StatusUpdate")
    made = {}
    # MAR-01: one shared done, one shared open, Japan's own done with weight 2 → stored 75 %.
    # MAR-02: Japan's own only, stored 100 %. MAR-03: shared only, stored 50 %, right already.
    for code, progress, milestones in [
        ("MAR-01", 75, [("bilateral", 1, True), ("public", 1, False), ("japan_only", 2, True)]),
        ("MAR-02", 100, [("japan_only", 1, True)]),
        ("MAR-03", 50, [("bilateral", 1, True), ("bilateral", 1, False)]),
    ]:
        made[code] = Commitment.objects.create(
            code=code,
            declaration=declaration,
            pillar=pillar,
            title=code,
            source_clause="We will.",
            paragraph=1,
            progress=progress,
            version=3,
        )
        for n, (marking, weight, done) in enumerate(milestones):
            Milestone.objects.create(
                commitment=made[code],
                title=f"{code} step {n}",
                due_date="2026-01-10",
                weight=weight,
                completed_on="2025-12-01" if done else None,
                marking=marking,
                side="japan",
            )
        StatusUpdate.objects.create(
            commitment=made[code],
            author=author,
            side="japan",
            kind="progress",
            from_status="not_started",
            to_status="not_started",
            from_progress=0,
            to_progress=progress,
            note="Progress moved.",
            marking="japan_only",
            version=3,
        )

    call_command("migrate", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute("SELECT code, progress, version FROM commitments_commitment ORDER BY code")
        commitments = cursor.fetchall()
        cursor.execute(
            "SELECT c.code, s.kind, s.side, s.from_progress, s.to_progress, s.marking, "
            "s.message, s.version, s.author_id FROM commitments_statusupdate s "
            "JOIN commitments_commitment c ON c.id = s.commitment_id ORDER BY s.id"
        )
        trail = cursor.fetchall()
    print(
        json.dumps(
            {
                "commitments": commitments,
                "trail": trail,
                "author": author.pk,
                "refused": scratch.trail_refuses_edits(),
            }
        )
    )


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_stored_progress_becomes_the_shared_milestones(tmp_path, database):
    result = scratch.run_child(
        "tests.test_migration_official_figures.migration_child()",
        database=database,
        name="tracker_fig_official_migration",
        tmp_path=tmp_path,
    )

    assert result["commitments"] == [["MAR-01", 50, 4], ["MAR-02", 100, 3], ["MAR-03", 50, 3]]
    added = [row for row in result["trail"] if row[6] == "national_excluded"]
    assert added == [
        ["MAR-01", "progress", "", 75, 50, "bilateral", "national_excluded", 4, result["author"]]
    ]
    assert len(result["trail"]) == 4
    assert result["refused"], "the trail must stay append-only but for its marking"
