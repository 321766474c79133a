"""Making a report's file: the one path for the request and for the Celery worker."""

import dataclasses
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.http import QueryDict

from access.choices import MARKING_HELP, Marking
from access.visibility import reading_as

from . import brief, summit
from .pdf import PDF, pdf_render
from .xlsx import XLSX, summit_xlsx

Progress = Callable[[float], None] | None


@dataclasses.dataclass
class Made:
    content: bytes
    filename: str
    content_type: str


def marked(context: dict) -> dict:
    """The context with its highest marking in words, for every page's head and foot."""
    return context | {
        "marking_label": str(Marking(context["marking"]).label),
        "marking_help": str(MARKING_HELP[context["marking"]]),
    }


def summit_make(user, params: summit.SummitParams, fmt: str, progress: Progress = None) -> Made:
    with reading_as(user):  # everything the report reads, it reads as its reader
        report = summit.summit_report(user, params, progress=progress)
        name = f"summit-report-{report['at']:%Y-%m-%d}"
        if params.pillar:
            name += f"-{params.pillar}"
        if fmt == "xlsx":
            return Made(summit_xlsx(report), f"{name}.xlsx", XLSX)
        return Made(pdf_render("reports/summit.html", marked(report)), f"{name}.pdf", PDF)


def brief_make(user, mechanism, progress: Progress = None) -> Made:
    with reading_as(user):
        context = brief.mechanism_brief(user, mechanism)
        if progress:
            progress(0.5)
        name = f"brief-{mechanism.slug}-{context['at']:%Y-%m-%d}.pdf"
        return Made(pdf_render("reports/brief.html", marked(context)), name, PDF)


def report_make(kind: str, user_id: int, query: dict, progress: Progress = None) -> Made:
    """Make a stored job's report again from its kind and parameters (the worker's path)."""
    user = get_user_model().objects.get(pk=user_id)
    data = QueryDict(mutable=True)
    data.update({k: v for k, v in query.items() if k != "slug"})
    if kind in ("summit_pdf", "summit_xlsx"):
        return summit_make(user, summit.summit_params(data), kind.split("_")[1], progress)
    if kind == "brief_pdf":
        mechanism = brief.mechanism_get(query["slug"])
        return brief_make(user, mechanism, progress)
    raise ValueError(f"unknown report kind {kind!r}")
