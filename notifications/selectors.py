"""Who must hear about what: the reminders the policy says are due, and which are unclaimed.

Deadline reminders: who must hear about what today, claimed once, sent once.

A sweep (every 15 minutes, from beat) works out, for every recipient whose local time is past
the send hour, what the policy says they must hear about on their local day. Each reminder is
claimed by inserting a row in the reminder log, whose unique key (recipient, item, kind, day)
makes a second claim a no-op; a recipient's reminders of a day hang on one digest, also unique
per (recipient, day). The digest is queued once the claiming transaction commits; the send
locks the digest, sends, and marks it sent, so a redelivered or duplicated task sends nothing.
A digest left pending (a lost task, a broker restart) is queued again by a later sweep.
"""

import dataclasses
import datetime
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group

from access import visibility
from access.choices import Role
from access.markings import system_reads
from declaration_tracker.core import registry

from .choices import DigestState, ReminderKind
from .messages import Detail
from .models import Digest, Reminder, ReminderPreference

logger = logging.getLogger(__name__)

KIND_ORDER = [kind for kind, _label in ReminderKind.choices]
LATE_HORIZON_DAYS = 366  # overdue items keep being reminded for up to a year


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A reminder the policy says is due: not yet claimed."""

    recipient_id: int
    day: datetime.date
    kind: str
    item_key: str
    title: str
    detail: Detail
    path: str


def policy() -> dict:
    return settings.TRACKER_REMINDERS


@dataclasses.dataclass
class Audience:
    """The recipients of one time zone whose local day has reached the send hour."""

    day: datetime.date
    users: dict[int, AbstractBaseUser]
    preferences: dict[int, ReminderPreference]

    def lead_days(self, user_id: int) -> list[int]:
        chosen = self.preferences.get(user_id)
        return (chosen.lead_days if chosen and chosen.lead_days else None) or policy()["lead_days"]

    def wants(self, user_id: int, kind: str) -> bool:
        chosen = self.preferences.get(user_id)
        return user_id in self.users and not (chosen and kind in chosen.muted_kinds)


def audiences(now: datetime.datetime) -> list[Audience]:
    """Group active users by time zone, keeping those whose local time has reached the hour."""
    User = get_user_model()
    found = []
    zones = User.objects.filter(is_active=True).values_list("time_zone", flat=True).distinct()
    for zone in zones:
        try:
            local = now.astimezone(zoneinfo.ZoneInfo(zone or "Asia/Kolkata"))
        except zoneinfo.ZoneInfoNotFoundError:
            logger.warning("Users with unknown time zone %r get no reminders.", zone)
            continue
        if local.hour < policy()["send_hour"]:
            continue
        users = {u.pk: u for u in User.objects.filter(is_active=True, time_zone=zone)}
        preferences = {
            p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=users.keys())
        }
        found.append(Audience(day=local.date(), users=users, preferences=preferences))
    return found


def _late_days() -> list[int]:
    """Days overdue on which the owner hears again: the day after, then every N days."""
    every = policy()["overdue_every_days"]
    return list(range(1, LATE_HORIZON_DAYS, every))


def _managers_by_pillar(user_ids: Iterable[int]) -> dict[int, set[int]]:
    group = Group.objects.filter(name=Role.MANAGER).first()
    if group is None:
        return {}
    managers = defaultdict(set)
    assignments = get_user_model().pillars.through
    rows = assignments.objects.filter(user_id__in=list(user_ids), user__groups=group).values_list(
        "pillar_id", "user_id"
    )
    for pillar_id, user_id in rows:
        managers[pillar_id].add(user_id)
    return managers


def deadline_dates(audience: Audience) -> list[datetime.date]:
    """The due dates worth looking at today: lead days ahead, today, the overdue repeats behind,
    and the day an escalation falls due."""
    day = audience.day
    all_lead = sorted({d for uid in audience.users for d in audience.lead_days(uid)})
    escalate_on = policy()["escalate_after_days"] + 1
    return (
        [day + datetime.timedelta(days=d) for d in [0, *all_lead]]
        + [day - datetime.timedelta(days=d) for d in _late_days()]
        + [day - datetime.timedelta(days=escalate_on)]
    )


def deadline_candidates(
    audience: Audience,
    rows: Iterable[dict],
    *,
    item: Callable[[dict], tuple[str, str, str]],
    pillar_id: Callable[[dict], int | None],
) -> list[Candidate]:
    """Items with a due date and an owner (milestones, action items): due soon, due today,
    overdue and escalations. Each row has `due_date`, `owner_id` and its commitment's
    responsible users, `commitment__responsible_india_id` and `commitment__responsible_japan_id`;
    `item(row)` names it (key, title, page)."""
    day = audience.day
    rules = policy()
    late = _late_days()
    escalate_on = rules["escalate_after_days"] + 1
    managers = _managers_by_pillar(audience.users.keys())
    found: list[Candidate] = []

    def add(recipient: int, kind: str, named: tuple[str, str, str], detail: Detail) -> None:
        # Nobody hears of an item they may not read (its title is in the reminder).
        if audience.wants(recipient, kind) and visibility.may_read(
            audience.users[recipient], row["marking"]
        ):
            key, title, path = named
            found.append(Candidate(recipient, day, kind, key, title, detail, path))

    for row in rows:
        named = item(row)
        due = row["due_date"].isoformat()
        days_left = (row["due_date"] - day).days
        owner = row["owner_id"]
        if owner is not None:
            if days_left == 0:
                add(owner, ReminderKind.DUE_TODAY, named, Detail("due_today", {}))
            elif days_left > 0 and days_left in audience.lead_days(owner):
                detail = Detail("due_in", {"due": due, "days": days_left})
                add(owner, ReminderKind.DUE_SOON, named, detail)
            elif -days_left in late:
                detail = Detail("overdue", {"due": due, "days": -days_left})
                add(owner, ReminderKind.OVERDUE, named, detail)
        if -days_left == escalate_on:
            detail = Detail(
                "escalation",
                {"due": due, "days": rules["escalate_after_days"], "overdue": -days_left},
            )
            responsible = {
                row.get("commitment__responsible_india_id"),
                row.get("commitment__responsible_japan_id"),
            }
            for recipient in {*responsible, *managers.get(pillar_id(row), ())}:
                if recipient is not None and recipient != owner:
                    add(recipient, ReminderKind.ESCALATION, named, detail)
    return found


def reminders_readable(user, reminders) -> list:
    """The reminders whose items `user` may read now: an item re-marked for others since
    drops out of the page and the e-mail. (One since deleted stays: it was theirs to read.)"""
    reminders = list(reminders)
    wanted: dict[str, list[int]] = defaultdict(list)
    for reminder in reminders:
        prefix, _sep, pk = reminder.item_key.partition(":")
        if prefix in registry.reminder_item_markings and pk.isdigit():
            wanted[prefix].append(int(pk))
    # The items' markings as they stand, whoever asks: the gate is applied here, to each title.
    with system_reads("the markings of the items reminders name"):
        markings = {
            prefix: registry.reminder_item_markings[prefix](ids)
            for prefix, ids in wanted.items()
            if ids
        }
    readable = []
    for reminder in reminders:
        prefix, _sep, pk = reminder.item_key.partition(":")
        if prefix in registry.reminder_item_markings:
            marking = markings.get(prefix, {}).get(int(pk)) if pk.isdigit() else None
            if marking is not None and not visibility.may_read(user, marking):
                continue
        readable.append(reminder)
    return readable


def reminders_due(now: datetime.datetime) -> list[Candidate]:
    """Every reminder the policy says is due at `now`, claimed or not."""
    found: list[Candidate] = []
    for audience in audiences(now):
        for source in registry.reminder_sources:
            found += source(audience)
    return found


def reminders_unclaimed(candidates: list[Candidate]) -> list[Candidate]:
    """Leave out reminders already claimed, and those whose day's digest is already out."""
    if not candidates:
        return []
    recipients = {c.recipient_id for c in candidates}
    days = {c.day for c in candidates}
    claimed = set(
        Reminder.objects.filter(recipient_id__in=recipients, day__in=days).values_list(
            "recipient_id", "item_key", "kind", "day"
        )
    )
    closed = set(
        Digest.objects.filter(recipient_id__in=recipients, day__in=days)
        .exclude(state=DigestState.PENDING)
        .values_list("recipient_id", "day")
    )
    return [
        c
        for c in candidates
        if (c.recipient_id, c.item_key, c.kind, c.day) not in claimed
        and (c.recipient_id, c.day) not in closed
    ]
