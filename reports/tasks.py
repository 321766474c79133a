"""The worker's side of the reports: one small idempotent task a job."""

from celery import shared_task

from . import jobs


# A report at scale 100 takes minutes (docs/performance.md): more than the default limit.
@shared_task(name=jobs.TASK, ignore_result=True, time_limit=1800, soft_time_limit=1700)
def report_job_run_task(job_id: str) -> None:
    jobs.report_job_make(job_id)
