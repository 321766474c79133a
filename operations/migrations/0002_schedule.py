"""The worker's heartbeat in django-celery-beat, every 30 seconds (editable in the admin)."""

from django.db import migrations

TASK_NAME = "Worker heartbeat"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "operations.heartbeat",
            "interval": every_30,
            "description": "A worker says it is alive; /health/ reads it.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("operations", "0001_initial"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
