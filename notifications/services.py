"""Claiming due reminders once, queueing each day's digest, and sending it once.

Each reminder is claimed by inserting a row in the reminder log, whose unique key (recipient,
item, kind, day) makes a second claim a no-op; a recipient's reminders of a day hang on one
digest, also unique per (recipient, day). The send locks the digest, sends, and marks it sent,
so a redelivered or duplicated task sends nothing. A digest left pending (a lost task, a
broker restart) is queued again by a later sweep. Queueing is the caller's (the tasks'), so
this module does not depend on Celery.
"""

import dataclasses
import datetime
import logging
import smtplib
import zoneinfo
from collections import defaultdict

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from declaration_tracker.core.cache import NOTIFICATIONS, invalidate

from . import selectors
from .choices import DigestState, ReminderKind
from .emails import digest_render
from .messages import Detail
from .models import Digest, Reminder, ReminderPreference
from .selectors import Candidate, policy, reminders_due, reminders_unclaimed

logger = logging.getLogger(__name__)

LEAD_DAYS_MIN = 1
LEAD_DAYS_MAX = 60


@dataclasses.dataclass
class SweepReport:
    claimed: int = 0  # reminders newly claimed by this sweep
    recipients: int = 0  # recipients with something due today, claimed now or before
    digests: list[int] = dataclasses.field(default_factory=list)  # digests (re)queued


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
                detail=c.detail.english[:200],
                detail_message=c.detail.key,
                detail_params=c.detail.params,
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


def _digest_days_reached(now: datetime.datetime) -> Q:
    """The digests whose day has reached the send hour in their recipient's time zone: a
    reminder filed as it happened (a mention) waits for its digest's day and hour like the
    sweep's reminders."""
    reached = Q(pk__in=[])
    zones = (
        Digest.objects.filter(state=DigestState.PENDING)
        .values_list("recipient__time_zone", flat=True)
        .distinct()
    )
    for zone in zones:
        try:
            local = now.astimezone(zoneinfo.ZoneInfo(zone or "Asia/Kolkata"))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue  # the sweep skips such users too (`selectors.audiences`)
        last = local.date()
        if local.hour < policy()["send_hour"]:
            last -= datetime.timedelta(days=1)
        reached |= Q(recipient__time_zone=zone, day__lte=last)
    return reached


def digests_to_queue(now: datetime.datetime) -> list[int]:
    """Pending digests whose day and hour have come, never queued, or queued long enough ago
    that the task may be lost."""
    stale = now - datetime.timedelta(minutes=policy()["requeue_after_minutes"])
    with transaction.atomic():
        ids = list(
            Digest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale), state="pending")
            .filter(_digest_days_reached(now))
            .filter(Exists(Reminder.objects.filter(digest_id=OuterRef("pk"))))
            .values_list("id", flat=True)
        )
        Digest.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


@transaction.atomic
def reminder_notify(
    *,
    recipient: AbstractBaseUser,
    kind: str,
    item_key: str,
    title: str,
    detail: Detail,
    path: str,
) -> Reminder | None:
    """File a reminder of something that just happened (a mention) for `recipient`, once for
    each item and kind: on their Notifications page now, and in their next digest — today's
    (their local day) unless it has gone out, else the next day's, sent at the send hour like
    any. None if they are inactive, do not want the kind, or were told already (a reminder of
    this item and kind on any day). Whether they may read the item is the caller's to decide,
    and is asked again whenever the reminder is shown (`selectors.reminders_readable`)."""
    if not recipient.is_active:
        return None
    preference = ReminderPreference.objects.filter(user=recipient).first()
    if preference is not None and kind in preference.muted_kinds:
        return None
    if Reminder.objects.filter(recipient=recipient, item_key=item_key, kind=kind).exists():
        return None
    day = timezone.now().astimezone(recipient.tzinfo).date()
    for later in range(3):
        digest = _digest_open(recipient, day + datetime.timedelta(days=later))
        if digest is not None:
            break
    else:  # pragma: no cover - three days' digests all gone out at once
        return None
    reminder = Reminder(
        recipient=recipient,
        digest=digest,
        day=digest.day,
        kind=kind,
        item_key=item_key,
        title=title[:400],
        detail=detail.english[:200],
        detail_message=detail.key,
        detail_params=detail.params,
        path=path,
    )
    try:
        with transaction.atomic():
            reminder.save()
    except IntegrityError:  # filed by a concurrent edit of the same comment
        return None
    invalidate(NOTIFICATIONS)  # the header's badge counts it
    return reminder


def _digest_open(recipient: AbstractBaseUser, day: datetime.date) -> Digest | None:
    """The recipient's digest of `day` if it has not gone out, locked until the transaction
    ends (so it is not sent without what is filed on it now; one being sent is waited for);
    None if it has gone out."""
    Digest.objects.bulk_create([Digest(recipient=recipient, day=day)], ignore_conflicts=True)
    return (
        Digest.objects.select_for_update()
        .filter(recipient=recipient, day=day, state=DigestState.PENDING)
        .first()
    )


def reminders_sweep(*, now: datetime.datetime | None = None) -> SweepReport:
    """Claim what is due now and mark every digest waiting to go out as queued; the caller
    queues `report.digests` once this commits."""
    now = now or timezone.now()
    report = reminders_claim(reminders_unclaimed(reminders_due(now)), now=now)
    report.digests = digests_to_queue(now)
    return report


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
        recipient = digest.recipient
        reminders = selectors.reminders_readable(
            recipient, digest.reminders.order_by("kind", "title")
        )
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


@transaction.atomic
def reminder_preference_set(
    *, user: AbstractBaseUser, kinds: list[str], lead_days: list[int], email: bool
) -> ReminderPreference:
    """Save a user's reminder choices: the kinds wanted, lead days (1-60, none for the
    tracker's default), and whether to e-mail the digest. The form and the admin both call it.
    """
    unknown = sorted(set(kinds) - set(ReminderKind.values))
    if unknown:
        raise ValidationError({"kinds": _("Unknown kind of reminder: %s.") % ", ".join(unknown)})
    outside = [day for day in lead_days if not LEAD_DAYS_MIN <= day <= LEAD_DAYS_MAX]
    if outside or any(isinstance(day, bool) or not isinstance(day, int) for day in lead_days):
        raise ValidationError(
            {
                "lead_days": _("Days before a due date are whole numbers from %(low)s to %(high)s.")
                % {"low": LEAD_DAYS_MIN, "high": LEAD_DAYS_MAX}
            }
        )
    wanted = set(kinds)
    preference, _created = ReminderPreference.objects.update_or_create(
        user=user,
        defaults={
            "muted_kinds": [k for k in ReminderKind.values if k not in wanted],
            "lead_days": sorted(set(lead_days), reverse=True),
            "email": email,
        },
    )
    return preference
