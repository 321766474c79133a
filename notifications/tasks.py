"""Celery tasks: a few lines each, taking ids, calling one service."""

import logging
import smtplib

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="commitments.reminders_sweep", ignore_result=True)
def reminders_sweep_task() -> None:
    """Claim the reminders due now and queue the digests waiting to go out (beat, every 15 min)."""
    report = reminders_sweep_and_queue()
    logger.info(
        "Reminder sweep: %s new reminders claimed; %s digests queued.",
        report.claimed,
        len(report.digests),
    )


@shared_task(
    name="commitments.digest_send",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
)
def digest_send_task(self, digest_id: int) -> str:
    """Send one recipient's digest of the day; safe to run twice."""
    return services.digest_send(digest_id=digest_id)


def digest_enqueue(digest_id: int) -> None:
    """Queue a digest; if the broker is down, a later sweep queues it again."""
    try:
        digest_send_task.apply_async(
            (digest_id,),
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        )
    except OperationalError:
        logger.warning("Broker unreachable: digest %s will be queued by a later sweep.", digest_id)


def reminders_sweep_and_queue(*, now=None) -> services.SweepReport:
    """Sweep, then queue each digest waiting to go out once the sweep has committed."""
    report = services.reminders_sweep(now=now)
    for digest_id in report.digests:
        transaction.on_commit(lambda pk=digest_id: digest_enqueue(pk))
    return report
