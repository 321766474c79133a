"""The discussion app's Celery tasks (autodiscovered by declaration_tracker.celery)."""

from celery import shared_task

from .attachment_sweep import attachment_files_sweep


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
