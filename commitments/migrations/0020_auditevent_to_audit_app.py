"""The audit log's model now belongs to the `audit` app, whose first migration took it over:
forget it here. State only: no table, row, index or trigger moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0019_models_to_feature_apps"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
        ),
    ]
