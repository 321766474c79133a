"""Make the status trail append-only in the database itself, not only in the ORM."""

from django.db import migrations

from declaration_tracker.core.db import append_only_operations


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [append_only_operations("commitments_statusupdate", "the status trail")]
