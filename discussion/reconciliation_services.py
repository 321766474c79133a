"""Opening, settling and closing reconciliations, and moving their due dates.

The tracker keeps them by itself: every change of a commitment's sides' statuses or of its
proposed terms (the commitments app's events, handled inside the writer's transaction) runs
`reconciliation_sync`, which opens one when the sides are apart, records each question as it
is settled, and closes it when none is left. A daily sweep (`reconciliations_sync_all`) runs it
over every commitment too, for writes that bypass the services (an operator's admin edit, a
data load). It is idempotent: run again, it changes nothing.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions
from access.choices import Marking
from audit.recording import acting, acting_as
from declaration_tracker.core.events import Event, emit, figures_changed
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from .models import Reconciliation

# How a question was settled (`Reconciliation.settled[*]["how"]`).
AGREED = "agreed"  # the sides now report the same status
ONE_LEADS = "one_leads"  # the commitment is no longer joint: its lead side's status is official
CONFIRMED = "confirmed"  # the other side confirmed the proposed terms
DECLINED = "declined"  # the other side declined them
WITHDRAWN = "withdrawn"  # the proposing side withdrew them
RESOLVED_ELSEWHERE = "resolved"  # settled by a write outside the services (seen by the sweep)

# The commitments app's events that may open, settle or close a reconciliation.
EVENTS = (
    "commitment.side_reported",
    "commitment.terms_proposed",
    "commitment.terms_decided",
    "commitment.changed",
)


def _commitment_model():
    return apps.get_model("commitments", "Commitment")


def _pending_terms(commitment) -> bool:
    change = apps.get_model("commitments", "SharedTermChange")
    return change.objects.filter(commitment_id=commitment.pk, state="pending").exists()


def _last_terms_answer(commitment) -> str:
    change = apps.get_model("commitments", "SharedTermChange")
    last = (
        change.objects.filter(commitment_id=commitment.pk)
        .exclude(state="pending")
        .order_by("-decided_at", "-id")
        .values_list("state", flat=True)
        .first()
    )
    return last if last in (CONFIRMED, DECLINED, WITHDRAWN) else RESOLVED_ELSEWHERE


def statuses_apart(commitment) -> bool:
    """A joint commitment whose two sides report different statuses."""
    return commitment.lead_side == "joint" and commitment.india_status != commitment.japan_status


def default_due(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.TRACKER_RECONCILIATION_DAYS)


def _side_of(actor) -> str:
    return permissions.own_side(actor) if actor is not None else ""


def reconciliation_sync(
    commitment, *, actor=None, now: datetime.datetime | None = None, positions_moved: bool = False
):
    """Open, settle or close `commitment`'s reconciliation as its sides now stand; the open
    reconciliation after it (None if none is open). Runs in the caller's transaction.

    `positions_moved`: a side reported, so an open reconciliation's positions (its
    representation) changed even where its questions did not: it is saved, a new version,
    for the change feed and ETags to see."""
    now = now or timezone.now()
    apart = statuses_apart(commitment)
    pending = _pending_terms(commitment)
    with transaction.atomic():
        current = (
            Reconciliation.objects.select_for_update()
            .filter(commitment_id=commitment.pk, closed_at__isnull=True)
            .first()
        )
        if current is None:
            if not (apart or pending):
                return None
            return Reconciliation.objects.create(
                commitment_id=commitment.pk,
                about_status=apart,
                about_terms=pending,
                opened_at=now,
                due_on=default_due(timezone.localdate(now)),
                marking=Marking.BILATERAL,
            )
        if (current.about_status, current.about_terms) == (apart, pending):
            if positions_moved:
                versioned_save(current)
            return current
        by = _side_of(actor)
        if current.about_status and not apart:
            if commitment.india_status == commitment.japan_status:
                how = AGREED
            elif commitment.lead_side != "joint":
                how = ONE_LEADS
            else:  # pragma: no cover - apart is False only in the two cases above
                how = RESOLVED_ELSEWHERE
            current.settled.append(
                {
                    "about": "status",
                    "how": how,
                    "status": commitment.status,
                    "at": now.isoformat(),
                    "by": by,
                }
            )
        if current.about_terms and not pending:
            current.settled.append(
                {
                    "about": "terms",
                    "how": _last_terms_answer(commitment),
                    "at": now.isoformat(),
                    "by": by,
                }
            )
        current.about_status, current.about_terms = apart, pending
        if not (apart or pending):
            current.closed_at = now
        versioned_save(current)
        return current if current.closed_at is None else None


def on_commitment_event(event: Event) -> None:
    """The commitments app's handler: a side reported, terms were proposed or answered, or the
    commitment changed (its lead side): bring its reconciliation up to date."""
    commitment = event.obj
    if commitment is None or commitment._meta.label_lower != "commitments.commitment":
        return
    with acting(event.actor):
        reconciliation_sync(
            commitment,
            actor=event.actor,
            positions_moved=event.type == "commitment.side_reported",
        )


def reconciliations_sync_all(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Bring every commitment's reconciliation up to date (the daily sweep): how many were
    opened and closed."""
    opened = closed = 0
    commitment = _commitment_model()
    open_for = set(
        Reconciliation.objects.filter(closed_at__isnull=True).values_list(
            "commitment_id", flat=True
        )
    )
    pending = set(
        apps.get_model("commitments", "SharedTermChange")
        .objects.filter(state="pending")
        .values_list("commitment_id", flat=True)
    )
    for item in commitment.objects.only(
        "pk", "lead_side", "india_status", "japan_status", "status"
    ):
        should = statuses_apart(item) or item.pk in pending
        if should == (item.pk in open_for) and not should:
            continue
        was_open = item.pk in open_for
        with transaction.atomic():
            now_open = reconciliation_sync(item, now=now) is not None
        opened += now_open and not was_open
        closed += was_open and not now_open
    if opened or closed:
        emit(figures_changed())  # the dashboard counts them
    return {"opened": opened, "closed": closed}


def require_set_due(actor) -> None:
    permissions.require_not_operator(actor)
    permissions.require(
        permissions.is_manager(actor) and bool(permissions.own_side(actor)),
        _("A reconciliation's due date is set by a manager of India or Japan."),
    )


@acting_as("actor")
def reconciliation_due_set(
    *, reconciliation: Reconciliation, actor, due_on, expected_version: int | None
) -> Reconciliation:
    """Move an open reconciliation's due date (either side's manager); in the audit log."""
    require_set_due(actor)
    if not isinstance(due_on, datetime.date):
        raise ValidationError({"due_on": _("Give the due date as a date, e.g. 2026-12-31.")})
    with transaction.atomic():
        current = lock_for_write(reconciliation, expected_version)
        if current.closed_at is not None:
            raise ValidationError(
                {"due_on": _("This reconciliation is closed: it has no due date to move.")}
            )
        opened_on = timezone.localdate(current.opened_at)
        if due_on < opened_on:
            raise ValidationError(
                {
                    "due_on": _("The due date cannot be before the day it opened (%(day)s).")
                    % {"day": opened_on.isoformat()}
                }
            )
        current.due_on = due_on
        current.due_set_by = actor
        versioned_save(current)
        emit(figures_changed(actor))  # the dashboard counts the overdue ones
    return current
