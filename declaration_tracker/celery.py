"""The Celery application, configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "declaration_tracker.settings")

app = Celery("declaration_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's `tasks` module: notifications.tasks (the reminder sweep and the digests,
# still named "commitments.…"), reports.tasks, webhooks.tasks.
app.autodiscover_tasks()


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    """Sweep once at start-up rather than wait up to 15 minutes for beat's first tick.

    The sweep is idempotent: a sweep at each worker start claims nothing twice.
    """
    from django.conf import settings

    if getattr(settings, "TRACKER_SWEEP_ON_WORKER_START", True):
        sender.app.send_task("commitments.reminders_sweep")
        sender.app.send_task("webhooks.deliver_due")
