"""The reminders' models move here from `commitments` (its 0021 forgets them there): state only,
the tables keep their names, rows, constraints and indexes; their content types are relabelled,
so the permissions naming them follow."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from declaration_tracker.core.db import content_types_move

REMINDER_KINDS = [
    ("overdue", "Overdue"),
    ("due_today", "Due today"),
    ("due_soon", "Due soon"),
    ("awaiting", "Awaiting your confirmation"),
    ("stale", "No status update for a long time"),
    ("escalation", "Escalation: overdue for over a week"),
    ("mechanism", "Dialogue meeting overdue"),
]
DIGEST_STATES = [("pending", "Pending"), ("sent", "Sent"), ("skipped", "Skipped")]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("commitments", "0020_auditevent_to_audit_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Digest",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField(help_text="The recipient's local date.", verbose_name="day")),
                        ("state", models.CharField(choices=DIGEST_STATES, default="pending", max_length=10, verbose_name="state")),
                        ("enqueued_at", models.DateTimeField(blank=True, null=True, verbose_name="last queued")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="digests", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "reminder digest",
                        "verbose_name_plural": "reminder digests",
                        "db_table": "commitments_digest",
                        "ordering": ["-day", "recipient_id"],
                        "indexes": [
                            models.Index(condition=models.Q(("state", "pending")), fields=["enqueued_at"], name="digest_pending"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("recipient", "day"), name="digest_one_per_day"),
                            models.CheckConstraint(condition=models.Q(("state__in", ["pending", "sent", "skipped"])), name="digest_state_valid"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Reminder",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField(verbose_name="day")),
                        ("kind", models.CharField(choices=REMINDER_KINDS, max_length=12, verbose_name="kind")),
                        ("item_key", models.CharField(help_text="What it is about, e.g. milestone:12.", max_length=60, verbose_name="item")),
                        ("title", models.CharField(max_length=400, verbose_name="title")),
                        ("detail", models.CharField(blank=True, max_length=200, verbose_name="detail")),
                        ("detail_message", models.CharField(blank=True, help_text="The detail as a message key, read in each reader's language.", max_length=20, verbose_name="detail's message")),
                        ("detail_params", models.JSONField(blank=True, default=dict, verbose_name="detail's parameters")),
                        ("path", models.CharField(help_text="Its page in the tracker.", max_length=200, verbose_name="page")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("digest", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reminders", to="notifications.digest")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reminders", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "reminder",
                        "verbose_name_plural": "reminders",
                        "db_table": "commitments_reminder",
                        "ordering": ["-day", "kind", "title"],
                        "indexes": [
                            models.Index(fields=["recipient", "-day"], name="reminder_recipient_day"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("recipient", "item_key", "kind", "day"), name="reminder_once"),
                            models.CheckConstraint(condition=models.Q(("kind__in", [kind for kind, _label in REMINDER_KINDS])), name="reminder_kind_valid"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReminderPreference",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("muted_kinds", models.JSONField(blank=True, default=list, help_text="Reminder kinds to skip.", verbose_name="kinds not wanted")),
                        ("lead_days", models.JSONField(blank=True, default=list, help_text="When to be reminded before a due date; empty for the tracker's default.", verbose_name="days before a due date")),
                        ("email", models.BooleanField(default=True, verbose_name="send e-mail digests")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="reminder_preference", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "reminder preference",
                        "verbose_name_plural": "reminder preferences",
                        "db_table": "commitments_reminderpreference",
                    },
                ),
            ],
        ),
        content_types_move(
            models=["digest", "reminder", "reminderpreference"],
            from_app="commitments",
            to_app="notifications",
        ),
    ]
