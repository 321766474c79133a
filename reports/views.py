"""The reports' pages: the summit report (PDF, XLSX), the pre-meeting brief, and the progress
page of a report made by the worker."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from access.permissions import require_reader, require_report
from commitments.views.past import bad_parameter
from declaration_tracker.core.views import is_htmx

from . import brief, jobs, summit
from .making import Made, brief_make, summit_make
from .models import ReportJob


def _file(made: Made) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


def _summit(request, fmt: str):
    require_report(request)
    try:
        params = summit.summit_params(request.GET)
    except ValidationError as error:
        return bad_parameter(request, error)
    if summit.commitment_count(params) > settings.TRACKER_REPORT_INLINE_MAX:
        job = jobs.report_job_start(request.user, kind=f"summit_{fmt}", params=params.query())
        return redirect("report-job", job.pk)
    return _file(summit_make(request.user, params, fmt))


@require_GET
def summit_pdf(request):
    """The summit progress report as PDF (`as_of`, `since`, `pillar`)."""
    return _summit(request, "pdf")


@require_GET
def summit_xlsx(request):
    """The summit progress report as a workbook (`as_of`, `since`, `pillar`)."""
    return _summit(request, "xlsx")


@require_GET
def mechanism_brief(request, slug: str):
    """The pre-meeting brief of a dialogue mechanism, as PDF."""
    require_report(request)
    mechanism = brief.mechanism_get(slug)
    linked = brief.linked_commitments(mechanism, request.user)
    if linked.count() > settings.TRACKER_REPORT_INLINE_MAX:
        job = jobs.report_job_start(request.user, kind="brief_pdf", params={"slug": slug})
        return redirect("report-job", job.pk)
    return _file(brief_make(request.user, mechanism))


def _own_job(request, pk) -> ReportJob:
    """The job, for the user who asked for it; anyone else gets a 404."""
    require_reader(request)
    return get_object_or_404(ReportJob.objects.defer("content"), pk=pk, requested_by=request.user)


@require_GET
def report_job(request, pk):
    """A report being made: its progress (the page asks again every two seconds) and, once
    ready, its download link."""
    job = _own_job(request, pk)
    template = "reports/includes/job.html" if is_htmx(request) else "reports/job.html"
    return render(request, template, {"job": job})


@require_GET
def report_job_download(request, pk):
    job = _own_job(request, pk)
    if job.state != ReportJob.State.DONE:
        raise Http404
    content = ReportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    return _file(Made(bytes(content), job.filename, job.content_type))
