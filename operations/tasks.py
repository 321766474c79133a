"""The worker's heartbeat: beat sends it every 30 seconds; a worker that runs it is alive and
reads the queue (idempotent: it only moves a time forward)."""

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(name="operations.heartbeat", ignore_result=True)
def heartbeat() -> None:
    Heartbeat.objects.update_or_create(name="worker", defaults={"at": timezone.now()})
