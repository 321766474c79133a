"""The audit log's model moves here from `commitments` (its 0020 forgets it there): state only,
the table keeps its name, rows, indexes and append-only trigger; its content type is relabelled."""

import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from declaration_tracker.core.db import content_types_move

MARKINGS = [
    ("public", "Public"),
    ("bilateral", "Bilateral"),
    ("india_only", "India only"),
    ("japan_only", "Japan only"),
]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("commitments", "0019_models_to_feature_apps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="when")),
                        ("origin", models.CharField(blank=True, help_text="The request, e.g. PATCH /api/…", max_length=300, verbose_name="through")),
                        ("action", models.CharField(choices=[("created", "Created"), ("changed", "Changed"), ("deleted", "Deleted")], max_length=10, verbose_name="action")),
                        ("object_id", models.CharField(max_length=64, verbose_name="object id")),
                        ("object_repr", models.CharField(max_length=300, verbose_name="object")),
                        ("commitment_code", models.CharField(blank=True, db_index=True, help_text="The commitment the object belongs to, if any: its page lists the events.", max_length=12, verbose_name="commitment")),
                        ("changes", models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder, help_text="{field: [before, after]}", verbose_name="changes")),
                        ("marking", models.CharField(choices=MARKINGS, default="bilateral", help_text="The object's current marking (it follows the object's re-markings): readers outside it see the event as restricted, without the marked values.", max_length=12, verbose_name="marking")),
                        ("actor", models.ForeignKey(blank=True, help_text="Empty for the system: a command, a scheduled task, a data load.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="who")),
                        ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype")),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "verbose_name_plural": "audit events",
                        "db_table": "commitments_auditevent",
                        "ordering": ["-at", "-id"],
                        "indexes": [
                            models.Index(fields=["-at", "-id"], name="auditevent_at"),
                            models.Index(fields=["content_type", "object_id"], name="auditevent_object"),
                        ],
                    },
                ),
            ],
        ),
        content_types_move(models=["auditevent"], from_app="commitments", to_app="audit"),
    ]
