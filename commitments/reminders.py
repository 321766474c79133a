"""Deadline reminders: who must hear about what today, claimed once, sent once.

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
import smtplib
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.template.loader import render_to_string
from django.utils import timezone

from .choices import DigestState, ReminderKind, Role, Status
from .generations import NOTIFICATIONS, invalidate
from .models import Commitment, Digest, Milestone, Reminder, ReminderPreference, User

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
    detail: str
    path: str


@dataclasses.dataclass
class SweepReport:
    claimed: int = 0  # reminders newly claimed by this sweep
    recipients: int = 0  # recipients with something due today, claimed now or before
    digests: list[int] = dataclasses.field(default_factory=list)  # digests (re)queued


def policy() -> dict:
    return settings.TRACKER_REMINDERS


@dataclasses.dataclass
class Audience:
    """The recipients of one time zone whose local day has reached the send hour."""

    day: datetime.date
    users: dict[int, User]
    preferences: dict[int, ReminderPreference]

    def lead_days(self, user_id: int) -> list[int]:
        chosen = self.preferences.get(user_id)
        return (chosen.lead_days if chosen and chosen.lead_days else None) or policy()["lead_days"]

    def wants(self, user_id: int, kind: str) -> bool:
        chosen = self.preferences.get(user_id)
        return user_id in self.users and not (chosen and kind in chosen.muted_kinds)


def audiences(now: datetime.datetime) -> list[Audience]:
    """Group active users by time zone, keeping those whose local time has reached the hour."""
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
    rows = User.pillars.through.objects.filter(
        user_id__in=list(user_ids), user__groups=group
    ).values_list("pillar_id", "user_id")
    for pillar_id, user_id in rows:
        managers[pillar_id].add(user_id)
    return managers


def _deadline_candidates(audience: Audience, *, kind_of_item: str) -> list[Candidate]:
    """Milestones or action items: due soon, due today, overdue and escalations."""
    from dialogues.models import ActionItem

    day = audience.day
    rules = policy()
    all_lead = sorted({d for uid in audience.users for d in audience.lead_days(uid)})
    late = _late_days()
    escalate_on = rules["escalate_after_days"] + 1
    dates = (
        [day + datetime.timedelta(days=d) for d in [0, *all_lead]]
        + [day - datetime.timedelta(days=d) for d in late]
        + [day - datetime.timedelta(days=escalate_on)]
    )
    if kind_of_item == "milestone":
        rows = Milestone.objects.filter(completed_on__isnull=True, due_date__in=dates).values(
            "id",
            "title",
            "due_date",
            "owner_id",
            "commitment__code",
            "commitment__responsible_id",
            "commitment__pillar_id",
        )
    else:
        rows = ActionItem.objects.filter(state="open", due_date__in=dates).values(
            "id",
            "title",
            "due_date",
            "owner_id",
            "meeting_id",
            "commitment__code",
            "commitment__responsible_id",
            "meeting__mechanism__pillar_id",
        )
    managers = _managers_by_pillar(audience.users.keys())
    found: list[Candidate] = []

    def add(recipient: int, kind: str, item: tuple[str, str, str], detail: str) -> None:
        if audience.wants(recipient, kind):
            key, title, path = item
            found.append(Candidate(recipient, day, kind, key, title, detail, path))

    for row in rows:
        code = row.get("commitment__code")
        if kind_of_item == "milestone":
            item = (f"milestone:{row['id']}", f"{code}: {row['title']}", f"/commitments/{code}/")
            pillar_id = row["commitment__pillar_id"]
        else:
            item = (
                f"action:{row['id']}",
                f"{code}: {row['title']}" if code else row["title"],
                f"/dialogues/meetings/{row['meeting_id']}/",
            )
            pillar_id = row["meeting__mechanism__pillar_id"]
        due = f"{row['due_date']:%d %b %Y}"
        days_left = (row["due_date"] - day).days
        owner = row["owner_id"]
        if owner is not None:
            if days_left == 0:
                add(owner, ReminderKind.DUE_TODAY, item, "due today")
            elif days_left > 0 and days_left in audience.lead_days(owner):
                add(
                    owner,
                    ReminderKind.DUE_SOON,
                    item,
                    f"due {due}, in {days_left} day{'s' if days_left > 1 else ''}",
                )
            elif -days_left in late:
                add(
                    owner,
                    ReminderKind.OVERDUE,
                    item,
                    f"due {due}, {-days_left} day{'s' if days_left < -1 else ''} overdue",
                )
        if -days_left == escalate_on:
            detail = f"due {due}, over {rules['escalate_after_days']} days overdue"
            for recipient in {row["commitment__responsible_id"], *managers.get(pillar_id, ())}:
                if recipient is not None and recipient != owner:
                    add(recipient, ReminderKind.ESCALATION, item, detail)
    return found


def _stale_candidates(audience: Audience) -> list[Candidate]:
    rules = policy()
    stale = settings.TRACKER_STALE_AFTER_DAYS
    every = rules["repeat_every_days"]
    tz = next(iter(audience.users.values())).tzinfo
    days = [audience.day - datetime.timedelta(days=stale + k) for k in range(0, 3660, every)]
    rows = (
        Commitment.objects.filter(responsible_id__in=audience.users.keys())
        .exclude(status__in=[Status.COMPLETED, Status.DISCONTINUED])
        .annotate(
            last_day=TruncDate(Coalesce(Max("status_updates__created_at"), "created_at"), tzinfo=tz)
        )
        .filter(last_day__in=days)
        .values("code", "title", "responsible_id", "last_day")
    )
    return [
        Candidate(
            row["responsible_id"],
            audience.day,
            ReminderKind.STALE,
            f"commitment:{row['code']}",
            f"{row['code']}: {row['title']}",
            f"no status update since {row['last_day']:%d %b %Y}",
            f"/commitments/{row['code']}/",
        )
        for row in rows
        if audience.wants(row["responsible_id"], ReminderKind.STALE)
    ]


def _mechanism_candidates(audience: Audience) -> list[Candidate]:
    from dialogues.selectors import mechanism_list

    every = policy()["repeat_every_days"]
    found = []
    for mechanism in mechanism_list(audience.day).filter(established=True):
        due = mechanism.next_due(mechanism.last_held)
        if due is None or mechanism.next_planned or due >= audience.day:
            continue
        lapsed = (audience.day - due).days
        if lapsed % every != 1 % every:
            continue
        for lead in mechanism.leads.all():
            if audience.wants(lead.pk, ReminderKind.MECHANISM):
                found.append(
                    Candidate(
                        lead.pk,
                        audience.day,
                        ReminderKind.MECHANISM,
                        f"mechanism:{mechanism.slug}",
                        mechanism.name,
                        f"a meeting was due by {due:%d %b %Y} and none is planned",
                        f"/dialogues/{mechanism.slug}/",
                    )
                )
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


def reminders_due(now: datetime.datetime) -> list[Candidate]:
    """Every reminder the policy says is due at `now`, claimed or not."""
    found: list[Candidate] = []
    for audience in audiences(now):
        found += _deadline_candidates(audience, kind_of_item="milestone")
        found += _deadline_candidates(audience, kind_of_item="action")
        found += _stale_candidates(audience)
        found += _mechanism_candidates(audience)
    return found


@transaction.atomic
def reminders_claim(candidates: list[Candidate], *, now: datetime.datetime) -> SweepReport:
    """Claim due reminders in the log and hang them on their day's digest, once."""
    report = SweepReport()
    by_recipient: dict[tuple[int, datetime.date], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_recipient[(candidate.recipient_id, candidate.day)].append(candidate)
    if not by_recipient:
        return report
    Digest.objects.bulk_create(
        [Digest(recipient_id=r, day=d) for r, d in by_recipient],
        ignore_conflicts=True,
        batch_size=2000,
    )
    keys = Q()
    for recipient, day in by_recipient:
        keys |= Q(recipient_id=recipient, day=day)
    digests = {
        (d.recipient_id, d.day): d
        for d in Digest.objects.filter(keys).only("id", "recipient_id", "day", "state")
    }
    rows = []
    for key, items in by_recipient.items():
        digest = digests[key]
        if digest.state != DigestState.PENDING:
            continue  # today's digest is out: what became due since waits for its next stage
        rows += [
            Reminder(
                recipient_id=c.recipient_id,
                digest_id=digest.pk,
                day=c.day,
                kind=c.kind,
                item_key=c.item_key,
                title=c.title[:400],
                detail=c.detail[:200],
                path=c.path,
            )
            for c in items
        ]
    open_digests = {row.digest_id for row in rows}
    before = Reminder.objects.filter(digest_id__in=open_digests).count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    report.claimed = Reminder.objects.filter(digest_id__in=open_digests).count() - before
    report.recipients = len(by_recipient)
    if report.claimed:
        invalidate(NOTIFICATIONS)  # the header badges count today's reminders
    return report


def digests_to_queue(now: datetime.datetime) -> list[int]:
    """Pending digests never queued, or queued long enough ago that the task may be lost."""
    stale = now - datetime.timedelta(minutes=policy()["requeue_after_minutes"])
    with transaction.atomic():
        ids = list(
            Digest.objects.select_for_update(skip_locked=True)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale), state="pending")
            .filter(Exists(Reminder.objects.filter(digest_id=OuterRef("pk"))))
            .values_list("id", flat=True)
        )
        Digest.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


def reminders_sweep(*, now: datetime.datetime | None = None, enqueue: bool = True) -> SweepReport:
    """Claim what is due now and queue every digest waiting to go out."""
    now = now or timezone.now()
    report = reminders_claim(reminders_unclaimed(reminders_due(now)), now=now)
    report.digests = digests_to_queue(now)
    if enqueue:
        from .tasks import digest_enqueue

        for digest_id in report.digests:
            transaction.on_commit(lambda pk=digest_id: digest_enqueue(pk))
    return report


def digest_render(digest: Digest, reminders: list[Reminder]) -> EmailMultiAlternatives:
    groups = [
        (label, [r for r in reminders if r.kind == kind])
        for kind, label in ReminderKind.choices
        if any(r.kind == kind for r in reminders)
    ]
    context = {
        "digest": digest,
        "recipient": digest.recipient,
        "groups": groups,
        "count": len(reminders),
        "site_url": settings.SITE_URL,
        "preferences_url": f"{settings.SITE_URL}/notifications/preferences/",
    }
    subject = render_to_string("commitments/emails/digest_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("commitments/emails/digest_body.txt", context),
        to=[digest.recipient.email],
        headers={"List-Unsubscribe": f"<{context['preferences_url']}>"},
    )
    message.attach_alternative(
        render_to_string("commitments/emails/digest_body.html", context), "text/html"
    )
    return message


def digest_send(*, digest_id: int) -> str:
    """Send one digest unless it has gone already; return what happened.

    The digest row stays locked while the mail server is asked, so two workers holding the
    same task cannot both send it; it is marked sent only once the server has accepted it.
    A failed delivery is counted and noted, and its error propagates, leaving the digest
    pending for the task to retry.
    """
    try:
        return _digest_send_locked(digest_id)
    except (smtplib.SMTPException, OSError) as error:
        Digest.objects.filter(pk=digest_id, state=DigestState.PENDING).update(
            attempts=F("attempts") + 1, note=f"delivery failed: {error}"[:255]
        )
        raise


def _digest_send_locked(digest_id: int) -> str:
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(of=("self",))
            .select_related("recipient", "recipient__reminder_preference")
            .filter(pk=digest_id)
            .first()
        )
        if digest is None or digest.state != DigestState.PENDING:
            return "nothing to send"
        reminders = list(digest.reminders.order_by("kind", "title"))
        recipient = digest.recipient
        preference = getattr(recipient, "reminder_preference", None)
        if not recipient.email or (preference and not preference.email) or not reminders:
            digest.state = DigestState.SKIPPED
            digest.note = (
                "no e-mail address"
                if not recipient.email
                else "e-mail turned off"
                if reminders
                else "nothing left to say"
            )
            digest.save(update_fields=["state", "note"])
            if not recipient.email:
                logger.warning("Reminders for %s not e-mailed: no e-mail address.", recipient)
            return f"skipped: {digest.note}"
        digest_render(digest, reminders).send()
        digest.attempts += 1
        digest.state = DigestState.SENT
        digest.sent_at = timezone.now()
        digest.note = ""
        digest.save(update_fields=["state", "sent_at", "attempts", "note"])
    return "sent"
