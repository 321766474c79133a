"""Database helpers both databases have (PostgreSQL, and SQLite for the zero-configuration
default): an aggregate joining text values, and triggers that make a table append-only."""

from django.db.models import Aggregate, CharField


class Joined(Aggregate):
    """The values joined with `separator`, in the database's order: STRING_AGG on PostgreSQL,
    GROUP_CONCAT on SQLite (the zero-configuration default)."""

    function = "STRING_AGG"
    output_field = CharField()
    allow_distinct = True

    def __init__(self, expression, *, separator: str = ",", **extra):
        if "'" in separator or "%" in separator:
            raise ValueError("The separator is written into the SQL: no quotes, no %.")
        self.separator = separator
        super().__init__(expression, **extra)
        self.template = f"%(function)s(%(distinct)s%(expressions)s, '{separator}')"

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite takes no separator with DISTINCT; its default separator is a comma.
        clone = self.copy()
        clone.function = "GROUP_CONCAT"
        clone.template = (
            "%(function)s(%(distinct)s%(expressions)s)"
            if self.distinct
            else f"%(function)s(%(expressions)s, '{self.separator}')"
        )
        return clone.as_sql(compiler, connection, **extra)


# Append-only tables: UPDATE and DELETE refused for everyone, by a trigger. Used by
# migrations (the status trail, the audit log).


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


def append_only_operations(table: str, what: str, *, lift: bool = False):
    """A migration's RunPython that adds the triggers to `table` (and removes them backwards).

    With `lift`, the other way round: a migration that must fill in a column of existing
    entries lifts the triggers first and puts them back (without `lift`) once it has.
    """
    from django.db import migrations

    statements = _statements(table, what)

    def run(schema_editor, index: int) -> None:
        for statement in statements.get(schema_editor.connection.vendor, ([], []))[index]:
            schema_editor.execute(statement, params=None)

    add, remove = (1, 0) if lift else (0, 1)
    return migrations.RunPython(
        lambda apps, editor: run(editor, add),
        lambda apps, editor: run(editor, remove),
        elidable=False,
    )
