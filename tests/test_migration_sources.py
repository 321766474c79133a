"""The migration that records the data file's text as what it is (commitments 0029): on a
database loaded before it, the declaration's text gets its source, the published summary."""

import json

import pytest
from django.db import connection

from tests import scratch

BEFORE = [("commitments", "0028_evidence_link")]


def migration_child() -> None:
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "commitments", BEFORE[0][1], verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    old.get_model("commitments", "Declaration").objects.create(
        title="Declaration", date="2025-08-29", place="Tokyo", occasion="Summit", text="We will."
    )

    call_command("migrate", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.kind, s.language, s.title, s.publisher, s.published, s.url "
            "FROM commitments_declaration d "
            "JOIN commitments_sourcedocument s ON s.id = d.text_source_id"
        )
        sources = cursor.fetchall()
    print(json.dumps({"sources": sources}))


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_a_loaded_declarations_text_is_recorded_as_the_published_summary(tmp_path, database):
    result = scratch.run_child(
        "tests.test_migration_sources.migration_child()",
        database=database,
        name="tracker_sources_migration",
        tmp_path=tmp_path,
    )

    assert result["sources"] == [
        [
            "unofficial_summary",
            "en",
            "India and Japan adopt Joint Declaration on Security Cooperation during PM Modi's "
            "visit",
            "G Plus Times",
            None,
            "",
        ]
    ]
