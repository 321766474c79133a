"""The audit log page: every recorded change, for managers and side administrators, filtered by
object, person and date."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from access import permissions, visibility
from declaration_tracker.core.views import list_params

from .display import audit_events_named
from .filters import AuditEventFilter
from .selectors import audit_event_list

PAGE_SIZE = 50


@require_GET
def audit_log(request):
    permissions.require(
        permissions.can_read_audit_log(request.user),
        _("The audit log is for managers and side administrators."),
    )
    params = list_params(request)
    events = audit_event_list(request.user)
    filterset = AuditEventFilter(params, queryset=events)
    events = filterset.qs if filterset.is_valid() else events.none()
    page = Paginator(events, PAGE_SIZE).get_page(params.get("page"))
    for event in page:
        visibility.audit_event_as_read_by(event, request.user)
    audit_events_named(page)
    without_page = params.copy()
    without_page.pop("page", None)
    return render(
        request,
        "commitments/audit_log.html",
        {"form": filterset.form, "page": page, "query": without_page.urlencode()},
    )
