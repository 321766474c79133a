"""The tracker's own health checks, for django-health-check: each says only whether a part
works (a time, a count), never anything either government wrote."""

import dataclasses
import datetime

from celery.app import app_or_default
from django.apps import apps
from django.db import connection
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable


def _closing(run):
    """Run a check's queries on the executor's thread, and close its connection after."""

    def wrapped(self):
        try:
            return run(self)
        finally:
            connection.close()

    return wrapped


def _recent(at, within: datetime.timedelta, silent: str) -> None:
    """Fail unless `at` is within `within` of now: "<silent> yet." or "<silent> for N s."."""
    if at is None:
        raise ServiceUnavailable(f"{silent} yet.")
    age = timezone.now() - at
    if age > within:
        raise ServiceUnavailable(f"{silent} for {int(age.total_seconds())} s.")


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis, or `make run`'s file transport)."""

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=3), repr=False
    )

    def run(self) -> None:
        app = app_or_default()  # the project's, set as the default by its Celery module
        try:
            with app.connection_for_write() as broker:
                broker.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as error:
            raise ServiceUnavailable("The broker does not answer.") from error


@dataclasses.dataclass
class WorkerAnswering(HealthCheck):
    """A worker ran the heartbeat beat sends every 30 seconds, recently: beat sends, the broker
    carries and a worker runs."""

    within: datetime.timedelta = datetime.timedelta(minutes=2)

    @_closing
    def run(self) -> None:
        from .models import Heartbeat

        beat = Heartbeat.objects.filter(name="worker").first()
        _recent(beat.at if beat else None, self.within, "No worker has run beat's heartbeat")


@dataclasses.dataclass
class BeatRunning(HealthCheck):
    """Beat sent a periodic task recently: the last run django-celery-beat records (which it
    writes to the database only every few minutes), or the worker's heartbeat, which runs only
    when beat has sent it."""

    within: datetime.timedelta = datetime.timedelta(minutes=5)

    @_closing
    def run(self) -> None:
        from django.db.models import Max
        from django_celery_beat.models import PeriodicTask

        from .models import Heartbeat

        recorded = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))
        beat = Heartbeat.objects.filter(name="worker").first()
        known = [at for at in (recorded["last"], beat.at if beat else None) if at is not None]
        _recent(max(known) if known else None, self.within, "Beat has not run")


@dataclasses.dataclass
class WebhookBacklog(HealthCheck):
    """Webhook events waiting past their time: a count, beyond `limit` a failure."""

    limit: int = 1000
    late: datetime.timedelta = datetime.timedelta(minutes=10)

    @_closing
    def run(self) -> None:
        events = apps.get_model("webhooks", "WebhookEvent")  # a feature of its own: by name
        waiting = events.objects.filter(
            state="pending", next_attempt_at__lt=timezone.now() - self.late
        ).count()
        if waiting > self.limit:
            raise ServiceUnavailable(f"{waiting} webhook events are overdue.")


@dataclasses.dataclass
class ReportQueue(HealthCheck):
    """Report jobs queued and not started for longer than `late`."""

    late: datetime.timedelta = datetime.timedelta(minutes=15)

    @_closing
    def run(self) -> None:
        jobs = apps.get_model("reports", "ReportJob")  # a feature of its own: by name
        stuck = jobs.objects.filter(
            state="queued", created_at__lt=timezone.now() - self.late
        ).count()
        if stuck:
            raise ServiceUnavailable(f"{stuck} reports have waited over {self.late}.")
