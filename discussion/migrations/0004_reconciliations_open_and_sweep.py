"""Open a reconciliation for each commitment whose sides are already apart (a joint commitment
whose sides report different statuses, or a change of shared terms awaiting an answer), due
TRACKER_RECONCILIATION_DAYS from today; and schedule the daily sweep that keeps them current
(django-celery-beat, editable in the admin under Periodic tasks)."""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone

TASK = "Reconciliations: open and close"


def forwards(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    SharedTermChange = apps.get_model("commitments", "SharedTermChange")
    Reconciliation = apps.get_model("discussion", "Reconciliation")
    now = timezone.now()
    due = timezone.localdate(now) + datetime.timedelta(days=settings.TRACKER_RECONCILIATION_DAYS)
    pending = set(
        SharedTermChange.objects.filter(state="pending").values_list("commitment_id", flat=True)
    )
    for commitment in Commitment.objects.only("pk", "lead_side", "india_status", "japan_status"):
        apart = commitment.lead_side == "joint" and commitment.india_status != commitment.japan_status
        terms = commitment.pk in pending
        if apart or terms:
            Reconciliation.objects.get_or_create(
                commitment_id=commitment.pk,
                closed_at=None,
                defaults={"about_status": apart, "about_terms": terms, "opened_at": now,
                          "due_on": due, "marking": "bilateral"},
            )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.get_or_create(
        name=TASK,
        defaults={
            "task": "discussion.reconciliations_sync",
            "interval": interval,
            "description": "Opens a reconciliation where a commitment's sides are apart and "
            "closes it once they agree (the services do it as they write; this catches "
            "changes made around them).",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK).delete()
    apps.get_model("discussion", "Reconciliation").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("discussion", "0003_reconciliation"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
