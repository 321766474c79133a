import django_filters
from django.db.models import Q

from access import visibility
from commitments.models import Commitment, User
from declaration_tracker.api.filters import (
    IntegerFilter,
    StrictBooleanFilter,
    UpdatedSinceFilter,
)
from declaration_tracker.core import registry

from .choices import ActionItemState, MeetingState
from .models import ActionItem, DialogueMechanism, Meeting


class DialogueMechanismFilter(django_filters.FilterSet):
    established = StrictBooleanFilter(help_text="`true`: established; `false`: to be explored.")

    class Meta:
        model = DialogueMechanism
        fields = ["cadence", "established"]


class MeetingFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Words to find in the place, the mechanism's name, and the outcome summary and "
        "the comments on the meeting and its action items (where you may read them); every "
        "word must match.",
    )
    mechanism = django_filters.ModelChoiceFilter(
        queryset=DialogueMechanism.objects.all(), to_field_name="slug", help_text="Mechanism slug."
    )
    state = django_filters.MultipleChoiceFilter(choices=MeetingState.choices)
    date = django_filters.DateFromToRangeFilter(help_text="`date_after` / `date_before`.")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Meeting
        fields = ["mechanism", "state"]

    def filter_search(self, queryset, name, value: str):
        reader = getattr(self.request, "user", None)
        readable = visibility.condition(reader)
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(place__icontains=word)
                | Q(mechanism__name__icontains=word)
                | (Q(outcome_summary__icontains=word) & readable)
                | Q(*registry.search_conditions(Meeting, word, reader), _connector=Q.OR)
            )
        return queryset


class ActionItemFilter(django_filters.FilterSet):
    meeting = IntegerFilter(field_name="meeting_id")
    mechanism = django_filters.ModelChoiceFilter(
        field_name="meeting__mechanism",
        queryset=DialogueMechanism.objects.all(),
        to_field_name="slug",
    )
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all(), to_field_name="username")
    commitment = django_filters.ModelChoiceFilter(
        queryset=Commitment.objects.all(), to_field_name="code"
    )
    state = django_filters.MultipleChoiceFilter(choices=ActionItemState.choices)
    due_date = django_filters.DateFromToRangeFilter(help_text="`due_date_after` / `_before`.")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = ActionItem
        fields = ["meeting", "mechanism", "owner", "commitment", "state"]
