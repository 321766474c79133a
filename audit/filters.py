"""The audit log's filters, for its page and its API endpoint alike."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .recording import KINDS

# Each kind in words: the model's own verbose name, in the reader's language.
KIND_LABELS = {
    "commitment": _("commitment"),
    "milestone": _("milestone"),
    "commitment_context": _("side's context"),
    "dialogue_mechanism": _("dialogue mechanism"),
    "meeting": _("meeting"),
    "action_item": _("action item"),
    "user": _("user"),
    "status_update": _("status update"),
    "shared_term_change": _("proposed change of shared terms"),
    "comment": _("comment"),
    "attachment": _("attachment"),
    "reconciliation": _("reconciliation"),
}
if set(KIND_LABELS) != set(KINDS):  # pragma: no cover - a new audited model needs its words
    raise ImportError("Every kind of object the audit log records needs its words here.")


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end is before the start."))
        return cleaned


class AuditEventFilter(django_filters.FilterSet):
    """The audit log's filters, for its page and its API endpoint alike."""

    commitment = django_filters.CharFilter(
        label=_("Commitment"),
        field_name="commitment_code",
        lookup_expr="iexact",
        max_length=12,
        help_text="A commitment's code: its own changes and its milestones', sides' contexts' "
        "and action items'.",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Object"),
        choices=[(kind, label) for kind, label in KIND_LABELS.items()],
        empty_label=_("Any"),
        method="filter_kind",
        help_text="The kind of object changed.",
    )
    actor = django_filters.CharFilter(
        field_name="actor__username",
        max_length=150,
        label=_("Who (username)"),
        help_text="The username of who made the change.",
    )
    operator = django_filters.BooleanFilter(
        field_name="actor__is_superuser",
        label=_("By the operator"),
        widget=forms.Select(
            choices=[
                ("", _("Anyone")),
                ("true", _("The operator only")),
                ("false", _("All but the operator")),
            ]
        ),
        help_text="`true`: only the operator's actions (which both governments see); `false`: "
        "only the others'.",
    )
    since = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("Since"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Changes on or after this day.",
    )
    until = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Changes on or before this day.",
    )

    class Meta:
        model = AuditEvent
        form = AuditFilterForm
        fields = ["commitment", "kind", "actor", "operator", "since", "until"]

    def filter_kind(self, queryset, name, value: str):
        app_label, model = KINDS[value].split(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
