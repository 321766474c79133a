"""The tracker's own Prometheus metrics, counted across every web and worker process.

Celery tasks run in worker processes, so a counter kept in a worker's memory would never reach
the web process that answers `/metrics`. Each task's end is counted instead in the shared cache
(Redis: `add` then `incr`, both atomic there), by the Celery signals `connect()` hooks up, and
read at scrape time with the webhook and report queues, which are counted in the database.

Only counts, task names and outcomes: never a title, a note, a name or anything else either
government wrote.
"""

import datetime
import functools
import logging

from celery.app import app_or_default
from celery.signals import task_failure, task_retry, task_success
from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .checks import ReportQueue, WebhookBacklog

logger = logging.getLogger(__name__)

OUTCOMES = ("success", "failure", "retry")
REMINDER_SWEEP = "commitments.reminders_sweep"  # notifications/tasks.py, by its name
KEY_PREFIX = "metrics:task"
# Written at every scrape: if it cannot be read back, the cache is unreachable and the task
# counts are left out (a gap), rather than reported as zeros that would read as a reset.
ALIVE_KEY = "metrics:alive"


def _counted(name: str) -> bool:
    """The tracker's own tasks; not Celery's built-ins (celery.backend_cleanup, celery.chord…)."""
    return bool(name) and not name.startswith("celery.")


def _key(task: str, outcome: str) -> str:
    return f"{KEY_PREFIX}:{outcome}:{task}"


def task_count(task: str, outcome: str) -> None:
    """Add one to `task`'s count of `outcome`. Never raises: a metric is not worth a task."""
    if not _counted(task):
        return
    key = _key(task, outcome)
    try:
        cache.add(key, 0, timeout=None)  # SET NX: the first run of a task starts its count
        cache.incr(key)
    except ValueError:
        logger.warning("Metrics: the count of %s %s was gone before it was counted.", task, outcome)
    except Exception:
        logger.warning("Metrics: %s %s not counted.", task, outcome, exc_info=True)


def _on_success(sender=None, **kwargs) -> None:
    task_count(getattr(sender, "name", ""), "success")


def _on_failure(sender=None, **kwargs) -> None:
    task_count(getattr(sender, "name", ""), "failure")


def _on_retry(sender=None, **kwargs) -> None:
    task_count(getattr(sender, "name", ""), "retry")


def connect() -> None:
    """Count every task's end in whichever process runs it (OperationsConfig.ready)."""
    task_success.connect(_on_success, weak=False, dispatch_uid="operations.metrics.success")
    task_failure.connect(_on_failure, weak=False, dispatch_uid="operations.metrics.failure")
    task_retry.connect(_on_retry, weak=False, dispatch_uid="operations.metrics.retry")


@functools.cache
def task_names() -> tuple[str, ...]:
    """The tasks the Celery app knows: every installed app's `tasks` module, found as a worker
    finds them (the web process imports only those its views use), once per process."""
    app = app_or_default()
    app.loader.import_default_modules()
    return tuple(sorted(name for name in app.tasks if _counted(name)))


def task_counts() -> dict[tuple[str, str], int] | None:
    """Each known task's count of each outcome, from the cache; None if it is unreachable."""
    keys = {_key(task, outcome): (task, outcome) for task in task_names() for outcome in OUTCOMES}
    cache.set(ALIVE_KEY, 1, timeout=None)
    found = cache.get_many([ALIVE_KEY, *keys])
    if ALIVE_KEY not in found:
        return None
    return {labels: int(found.get(key) or 0) for key, labels in keys.items()}


class TrackerCollector:
    """Read at each scrape; the database and the cache are each left out while unreachable."""

    def collect(self):
        yield from self._tasks()
        yield from self._queues()

    def _tasks(self):
        try:
            counts = task_counts()
        except Exception:
            logger.warning("Metrics: the task counts could not be read.", exc_info=True)
            counts = None
        if counts is None:
            return
        runs = CounterMetricFamily(
            "tracker_celery_task_runs",
            "Celery task runs that ended, by task name and outcome, across all workers.",
            labels=["task", "outcome"],
        )
        for (task, outcome), value in sorted(counts.items()):
            runs.add_metric([task, outcome], value)
        yield runs
        sweeps = CounterMetricFamily(
            "tracker_reminder_sweeps",
            f"Reminder sweeps ({REMINDER_SWEEP}) that ran to the end.",
        )
        sweeps.add_metric([], counts.get((REMINDER_SWEEP, "success"), 0))
        yield sweeps

    def _queues(self):
        try:
            figures = queue_figures()
        except Exception:
            logger.warning("Metrics: the queues could not be counted.", exc_info=True)
            return
        deliveries = CounterMetricFamily(
            "tracker_webhook_deliveries",
            "Webhook delivery attempts logged, by outcome (success: a 2xx answer).",
            labels=["outcome"],
        )
        for outcome in ("success", "failure"):
            deliveries.add_metric([outcome], figures["deliveries"][outcome])
        yield deliveries
        events = GaugeMetricFamily(
            "tracker_webhook_events",
            "Webhook events (one event for one subscription) by state.",
            labels=["state"],
        )
        for state, value in figures["events"].items():
            events.add_metric([state], value)
        yield events
        yield GaugeMetricFamily(
            "tracker_webhook_backlog",
            "Webhook events pending: not yet delivered, failed or withheld.",
            value=figures["events"].get("pending", 0),
        )
        yield GaugeMetricFamily(
            "tracker_webhook_overdue",
            f"Pending webhook events due over {_seconds(WebhookBacklog.late)} s ago "
            "(the /health/ check's count).",
            value=figures["webhooks_overdue"],
        )
        yield GaugeMetricFamily(
            "tracker_report_queue",
            "Report jobs queued for the worker and not started.",
            value=figures["reports_queued"],
        )
        yield GaugeMetricFamily(
            "tracker_report_queue_late",
            f"Report jobs queued over {_seconds(ReportQueue.late)} s ago and not started "
            "(the /health/ check's count).",
            value=figures["reports_late"],
        )


def _seconds(delta: datetime.timedelta) -> int:
    return int(delta.total_seconds())


def queue_figures() -> dict:
    """The webhook and report queues, counted as the /health/ checks count them; each of these
    features is reached by its name (import-linter: operations imports no other feature)."""
    now = timezone.now()
    event_model = apps.get_model("webhooks", "WebhookEvent")
    delivery_model = apps.get_model("webhooks", "WebhookDelivery")
    job_model = apps.get_model("reports", "ReportJob")

    events = dict.fromkeys(event_model.State.values, 0)
    for row in event_model.objects.order_by().values("state").annotate(n=Count("pk")):
        events[row["state"]] = row["n"]
    attempts = delivery_model.objects.aggregate(
        all=Count("pk"), success=Count("pk", filter=Q(response_status__range=(200, 299)))
    )
    # An attempt with no answer at all (a refused connection, a timeout) is a failure too.
    deliveries = {"success": attempts["success"], "failure": attempts["all"] - attempts["success"]}
    jobs = job_model.objects.filter(state="queued")
    return {
        "events": events,
        "deliveries": deliveries,
        "webhooks_overdue": event_model.objects.filter(
            state="pending", next_attempt_at__lt=now - WebhookBacklog.late
        ).count(),
        "reports_queued": jobs.count(),
        "reports_late": jobs.filter(created_at__lt=now - ReportQueue.late).count(),
    }


# The tracker's own registry, exported after django-prometheus's by the /metrics view: one
# registry made once per process, so nothing is registered twice, and it is read in
# prometheus_client's multiprocess mode too (where the global registry is not).
REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(TrackerCollector())
