"""Reads of dialogue mechanisms shared by the API, the UI, the dashboard and reminders."""

import datetime

from django.db.models import Max, Min, Q, QuerySet

from .choices import MeetingState
from .models import ActionItem, DialogueMechanism, Meeting


def mechanism_list(today: datetime.date) -> QuerySet[DialogueMechanism]:
    """Mechanisms with their last meeting held and next meeting planned."""
    return (
        DialogueMechanism.objects.select_related("pillar", "declaration")
        .prefetch_related("lead_organisations", "leads")
        .annotate(
            last_held=Max("meetings__date", filter=Q(meetings__state=MeetingState.HELD)),
            next_planned=Min(
                "meetings__date",
                filter=Q(meetings__state=MeetingState.PLANNED, meetings__date__gte=today),
            ),
        )
    )


def mechanisms_overdue(today: datetime.date) -> list[DialogueMechanism]:
    """Established mechanisms whose cadence has lapsed since the last meeting held.

    Their lead organisations and users are not loaded: the callers show names and dates.
    """
    return [
        m
        for m in mechanism_list(today).prefetch_related(None).filter(established=True)
        if m.is_overdue(m.last_held, today)
    ]


def meeting_list() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("mechanism__pillar")


def action_item_list() -> QuerySet[ActionItem]:
    return ActionItem.objects.select_related("meeting__mechanism__pillar", "owner", "commitment")
