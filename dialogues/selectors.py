"""Reads of dialogue mechanisms shared by the API, the UI, the dashboard and reminders."""

import datetime

from django.db.models import F, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce

from declaration_tracker.core.i18n import in_japanese

from .choices import MeetingState
from .models import ActionItem, DialogueMechanism, Meeting, next_due, overdue_condition


def last_held(until: datetime.date | None = None) -> Max:
    """The date of a mechanism's last meeting held (on or before `until`), as an annotation."""
    held = Q(meetings__state=MeetingState.HELD)
    if until is not None:
        held &= Q(meetings__date__lte=until)
    return Max("meetings__date", filter=held)


def mechanism_list(today: datetime.date) -> QuerySet[DialogueMechanism]:
    """Mechanisms with their last meeting held and next meeting planned."""
    return (
        DialogueMechanism.objects.select_related("pillar", "declaration__text_source")
        .prefetch_related("lead_organisations", "leads")
        .annotate(
            last_held=last_held(),
            next_planned=Min(
                "meetings__date",
                filter=Q(meetings__state=MeetingState.PLANNED, meetings__date__gte=today),
            ),
        )
    )


def mechanisms_overdue(today: datetime.date, *, past: bool = False) -> list[dict]:
    """Established mechanisms whose cadence has lapsed since the last meeting held.

    Decided in SQL, one row each (slug, name, last_held, next_due), the longest overdue first.
    `past=True` reads `today` as a past day: only meetings held by then count.
    """
    rows = (
        DialogueMechanism.objects.annotate(
            last_held=last_held(today if past else None),
            since=Coalesce("last_held", F("declaration__date")),
        )
        .filter(overdue_condition(today))
        .values("slug", "name", "name_ja", "cadence", "last_held", "since")
    )
    overdue = [
        {
            "slug": row["slug"],
            "name": row["name_ja"] if in_japanese() and row["name_ja"] else row["name"],
            "last_held": row["last_held"],
            "next_due": next_due(row["cadence"], row["since"]),
        }
        for row in rows
    ]
    return sorted(overdue, key=lambda m: (m["next_due"], m["name"]))


def meeting_list(reader) -> QuerySet[Meeting]:
    """Meetings, their outcomes withheld where `reader` may not read them."""
    return Meeting.objects.visible_to(reader).select_related("mechanism__pillar")


def action_item_list(reader) -> QuerySet[ActionItem]:
    """The action items `reader` may read."""
    return ActionItem.objects.visible_to(reader).select_related(
        "meeting__mechanism__pillar", "owner", "commitment"
    )


def action_items_of_commitment(commitment, user) -> dict:
    """The commitment page's section on dialogues: the action items that advance it, those the
    reader may see."""
    return {"action_items": action_item_list(user).filter(commitment=commitment)}
