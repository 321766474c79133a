"""The webhooks' models move here from `commitments` (its 0019 forgets them there): state only,
the tables keep their names, rows and constraints; their content types are relabelled."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from declaration_tracker.core.db import content_types_move

EVENT_TYPES = [
    ("commitment.status_changed", "Official status changed"),
    ("commitment.side_reported", "A side reported"),
    ("commitment.changed", "Commitment changed"),
    ("milestone.created", "Milestone added"),
    ("milestone.changed", "Milestone changed"),
    ("milestone.completed", "Milestone completed"),
    ("meeting.created", "Meeting added"),
    ("meeting.changed", "Meeting changed"),
    ("action_item.changed", "Action item added or changed"),
]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("commitments", "0018_copies_follow_markings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="WebhookSubscription",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("url", models.URLField(max_length=500, verbose_name="URL")),
                        ("events", models.JSONField(default=list, verbose_name="events")),
                        ("active", models.BooleanField(default=True, verbose_name="active")),
                        ("description", models.CharField(blank=True, max_length=300, verbose_name="description")),
                        ("secret", models.CharField(editable=False, max_length=100, verbose_name="secret")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                        ("failing_since", models.DateTimeField(blank=True, help_text="The first failed attempt since the last success; empty when it is well.", null=True, verbose_name="failing since")),
                        ("disabled_reason", models.CharField(blank=True, max_length=300, verbose_name="why it was disabled")),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="webhook_subscriptions", to=settings.AUTH_USER_MODEL, verbose_name="owner")),
                        ("reader", models.ForeignKey(help_text="Events carry only what this user may read (their release markings).", on_delete=django.db.models.deletion.PROTECT, related_name="webhook_readings", to=settings.AUTH_USER_MODEL, verbose_name="reader")),
                    ],
                    options={
                        "verbose_name": "webhook subscription",
                        "verbose_name_plural": "webhook subscriptions",
                        "db_table": "commitments_webhooksubscription",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookEvent",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("type", models.CharField(choices=EVENT_TYPES, max_length=40, verbose_name="type")),
                        ("object_label", models.CharField(max_length=60)),
                        ("object_pk", models.CharField(max_length=40)),
                        ("change", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                        ("body", models.TextField(blank=True)),
                        ("state", models.CharField(choices=[("pending", "Pending"), ("delivered", "Delivered"), ("failed", "Failed"), ("withheld", "Withheld: outside the reader's markings")], default="pending", max_length=10, verbose_name="state")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("leased_until", models.DateTimeField(blank=True, null=True)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        ("subscription", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="webhook_events", to="webhooks.webhooksubscription")),
                    ],
                    options={
                        "verbose_name": "webhook event",
                        "verbose_name_plural": "webhook events",
                        "db_table": "commitments_webhookevent",
                        "ordering": ["created_at"],
                        "indexes": [models.Index(condition=models.Q(("state", "pending")), fields=["next_attempt_at"], name="webhook_event_due")],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookDelivery",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("attempted_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="attempted at")),
                        ("response_status", models.PositiveSmallIntegerField(null=True, verbose_name="response status")),
                        ("duration_ms", models.PositiveIntegerField(null=True, verbose_name="duration (ms)")),
                        ("response_body", models.TextField(blank=True, verbose_name="response body")),
                        ("error", models.CharField(blank=True, max_length=500, verbose_name="error")),
                        ("event", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="deliveries", to="webhooks.webhookevent")),
                    ],
                    options={
                        "verbose_name": "webhook delivery",
                        "verbose_name_plural": "webhook deliveries",
                        "db_table": "commitments_webhookdelivery",
                        "ordering": ["-attempted_at", "-id"],
                    },
                ),
            ],
        ),
        content_types_move(
            models=["webhooksubscription", "webhookevent", "webhookdelivery"],
            from_app="commitments",
            to_app="webhooks",
        ),
    ]
