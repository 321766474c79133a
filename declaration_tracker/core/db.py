"""Database helpers both databases have (PostgreSQL, and SQLite for the zero-configuration
default): an aggregate joining text values, triggers that make a table append-only, and the
content types of models moved between apps."""

from django.db import migrations
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
# migrations (the status trail, the audit log). `mutable` names the columns an UPDATE may still
# change (the status trail's release marking), every other column staying as written.


def _statements(
    table: str, what: str, mutable: tuple[str, ...], columns: list[str]
) -> dict[str, tuple[list[str], list[str]]]:
    function = f"{table}_append_only"
    keep = "".join(f"        probe.{column} := OLD.{column};\n" for column in mutable)
    allowed = (
        f"""    IF TG_OP = 'UPDATE' THEN
        probe := NEW;
{keep}        IF probe IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
"""
        if mutable
        else ""
    )
    frozen = [column for column in columns if column not in mutable]
    of_columns = f" OF {', '.join(frozen)}" if mutable else ""
    return {
        "postgresql": (
            [
                f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
DECLARE
    probe {table}%ROWTYPE;
BEGIN
{allowed}    RAISE EXCEPTION '{what} is append-only: % refused', TG_OP
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
                f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE{of_columns} ON {table}
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


def append_only_operations(
    table: str, what: str, *, lift: bool = False, mutable: tuple[str, ...] = ()
):
    """A migration's RunPython that adds the triggers to `table` (and removes them backwards).

    With `lift`, the other way round: a migration that must fill in a column of existing
    rows, or whose table SQLite rebuilds, lifts the triggers first and puts them back
    (without `lift`) as its last step. With `mutable`, an UPDATE that changes only those
    columns is let through (SQLite's trigger names the other columns, as the table has them
    at that point of the migrations).
    """
    from django.db import migrations

    def run(apps, schema_editor, index: int) -> None:
        model = next(
            m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table
        )
        columns = [field.column for field in model._meta.concrete_fields]
        statements = _statements(table, what, mutable, columns)
        for statement in statements.get(schema_editor.connection.vendor, ([], []))[index]:
            schema_editor.execute(statement, params=None)

    add, remove = (1, 0) if lift else (0, 1)
    return migrations.RunPython(
        lambda apps, editor: run(apps, editor, add),
        lambda apps, editor: run(apps, editor, remove),
        elidable=False,
    )


def content_types_move(*, models: list[str], from_app: str, to_app: str) -> migrations.RunPython:
    """An operation that relabels the content types of `models` (lower-case names) moved from
    one app to another, so that the permissions, and the audit events, naming them follow; the
    reverse puts them back. A database with no such rows yet (a new one) has nothing to do; a
    model whose new label has a row already keeps both as they are."""

    def relabel(source: str, target: str):
        def run(apps, schema_editor):
            types = apps.get_model("contenttypes", "ContentType").objects.using(
                schema_editor.connection.alias
            )
            taken = types.filter(app_label=target).values_list("model", flat=True)
            types.filter(app_label=source, model__in=models).exclude(model__in=list(taken)).update(
                app_label=target
            )

        return run

    return migrations.RunPython(relabel(from_app, to_app), relabel(to_app, from_app))
