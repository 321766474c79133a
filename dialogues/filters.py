import django_filters

from commitments.models import Commitment, User

from .choices import ActionItemState, MeetingState
from .models import ActionItem, DialogueMechanism, Meeting


class MeetingFilter(django_filters.FilterSet):
    mechanism = django_filters.ModelChoiceFilter(
        queryset=DialogueMechanism.objects.all(), to_field_name="slug", help_text="Mechanism slug."
    )
    state = django_filters.MultipleChoiceFilter(choices=MeetingState.choices)
    date = django_filters.DateFromToRangeFilter(help_text="`date_after` / `date_before`.")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Meeting
        fields = ["mechanism", "state"]


class ActionItemFilter(django_filters.FilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id")
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
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = ActionItem
        fields = ["meeting", "mechanism", "owner", "commitment", "state"]
