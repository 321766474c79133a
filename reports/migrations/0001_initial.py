"""The report jobs move here from `commitments` (its 0019 forgets them there): state only, the
table keeps its name, rows and constraint; its content type is relabelled."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from declaration_tracker.core.db import content_types_move


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
                    name="ReportJob",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("kind", models.CharField(max_length=40, verbose_name="kind")),
                        ("params", models.JSONField(blank=True, default=dict, verbose_name="parameters")),
                        ("language", models.CharField(max_length=10, verbose_name="language")),
                        ("state", models.CharField(choices=[("queued", "Queued"), ("running", "Being made"), ("done", "Ready"), ("failed", "Failed")], default="queued", max_length=10, verbose_name="state")),
                        ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress")),
                        ("filename", models.CharField(blank=True, max_length=200, verbose_name="file name")),
                        ("content_type", models.CharField(blank=True, max_length=100, verbose_name="content type")),
                        ("content", models.BinaryField(blank=True, null=True, verbose_name="content")),
                        ("error", models.TextField(blank=True, verbose_name="error")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                        ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started at")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                        ("requested_by", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="report_jobs", to=settings.AUTH_USER_MODEL, verbose_name="requested by")),
                    ],
                    options={
                        "verbose_name": "report job",
                        "verbose_name_plural": "report jobs",
                        "db_table": "commitments_reportjob",
                        "ordering": ["-created_at"],
                        "constraints": [models.CheckConstraint(condition=models.Q(("progress__lte", 100)), name="report_job_progress_at_most_100")],
                    },
                ),
            ],
        ),
        content_types_move(models=["reportjob"], from_app="commitments", to_app="reports"),
    ]
