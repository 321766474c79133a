"""An aggregate both databases have: text values of a group joined into one string."""

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
