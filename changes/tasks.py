"""The worker's side of the change feed: small idempotent tasks, run by beat."""

from celery import shared_task

from . import sequencing


@shared_task(name="changes.compact", ignore_result=True)
def changes_compact() -> int:
    """Forget the entries older than `TRACKER_CHANGES_RETENTION_DAYS` (daily)."""
    return sequencing.compact()


@shared_task(name="changes.sequence", ignore_result=True)
def changes_sequence() -> int:
    """Number what committed since the last read of the feed (every minute), so that the
    feed's first reader after a burst of writes does not do it."""
    return sequencing.sequence()
