"""Celery tasks: a few lines each, calling one service."""

import logging

from celery import shared_task

from . import reconciliation_services

logger = logging.getLogger(__name__)


@shared_task(name="discussion.reconciliations_sync", ignore_result=True)
def reconciliations_sync_task() -> dict:
    """Open and close reconciliations as the commitments stand (beat, daily); safe to repeat."""
    counts = reconciliation_services.reconciliations_sync_all()
    logger.info("Reconciliations: %(opened)s opened, %(closed)s closed.", counts)
    return counts
