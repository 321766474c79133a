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
from collections import defaultdict

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from declaration_tracker.core.cache import NOTIFICATIONS, invalidate

from . import selectors
from .choices import DigestState, ReminderKind
from .emails import digest_render
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
