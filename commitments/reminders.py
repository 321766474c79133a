"""Reminders about commitments, for the notifications app's sweep: milestones coming due or
overdue, commitments with no status update for a while, and official statuses awaiting a side's
confirmation or a proposed change of shared terms awaiting the other side's answer.
Registered as reminder sources, with the markings of the milestones they name,
when the app is ready (`CommitmentsConfig.ready`)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse

from access.choices import Role, Side
from notifications.choices import ReminderKind
from notifications.messages import Detail
from notifications.selectors import (
    Audience,
    Candidate,
    deadline_candidates,
    deadline_dates,
    policy,
)

from .choices import Status
from .models import Commitment, Milestone, ProposalState, SharedTermChange, User


def milestone_reminders(audience: Audience) -> list[Candidate]:
    """Milestones due soon, due today, overdue, or to escalate."""
    rows = Milestone.objects.filter(
        completed_on__isnull=True, due_date__in=deadline_dates(audience)
    ).values(
        "id",
        "marking",
        "title",
        "due_date",
        "owner_id",
        "commitment__code",
        "commitment__responsible_india_id",
        "commitment__responsible_japan_id",
        "commitment__pillar_id",
    )
    return deadline_candidates(
        audience,
        rows,
        item=lambda row: (
            f"milestone:{row['id']}",
            f"{row['commitment__code']}: {row['title']}",
            commitment_path(row["commitment__code"]),
        ),
        pillar_id=lambda row: row["commitment__pillar_id"],
    )


def commitment_path(code: str) -> str:
    return reverse("commitment-detail", args=[code])


def stale_commitment_reminders(audience: Audience) -> list[Candidate]:
    """Commitments with no status update for a while, to their responsible users (each
    side's)."""
    rules = policy()
    stale = settings.TRACKER_STALE_AFTER_DAYS
    every = rules["repeat_every_days"]
    tz = next(iter(audience.users.values())).tzinfo
    days = [audience.day - datetime.timedelta(days=stale + k) for k in range(0, 3660, every)]
    rows = (
        Commitment.objects.filter(
            Q(responsible_india_id__in=audience.users.keys())
            | Q(responsible_japan_id__in=audience.users.keys())
        )
        .exclude(status__in=[Status.COMPLETED, Status.DISCONTINUED])
        .annotate(
            last_day=TruncDate(Coalesce(Max("status_updates__created_at"), "created_at"), tzinfo=tz)
        )
        .filter(last_day__in=days)
        .values("code", "title", "responsible_india_id", "responsible_japan_id", "last_day")
    )
    return [
        Candidate(
            recipient,
            audience.day,
            ReminderKind.STALE,
            f"commitment:{row['code']}",
            f"{row['code']}: {row['title']}",
            Detail("stale", {"since": row["last_day"].isoformat()}),
            commitment_path(row["code"]),
        )
        for row in rows
        for recipient in sorted({row["responsible_india_id"], row["responsible_japan_id"]} - {None})
        if recipient in audience.users and audience.wants(recipient, ReminderKind.STALE)
    ]


def awaiting_confirmation_reminders(audience: Audience) -> list[Candidate]:
    """Commitments whose official status waits for a side's answer: after a few days, then
    weekly, to the awaited side's analysts of the pillar and its responsible user.
    """
    rules = policy()
    first, every = rules.get("awaiting_after_days", 3), rules["repeat_every_days"]
    tz = next(iter(audience.users.values())).tzinfo
    days = [audience.day - datetime.timedelta(days=first + k) for k in range(0, 3660, every)]
    rows = list(
        Commitment.objects.exclude(awaiting_side="")
        .annotate(since_day=TruncDate("awaiting_since", tzinfo=tz))
        .filter(since_day__in=days)
        .values(
            "code",
            "title",
            "pillar_id",
            "responsible_india_id",
            "responsible_japan_id",
            "awaiting_side",
            "since_day",
        )
    )
    if not rows:
        return []
    analysts = defaultdict(set)  # (pillar, side) → the audience's analysts there
    for pillar_id, user_id, side in User.pillars.through.objects.filter(
        user_id__in=list(audience.users), user__groups__name=Role.ANALYST
    ).values_list("pillar_id", "user_id", "user__side"):
        analysts[pillar_id, side].add(user_id)
    found = []
    for row in rows:
        detail = Detail(
            "awaiting", {"side": row["awaiting_side"], "since": row["since_day"].isoformat()}
        )
        awaited = row["awaiting_side"]
        recipients = {row[f"responsible_{awaited}_id"], *analysts[row["pillar_id"], awaited]}
        for recipient in sorted(r for r in recipients if r is not None):
            if audience.wants(recipient, ReminderKind.AWAITING):
                found.append(
                    Candidate(
                        recipient,
                        audience.day,
                        ReminderKind.AWAITING,
                        f"awaiting:{row['code']}",
                        f"{row['code']}: {row['title']}",
                        detail,
                        commitment_path(row["code"]),
                    )
                )
    return found


def _analysts_by_pillar_side(audience: Audience) -> dict:
    """(pillar, side) → the audience's analysts there."""
    analysts = defaultdict(set)
    for pillar_id, user_id, side in User.pillars.through.objects.filter(
        user_id__in=list(audience.users), user__groups__name=Role.ANALYST
    ).values_list("pillar_id", "user_id", "user__side"):
        analysts[pillar_id, side].add(user_id)
    return analysts


def proposal_reminders(audience: Audience) -> list[Candidate]:
    """Proposed changes of shared terms awaiting the other side's answer: as an awaited status
    confirmation, after a few days, then weekly, to the awaited side's analysts of the pillar
    (`proposal:<id>`, of the kind `awaiting`)."""
    rules = policy()
    first, every = rules.get("awaiting_after_days", 3), rules["repeat_every_days"]
    tz = next(iter(audience.users.values())).tzinfo
    days = [audience.day - datetime.timedelta(days=first + k) for k in range(0, 3660, every)]
    rows = list(
        SharedTermChange.objects.filter(state=ProposalState.PENDING)
        .annotate(since_day=TruncDate("proposed_at", tzinfo=tz))
        .filter(since_day__in=days)
        .values(
            "id",
            "proposed_by_side",
            "since_day",
            "commitment__code",
            "commitment__title",
            "commitment__pillar_id",
        )
    )
    if not rows:
        return []
    analysts = _analysts_by_pillar_side(audience)
    found = []
    for row in rows:
        awaited = Side.JAPAN if row["proposed_by_side"] == Side.INDIA else Side.INDIA
        detail = Detail("proposal", {"side": awaited, "since": row["since_day"].isoformat()})
        for recipient in sorted(analysts[row["commitment__pillar_id"], awaited]):
            if audience.wants(recipient, ReminderKind.AWAITING):
                found.append(
                    Candidate(
                        recipient,
                        audience.day,
                        ReminderKind.AWAITING,
                        f"proposal:{row['id']}",
                        f"{row['commitment__code']}: {row['commitment__title']}",
                        detail,
                        commitment_path(row["commitment__code"]),
                    )
                )
    return found


# The commitments app's own reminder sources (`registry.reminder_sources`; dialogues adds its).
OWN_SOURCES = (
    milestone_reminders,
    stale_commitment_reminders,
    awaiting_confirmation_reminders,
    proposal_reminders,
)


def milestone_markings(ids: list[int]) -> dict[int, str]:
    """The markings of the milestones reminders name (`milestone:<id>`)."""
    return dict(Milestone.objects.filter(pk__in=ids).values_list("pk", "marking"))
