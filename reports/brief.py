"""The pre-meeting brief of a dialogue mechanism: what a delegation reads before it meets.

Its last meeting and outcome, the open and overdue action items, the commitments linked to it
(the one that reinforces it, those of its pillar and those its action items advance) with what
changed since the last meeting, their milestones due before the next one, and the open
reconciliations where the two sides disagree about one of them — as one reader may see them.
"""

import datetime

from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from commitments.models import Commitment
from declaration_tracker.core.i18n import localized
from dialogues.choices import ActionItemState, MeetingState
from dialogues.models import DialogueMechanism
from dialogues.selectors import action_item_list, meeting_list
from discussion.reconciliation_selectors import open_for_commitments

from .lines import commitment_lines, highest_marking, markings_shown


def mechanism_get(slug: str) -> DialogueMechanism:
    return get_object_or_404(
        DialogueMechanism.objects.select_related("pillar", "declaration", "reinforced_by"),
        slug=slug,
    )


def linked_commitments(mechanism: DialogueMechanism, user):
    """The commitments a brief covers: the one reinforcing the mechanism first, then those of
    its pillar and those its action items advance, by code."""
    advanced = action_item_list(user).filter(meeting__mechanism=mechanism, commitment__isnull=False)
    condition = Q(pillar=mechanism.pillar_id) | Q(
        pk__in=advanced.values("commitment_id").order_by()
    )
    if mechanism.reinforced_by_id:
        condition |= Q(pk=mechanism.reinforced_by_id)
    first = Case(
        When(pk=mechanism.reinforced_by_id or 0, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return Commitment.objects.filter(condition).order_by(first, "code")


def mechanism_brief(user, mechanism: DialogueMechanism) -> dict:
    """The brief's contents for `user`, today."""
    at = timezone.now()
    today = timezone.localdate()
    meetings = meeting_list(user).filter(mechanism=mechanism)
    last = (
        meetings.filter(state=MeetingState.HELD, date__lte=today).order_by("-date", "-id").first()
    )
    planned = (
        meetings.filter(state=MeetingState.PLANNED, date__gte=today).order_by("date", "id").first()
    )
    due = mechanism.next_due(last.date if last else None)
    next_date = planned.date if planned else due
    since = last.date if last else mechanism.declaration.date
    items = list(
        action_item_list(user)
        .filter(meeting__mechanism=mechanism, state=ActionItemState.OPEN)
        .order_by("due_date", "id")
    )
    for item in items:
        item.overdue = item.is_overdue(today)
    lines = commitment_lines(linked_commitments(mechanism, user), user, at=at, since=since)
    horizon = next_date or today + datetime.timedelta(days=90)
    due_before = sorted(
        (
            (line.commitment, m)
            for line in lines
            for m in line.milestones
            if not m.completed_on and m.due_date <= horizon
        ),
        key=lambda pair: (pair[1].due_date, pair[0].code),
    )
    reconciliations = open_for_commitments([line.commitment.pk for line in lines], user)
    for reconciliation in reconciliations:
        reconciliation.overdue = reconciliation.is_overdue(today)
    markings = markings_shown(lines) | {item.marking for item in items}
    markings |= {reconciliation.marking for reconciliation in reconciliations}
    if last is not None and not last.withheld and last.outcome_summary:
        markings.add(last.marking)
    return {
        "mechanism": mechanism,
        "name": localized(mechanism, "name"),
        "at": at,
        "today": today,
        "last": last,
        "planned": planned,
        "due": due,
        "overdue": mechanism.is_overdue(last.date if last else None, today),
        "next_date": next_date,
        "horizon": horizon,
        "since": since,
        "items": items,
        "overdue_items": [item for item in items if item.overdue],
        "lines": lines,
        "due_before": due_before,
        "reconciliations": reconciliations,
        "marking": highest_marking(markings),
        "generated_at": at,
    }
