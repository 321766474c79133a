"""The discussion app's Celery tasks (autodiscovered by declaration_tracker.celery): a few lines
each, calling one service."""

import logging

from celery import shared_task

from . import reconciliation_services
from .attachment_sweep import attachment_files_sweep

logger = logging.getLogger(__name__)


@shared_task(name="discussion.reconciliations_sync", ignore_result=True)
def reconciliations_sync_task() -> dict:
    """Open and close reconciliations as the commitments stand (beat, daily); safe to repeat."""
    counts = reconciliation_services.reconciliations_sync_all()
    logger.info("Reconciliations: %(opened)s opened, %(closed)s closed.", counts)
    return counts


@shared_task(
    name="discussion.attachment_files_sweep",
    ignore_result=True,
    autoretry_for=(OSError,),  # the storage unreachable for a while (S3, a network share)
    retry_backoff=True,
    max_retries=5,
)
def attachment_files_sweep_task() -> None:
    """Sweep the attachments' storage (beat sends it daily; idempotent)."""
    attachment_files_sweep()
