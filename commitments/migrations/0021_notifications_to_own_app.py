"""The reminders' models (the reminder log, digests, preferences) now belong to the
`notifications` app, whose first migration took them over: forget them here. State only: no
table, row, constraint or index moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0020_auditevent_to_audit_app"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Reminder"),
                migrations.DeleteModel(name="ReminderPreference"),
                migrations.DeleteModel(name="Digest"),
            ],
        ),
    ]
