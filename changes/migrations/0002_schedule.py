"""The change feed's sequencer row, and its tasks in django-celery-beat (editable in the admin,
under Periodic tasks): numbering what committed every minute, compaction once a day."""

from django.db import migrations

TASKS = {
    "Change feed: sequence": ("changes.sequence", 60, "seconds", "Numbers the changes that "
                              "committed since the feed was last read."),
    "Change feed: compaction": ("changes.compact", 1, "days", "Forgets the changes older than "
                                "TRACKER_CHANGES_RETENTION_DAYS (a token older answers 410)."),
}


def schedule(apps, schema_editor):
    apps.get_model("changes", "ChangeSequence").objects.get_or_create(pk=1)
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, every, period, description) in TASKS.items():
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "description": description}
        )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=TASKS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("changes", "0001_initial"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
