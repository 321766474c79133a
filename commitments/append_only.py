"""Database triggers that make a table append-only: UPDATE and DELETE refused for everyone.

Used by migrations (the status trail, the audit log); PostgreSQL and SQLite.
"""


def _statements(table: str, what: str) -> dict[str, tuple[list[str], list[str]]]:
    function = f"{table}_append_only"
    return {
        "postgresql": (
            [
                f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{what} is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {function}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
            ],
            [
                f"""
DROP TRIGGER IF EXISTS {function} ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
            ],
        ),
        "sqlite": (
            [
                f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
       BEGIN SELECT RAISE(ABORT, '{what} is append-only: UPDATE refused'); END;""",
                f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
       BEGIN SELECT RAISE(ABORT, '{what} is append-only: DELETE refused'); END;""",
            ],
            [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            ],
        ),
    }


def operations(table: str, what: str):
    """A migration's RunPython that adds the triggers to `table` (and removes them backwards)."""
    from django.db import migrations

    statements = _statements(table, what)

    def run(schema_editor, index: int) -> None:
        for statement in statements.get(schema_editor.connection.vendor, ([], []))[index]:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(
        lambda apps, editor: run(editor, 0), lambda apps, editor: run(editor, 1), elidable=False
    )
