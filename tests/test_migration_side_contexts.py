"""The migration that gives each government its own context (commitments 0025), from the
previous head on a populated PostgreSQL database: a commitment context a user had edited
moves to the side that wrote it (its national marking first, then the audit log's editor,
then the lead side), with its marking, and the tracker's note goes back to the data file's
words; a context nobody edited stays the tracker's note."""

import json

from django.db import connection

from tests import scratch

BEFORE = [("commitments", "0024_official_figures")]


def migration_child() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    old = scratch.migrate_to(BEFORE)
    declaration = old.get_model("commitments", "Declaration").objects.create(
        title="Declaration", date="2025-08-29", place="Tokyo", occasion="Summit", text="We will."
    )
    pillar = old.get_model("commitments", "Pillar").objects.create(
        slug="maritime", code_prefix="MAR", name="Maritime", description="Maritime."
    )
    User = old.get_model("commitments", "User")
    japan = User.objects.create(username="jp-user", side="japan", password="!")
    Commitment = old.get_model("commitments", "Commitment")
    AuditEvent = old.get_model("audit", "AuditEvent")
    kind = ContentType.objects.get(app_label="commitments", model="commitment")
    # MAR-01: edited by Japan's user (the audit log says so), bilateral → Japan's context.
    # MAR-02: edited, marked india_only → India's. MAR-03: edited, no trace, Japan-led →
    # Japan's. MAR-04: the data file's note, never edited → stays the tracker's note.
    rows = [
        ("MAR-01", "Japan's words.", "bilateral", "joint"),
        ("MAR-02", "India's words.", "india_only", "joint"),
        ("MAR-03", "Untraced words.", "bilateral", "japan"),
        ("MAR-04", "The data file's note.", "public", "joint"),
    ]
    for code, context, marking, lead in rows:
        made = Commitment.objects.create(
            code=code,
            declaration=declaration,
            pillar=pillar,
            title=code,
            source_clause="We will.",
            paragraph=1,
            context=context,
            marking=marking,
            lead_side=lead,
            loaded_values={"context": "The data file's note."},
        )
        if code == "MAR-01":
            AuditEvent.objects.create(
                content_type_id=kind.pk,
                object_id=str(made.pk),
                object_repr=code,
                commitment_code=code,
                action="changed",
                actor=japan,
                changes={"context": ["The data file's note.", context]},
                marking=marking,
            )

    call_command("migrate", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, context, marking, version FROM commitments_commitment ORDER BY code"
        )
        commitments = cursor.fetchall()
        cursor.execute(
            "SELECT c.code, x.side, x.text, x.marking, x.updated_by_id, x.version "
            "FROM commitments_commitmentcontext x "
            "JOIN commitments_commitment c ON c.id = x.commitment_id ORDER BY c.code"
        )
        contexts = cursor.fetchall()
    print(json.dumps({"commitments": commitments, "contexts": contexts, "japan": japan.pk}))


def test_edited_contexts_move_to_the_side_that_wrote_them(tmp_path):
    result = scratch.run_child(
        "tests.test_migration_side_contexts.migration_child()",
        database="postgresql",
        name="tracker_side_contexts_migration",
        tmp_path=tmp_path,
    )
    note = "The data file's note."
    assert result["commitments"] == [
        ["MAR-01", note, "bilateral", 1],
        ["MAR-02", note, "india_only", 1],
        ["MAR-03", note, "bilateral", 1],
        ["MAR-04", note, "public", 1],
    ]
    assert result["contexts"] == [
        ["MAR-01", "japan", "Japan's words.", "bilateral", result["japan"], 1],
        ["MAR-02", "india", "India's words.", "india_only", None, 1],
        ["MAR-03", "japan", "Untraced words.", "bilateral", None, 1],
    ]
