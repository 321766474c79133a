"""The current filtered list of commitments as CSV (streamed) or Excel."""

import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from access import permissions
from declaration_tracker.core.tabular import csv_lines, spreadsheet_safe
from declaration_tracker.core.views import list_params

from ..exports import COLUMNS, commitment_rows
from .commitments import filtered_commitments

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(request):
    permissions.require_reader(request)
    permissions.require(
        permissions.can_export(request.user), "Exports are for managers and analysts."
    )
    queryset, filterset = filtered_commitments(request, list_params(request))
    return commitment_rows(queryset.order_by("code")), filterset.at


def _filename(extension: str, at=None) -> str:
    """commitments-<today>.csv, or commitments-as-of-<day>.csv for the past."""
    if at is not None:
        return f'attachment; filename="commitments-as-of-{at:%Y-%m-%d}.{extension}"'
    return f'attachment; filename="commitments-{timezone.localdate():%Y-%m-%d}.{extension}"'


def commitments_csv(request):
    rows, at = _rows(request)
    response = StreamingHttpResponse(csv_lines(rows, COLUMNS), content_type="text/csv")
    response["Content-Disposition"] = _filename("csv", at)
    return response


def commitments_xlsx(request):
    rows, at = _rows(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Commitments")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([spreadsheet_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _filename("xlsx", at)
    return response
