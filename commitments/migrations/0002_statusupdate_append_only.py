"""Make the status trail append-only in the database itself, not only in the ORM."""

from django.db import migrations

POSTGRESQL_FORWARD = """
CREATE OR REPLACE FUNCTION commitments_statusupdate_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the status trail is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER commitments_statusupdate_append_only
    BEFORE UPDATE OR DELETE ON commitments_statusupdate
    FOR EACH ROW EXECUTE FUNCTION commitments_statusupdate_append_only();
"""
POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS commitments_statusupdate_append_only ON commitments_statusupdate;
DROP FUNCTION IF EXISTS commitments_statusupdate_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER commitments_statusupdate_no_update BEFORE UPDATE ON commitments_statusupdate
       BEGIN SELECT RAISE(ABORT, 'the status trail is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER commitments_statusupdate_no_delete BEFORE DELETE ON commitments_statusupdate
       BEGIN SELECT RAISE(ABORT, 'the status trail is append-only: DELETE refused'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS commitments_statusupdate_no_update;",
    "DROP TRIGGER IF EXISTS commitments_statusupdate_no_delete;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
