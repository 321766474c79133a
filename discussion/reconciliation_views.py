"""The reconciliations' pages: the list (open, overdue, closed; by pillar), and one
reconciliation with the two sides' positions side by side, its thread, attachments and due
date."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from access import permissions
from commitments.selectors import pillar_choices
from declaration_tracker.core.versioning import StaleVersionError
from declaration_tracker.core.views import form_add_errors

from . import reconciliation_selectors as selectors
from . import reconciliation_services as services
from .attachment_views import item_attachments
from .reconciliation_forms import DueDateForm


@require_GET
def reconciliation_list(request):
    permissions.require_reader(request)
    today = timezone.localdate()
    state = request.GET.get("state", "open")
    state = state if state in selectors.STATES else "open"
    pillar = request.GET.get("pillar", "")
    pillars = pillar_choices()
    if pillar not in dict(pillars):
        pillar = ""
    items = list(
        selectors.reconciliation_list(request.user, state=state, pillar=pillar, today=today)
    )
    return render(
        request,
        "discussion/reconciliation_list.html",
        {
            "reconciliations": items,
            "state": state,
            "states": [
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("closed", _("Closed")),
                ("all", _("All")),
            ],
            "pillar": pillar,
            "pillars": pillars,
            "today": today,
        },
    )


def _page(request, reconciliation, form=None, status=200):
    user = request.user
    may_set = (
        reconciliation.is_open and permissions.is_manager(user) and bool(permissions.own_side(user))
    )
    if form is None and may_set:
        form = DueDateForm(
            initial={"due_on": reconciliation.due_on, "version": reconciliation.version}
        )
    return render(
        request,
        "discussion/reconciliation_detail.html",
        {
            "reconciliation": reconciliation,
            "commitment": reconciliation.commitment,
            "positions": selectors.positions(reconciliation, user),
            "pending_terms": selectors.pending_terms(reconciliation),
            "settled": selectors.settled_lines(reconciliation),
            "today": timezone.localdate(),
            "form": form if may_set else None,
        },
        status=status,
    )


@require_GET
def reconciliation_detail(request, pk: int):
    permissions.require_reader(request)
    return _page(request, selectors.reconciliation_get(pk, request.user))


@require_POST
def reconciliation_due(request, pk: int):
    """A manager of either side moves the due date."""
    permissions.require_reader(request)
    reconciliation = selectors.reconciliation_get(pk, request.user)
    services.require_set_due(request.user)
    form = DueDateForm(request.POST)
    if not form.is_valid():
        return _page(request, reconciliation, form=form, status=400)
    try:
        services.reconciliation_due_set(
            reconciliation=reconciliation,
            actor=request.user,
            due_on=form.cleaned_data["due_on"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        form_add_errors(form, error)
        return _page(request, reconciliation, form=form, status=400)
    except StaleVersionError as error:
        current = selectors.reconciliation_get(pk, request.user)
        form = DueDateForm(
            data={"due_on": request.POST.get("due_on", ""), "version": current.version}
        )
        form.is_valid()
        form.add_error(None, str(error))
        return _page(request, current, form=form, status=409)
    messages.success(request, _("Due date moved."))
    return redirect("reconciliation-detail", pk=pk)


def reconciliation_attachments(request, pk: int):
    return item_attachments(request, "reconciliation", pk)
