"""The audit log page: every recorded change, for managers, filtered by object, person and date."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import permissions
from ..audit import AUDITED
from ..models import AuditEvent

PAGE_SIZE = 50
KINDS = {label.split(".")[1].lower(): label for label in AUDITED}


class AuditFilterForm(forms.Form):
    commitment = forms.CharField(
        required=False, max_length=12, help_text="A commitment code, e.g. MAR-03."
    )
    kind = forms.ChoiceField(
        required=False,
        label="Object",
        choices=[("", "Any"), *((k, k.replace("actionitem", "action item")) for k in KINDS)],
    )
    actor = forms.CharField(required=False, max_length=150, label="Who (username)")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", "The end is before the start.")
        return cleaned


def audit_events(filters: dict):
    events = AuditEvent.objects.select_related("actor", "content_type")
    if filters.get("commitment"):
        events = events.filter(commitment_code__iexact=filters["commitment"].strip())
    if filters.get("kind"):
        app_label, model = KINDS[filters["kind"]].split(".")
        events = events.filter(
            content_type=ContentType.objects.get_by_natural_key(app_label, model.lower())
        )
    if filters.get("actor"):
        events = events.filter(actor__username=filters["actor"].strip())
    if filters.get("since"):
        events = events.filter(at__date__gte=filters["since"])
    if filters.get("until"):
        events = events.filter(at__date__lte=filters["until"])
    return events.order_by("-at", "-id")


@require_GET
def audit_log(request):
    permissions.require(permissions.is_manager(request.user), "The audit log is for managers.")
    form = AuditFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    events = audit_events(form.cleaned_data if request.GET and valid else {})
    if not valid:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commitments/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
