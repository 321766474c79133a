"""Reports made by the Celery worker: queued with the request's parameters, made once, kept
for the user who asked (and only them) for a day."""

import datetime
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone, translation

from declaration_tracker.core.timezones import reading_times_as

from .making import report_make
from .models import ReportJob

log = logging.getLogger(__name__)
KEPT_FOR = datetime.timedelta(days=1)
# A job "being made" for this long was lost with its worker: the redelivered task takes it.
LOST_AFTER = datetime.timedelta(minutes=15)
TASK = "reports.report_job_run"  # the worker's task (reports/tasks.py) that makes a job


def report_job_start(user, *, kind: str, params: dict) -> ReportJob:
    """Queue a report for `user` (in the active language); the same report already queued or
    being made for them is reused rather than made twice."""
    expired = ReportJob.objects.filter(created_at__lt=timezone.now() - KEPT_FOR)
    expired.delete()
    language = translation.get_language() or "en"
    waiting = ReportJob.objects.filter(
        requested_by=user,
        kind=kind,
        params=params,
        language=language,
        state__in=[ReportJob.State.QUEUED, ReportJob.State.RUNNING],
    ).first()
    if waiting is not None:
        return waiting
    job = ReportJob.objects.create(requested_by=user, kind=kind, params=params, language=language)
    # By the task's name, so that the service and the task module do not import each other.
    transaction.on_commit(lambda: current_app.send_task(TASK, args=[str(job.pk)]))
    return job


def _claim(job_id) -> ReportJob | None:
    """Take the job if it is queued, or was lost mid-way with its worker; None otherwise (made
    already, or being made by another worker)."""
    now = timezone.now()
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        lost = job.state == ReportJob.State.RUNNING and job.started_at < now - LOST_AFTER
        if job.state != ReportJob.State.QUEUED and not lost:
            return None
        job.state, job.started_at, job.progress = ReportJob.State.RUNNING, now, 5
        job.save(update_fields=["state", "started_at", "progress"])
        return job


def report_job_make(job_id) -> None:
    """Make the job's report (idempotent: a job made or being made is left alone)."""
    job = _claim(job_id)
    if job is None:
        return

    def progress(fraction: float) -> None:
        done = max(5, min(95, round(fraction * 100)))
        ReportJob.objects.filter(pk=job.pk).update(progress=done)

    try:
        with translation.override(job.language), reading_times_as(job.requested_by, job.language):
            made = report_make(job.kind, job.requested_by_id, job.params, progress)
    except Exception as error:
        log.exception("report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        return
    ReportJob.objects.filter(pk=job.pk).update(
        state=ReportJob.State.DONE,
        progress=100,
        content=made.content,
        filename=made.filename,
        content_type=made.content_type,
        finished_at=timezone.now(),
    )
