"""Make the status trail append-only in the database itself, not only in the ORM."""

from django.db import migrations

from commitments import append_only


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [append_only.operations("commitments_statusupdate", "the status trail")]
