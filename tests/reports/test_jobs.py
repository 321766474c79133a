"""Reports too large for a request are made by a real Celery worker: a progress page, then a
download for the user who asked, and for nobody else."""

import re

import pytest

from access.choices import Side
from commitments.models import Commitment
from reports import jobs
from reports.models import ReportJob
from tests.commitments.test_reminder_delivery import broker, wait_until, worker_in_this_process
from tests.factories import manager
from tests.pdfs import pdf_words, workbook_cells

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db(transaction=True)]

__all__ = ["broker"]  # the fixture, used by name


@pytest.fixture
def small_inline(settings):
    """Any report of more than five commitments goes to the worker."""
    settings.TRACKER_REPORT_INLINE_MAX = 5


def test_a_large_report_is_made_by_the_worker_and_downloaded_by_its_reader_alone(
    client, broker, small_inline
):
    asker = manager(username="job-asker", side=Side.INDIA)
    other = manager(username="job-other", side=Side.INDIA)
    client.force_login(asker)

    queued = client.get("/reports/summit.pdf", {"pillar": "maritime"})
    assert queued.status_code == 302
    job_url = queued["Location"]
    assert re.fullmatch(r"/reports/jobs/[0-9a-f-]{36}/", job_url)
    page = client.get(job_url).content.decode()
    assert "Queued" in page and 'hx-trigger="every 2s"' in page
    # Asking again while it waits reuses the job rather than queueing another.
    assert client.get("/reports/summit.pdf", {"pillar": "maritime"})["Location"] == job_url

    with worker_in_this_process():
        wait_until(
            lambda: ReportJob.objects.filter(state=ReportJob.State.DONE).exists(),
            timeout=60,
            what="the worker made the report",
        )
    job = ReportJob.objects.get()
    assert (job.progress, job.requested_by, job.language) == (100, asker, "en")

    fragment = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in fragment  # done: the page stops asking
    download = f"/reports/jobs/{job.pk}/download/"
    assert f'href="{download}"' in fragment
    response = client.get(download)
    assert response["Content-Disposition"].startswith('attachment; filename="summit-report-')
    assert {"MAR-01", "MAR-07"} <= {
        code for code in ("MAR-01", "MAR-07", "DEF-01") if code in pdf_words(response.content)
    }
    assert "DEF-01" not in pdf_words(response.content)

    client.force_login(other)
    assert client.get(job_url).status_code == 404
    assert client.get(download).status_code == 404


def test_the_workbook_too_and_a_job_runs_once(client, broker, small_inline):
    asker = manager(username="job-xlsx", side=Side.JAPAN)
    client.force_login(asker)
    job_url = client.get("/reports/summit.xlsx")["Location"]
    job = ReportJob.objects.get()

    jobs.report_job_make(job.pk)
    made = ReportJob.objects.get()
    assert made.state == ReportJob.State.DONE and made.filename.endswith(".xlsx")
    first = bytes(made.content)
    jobs.report_job_make(job.pk)  # a redelivered task finds it made and leaves it
    assert ReportJob.objects.get().finished_at == made.finished_at
    cells = workbook_cells(first)
    assert len(cells["All commitments"]) == 2 + Commitment.objects.count()
    assert client.get(job_url).status_code == 200
