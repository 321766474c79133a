"""Filters shared by the API and the browser list; a bad value is an error, never ignored."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from access import visibility
from access.choices import Side
from declaration_tracker.api.filters import (
    IntegerFilter,
    StrictBooleanFilter,
    UpdatedSinceFilter,
)

from . import history, selectors
from .choices import CommitmentStrength, LeadSide, MilestoneState, Priority, Status
from .models import Commitment, Milestone, Pillar, User
from .selectors import stale_condition


class AsOfField(forms.CharField):
    """An ISO 8601 date or date-time in the past (since the declaration), as an instant."""

    def to_python(self, value):
        try:
            return history.as_of_parse(super().to_python(value))
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["as_of"]) from error


@extend_schema_field(OpenApiTypes.STR)  # a date or a date-time: the schema says so in words
class AsOfFilter(django_filters.Filter):
    field_class = AsOfField


@extend_schema_field(OpenApiTypes.STR)  # a username, of either side's responsible user
class ResponsibleFilter(django_filters.ModelChoiceFilter):
    pass


class CommitmentFilter(django_filters.FilterSet):
    """The request's user decides what search and the milestone filters may look into.

    With `as_of`, the commitments are read as they stood then (`history.past`) and the
    filters on their status, sides, staleness and milestones apply to that past state."""

    as_of = AsOfFilter(
        method="filter_as_of",
        help_text="Show the commitments as they stood at this instant: an ISO 8601 date (the "
        "end of that day in UTC) or date-time, from the declaration (2025-08-29) to now. The "
        "official status, both sides' assessments, progress, the side awaited and the "
        "status, sides, stale and milestone filters are those of that instant.",
    )

    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Words to find in the code, title, description, the tracker's context and the "
        "comments on the commitment and its milestones (where you may read them) and the source "
        "clause; every word must match. As of a past instant (`as_of`), comments are not "
        "searched.",
    )
    # Choices from the cached reference lists: no query to validate a value or draw the form.
    pillar = django_filters.ChoiceFilter(
        field_name="pillar__slug",
        choices=selectors.pillar_choices,
        empty_label=_("Any"),
        help_text="Pillar slug.",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        help_text="One or more statuses (repeat the parameter).",
    )
    commitment_strength = django_filters.MultipleChoiceFilter(
        choices=CommitmentStrength.choices,
        label="Strength of language",
        help_text="How the declaration words it: one or more of `pledged`, `committed`, `will`, "
        "`plans`, `intends`, `exploring`, `encourages`, `reaffirmed`, `key_priority`, "
        "`calls_for`, `features` (repeat the parameter).",
    )
    lead_side = django_filters.ChoiceFilter(choices=LeadSide.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    organisation = django_filters.ChoiceFilter(
        field_name="lead_organisations__slug",
        choices=selectors.organisation_choices,
        empty_label=_("Any"),
        help_text="A lead organisation's slug, e.g. `jp-jcg`.",
    )
    partner = django_filters.ChoiceFilter(
        field_name="partners__slug",
        choices=selectors.organisation_choices,
        empty_label=_("Any"),
        label="Framework or partner",
        help_text="A body of neither side the declaration names for it, e.g. `quad`, `asean`.",
    )
    owner = ResponsibleFilter(
        queryset=User.objects.all(),
        to_field_name="username",
        method="filter_owner",
        help_text="The username of a responsible user, India's or Japan's.",
    )
    target_date = django_filters.DateFromToRangeFilter(
        help_text="`target_date_after` and/or `target_date_before` (YYYY-MM-DD, inclusive)."
    )
    updated_since = UpdatedSinceFilter()

    milestones = django_filters.ChoiceFilter(
        choices=[(MilestoneState.OVERDUE, "Overdue"), (MilestoneState.DUE_SOON, "Due soon")],
        method="filter_milestones",
        help_text="Only commitments with a milestone in this state.",
    )
    milestone_due_within = IntegerFilter(
        method="filter_milestone_due_within",
        min_value=0,
        max_value=366,
        help_text="Only commitments with an open milestone due within this many days.",
    )
    stale = StrictBooleanFilter(
        method="filter_stale",
        help_text="Only commitments with no status update for TRACKER_STALE_AFTER_DAYS (90).",
    )
    sides_agree = StrictBooleanFilter(
        method="filter_sides_agree",
        label="Sides agree",
        help_text="`false`: only commitments whose two sides' assessments differ; `true`: only "
        "those where India and Japan give the same status.",
    )
    awaiting_side = django_filters.ChoiceFilter(
        choices=Side.choices,
        method="filter_awaiting_side",
        label="Awaiting",
        help_text="Only commitments whose official status waits for this side's answer "
        "(`india` or `japan`).",
    )

    class Meta:
        model = Commitment
        fields = [
            "pillar",
            "status",
            "commitment_strength",
            "lead_side",
            "priority",
            "organisation",
            "partner",
            "owner",
            "awaiting_side",
        ]

    at = None  # the `as_of` instant, once the filters apply

    @property
    def reader(self):
        return getattr(self.request, "user", None)

    @property
    def today(self) -> datetime.date:
        return self.at.date() if self.at else timezone.localdate()

    def filter_queryset(self, queryset):
        self.at = self.form.cleaned_data.get("as_of")
        return super().filter_queryset(history.past(queryset, self.at))

    def filter_as_of(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset

    def filter_owner(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(responsible_india=value) | Q(responsible_japan=value))

    def filter_status(self, queryset, name, value: list[str]):
        field = "past_status" if self.at else "status"
        return queryset.filter(**{f"{field}__in": value}) if value else queryset

    def filter_awaiting_side(self, queryset, name, value: str):
        if self.at:
            return queryset.filter(pk__in=history.past_awaiting_ids(queryset, value))
        return queryset.filter(awaiting_side=value)

    def _with_milestones(self, queryset, keep) -> QuerySet:
        """As of an instant: the commitments with a milestone, as it stood then and as the
        reader may read it, for which `keep(milestone)` holds."""
        ids = list(queryset.values_list("pk", flat=True))
        milestones = visibility.readable(history.milestones_as_of(ids, self.at), self.reader)
        return queryset.filter(pk__in={m.commitment_id for m in milestones if keep(m)})

    def filter_search(self, queryset, name, value: str):
        # As of a past instant, not in comments: the past pages show none (today's thread is
        # not what was said then).
        return selectors.commitment_search(queryset, value, self.reader, discussion=self.at is None)

    def filter_milestones(self, queryset, name, value: str):
        if self.at:
            return self._with_milestones(queryset, lambda m: m.current_state == value)
        condition = Milestone.state_condition(value, timezone.localdate())
        readable = visibility.visible(Milestone.objects.all(), self.reader)
        return queryset.filter(Exists(readable.filter(condition, commitment=OuterRef("pk"))))

    def filter_milestone_due_within(self, queryset, name, value: int):
        today = self.today
        horizon = today + datetime.timedelta(days=int(value))
        if self.at:
            return self._with_milestones(
                queryset, lambda m: not m.completed_on and today <= m.due_date <= horizon
            )
        due = visibility.visible(Milestone.objects.all(), self.reader).filter(
            commitment=OuterRef("pk"),
            completed_on__isnull=True,
            due_date__gte=today,
            due_date__lte=horizon,
        )
        return queryset.filter(Exists(due))

    def filter_stale(self, queryset, name, value: bool):
        stale = history.past_stale_condition(self.at) if self.at else stale_condition(self.today)
        return queryset.filter(stale if value else ~stale)

    def filter_sides_agree(self, queryset, name, value: bool):
        agree = history.PAST_SIDES_AGREE if self.at else selectors.SIDES_AGREE
        return queryset.filter(agree if value else ~agree)


class MilestoneFilter(django_filters.FilterSet):
    commitment = django_filters.ModelChoiceFilter(
        queryset=Commitment.objects.all(), to_field_name="code", help_text="Commitment code."
    )
    pillar = django_filters.ModelChoiceFilter(
        field_name="commitment__pillar", queryset=Pillar.objects.all(), to_field_name="slug"
    )
    owner = ResponsibleFilter(
        queryset=User.objects.all(), to_field_name="username", help_text="Owner's username."
    )
    due_date = django_filters.DateFromToRangeFilter(
        help_text="`due_date_after` and/or `due_date_before` (YYYY-MM-DD, inclusive)."
    )
    state = django_filters.ChoiceFilter(
        choices=MilestoneState.choices, method="filter_state", help_text="Derived state."
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Milestone
        fields = ["commitment", "pillar", "owner"]

    def filter_state(self, queryset, name, value: str):
        return queryset.filter(Milestone.state_condition(value, timezone.localdate()))
