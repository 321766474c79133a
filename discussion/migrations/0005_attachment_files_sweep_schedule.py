"""Sweep the attachments' storage daily in django-celery-beat (editable in the admin)."""

from django.db import migrations

TASK_NAME = "Attachments' storage sweep"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "discussion.attachment_files_sweep",
            "interval": daily,
            "description": "Deletes stored files no attachment names (older than an hour) and "
            "logs the attachments whose file is missing.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0004_reconciliations_open_and_sweep"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
