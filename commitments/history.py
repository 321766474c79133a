"""The past, reproduced: what the tracker showed at any instant since the declaration.

Everything is derived from the append-only trail (official status, progress, each side's
assessment and latest status update, who was awaited) and from the append-only audit log (a
milestone's title, dates, owner and marking then, and the milestones since removed), never
from stored snapshots that could drift.

- `as_of_parse` reads an `as_of` parameter (a date is the end of that day in UTC).
- `past(queryset, at)` annotates commitments with their state at `at` (correlated subqueries
  on the trail's (commitment, created_at) index, so filters and sorts work in SQL) and, when
  the rows are read, puts that state in place of the current one: the official status,
  progress, both sides' assessments and latest status updates, the side awaited and since when. A
  past commitment has `as_of` set; nothing is ever saved from it.
- `milestones_as_of` undoes the milestone changes recorded after `at`.

The rule for who is awaited is `official_status.resolve`'s, applied to the assessments in the
trail: after the latest status update with an assessment nothing changes either side's view, so
the views at that status update are the views at `at`.
"""

import dataclasses
import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from access.choices import Side
from audit.models import AuditEvent

from . import official_status
from .choices import ASSESSMENT_KINDS, MilestoneState, Status, TrailKind
from .models import Commitment, Declaration, Milestone, StatusUpdate

ASSESSED = [str(kind) for kind in ASSESSMENT_KINDS]
CLOSED = [Status.COMPLETED, Status.DISCONTINUED]


def declaration_start() -> datetime.datetime:
    """The start of the declaration's day (UTC): nothing is tracked before it."""
    declaration = Declaration.objects.order_by("date").first()
    day = declaration.date if declaration else datetime.date(2025, 8, 29)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def day_end(day: datetime.date) -> datetime.datetime:
    """The last instant of `day` in UTC: what `as_of=<day>` means."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


def as_of_param(at: datetime.datetime) -> str:
    """The `as_of` value naming `at`: the day for the end of a day (UTC), else the instant."""
    at = at.astimezone(datetime.UTC)
    if at.time() == datetime.time.max:
        return at.date().isoformat()
    return at.isoformat().replace("+00:00", "Z")


def as_of_parse(value: str | None, *, now: datetime.datetime | None = None):
    """An `as_of` parameter as an instant: a date is the end of that day in UTC, a date-time
    as given (UTC if it names no offset); today's date means now. None for no parameter; a
    ValidationError naming `as_of` for what is not an ISO 8601 date or date-time, is in the
    future, or is before the declaration."""
    if value in (None, ""):
        return None
    now = now or timezone.now()
    value = value.strip()
    try:
        day = parse_date(value) if len(value) == 10 else None
        instant = day_end(day) if day is not None else parse_datetime(value)
    except ValueError:  # well formed, but no such day or time (2026-02-30)
        day = instant = None
    if day is None and instant is not None and timezone.is_naive(instant):
        instant = instant.replace(tzinfo=datetime.UTC)
    if instant is None:
        raise ValidationError(
            {
                "as_of": _(
                    "“%(value)s” is not an ISO 8601 date (2026-03-31) or date-time "
                    "(2026-03-31T12:00:00Z)."
                )
                % {"value": value}
            }
        )
    if instant > now and (day is None or day > now.date()):
        raise ValidationError(
            {"as_of": _("%(value)s is in the future: as_of shows the past.") % {"value": value}}
        )
    start = declaration_start()
    if instant < start:
        raise ValidationError(
            {
                "as_of": _("The declaration's commitments exist from %(day)s.")
                % {"day": start.date().isoformat()}
            }
        )
    return min(instant, now)


# --- commitments ---------------------------------------------------------------------------------


def _latest(at: datetime.datetime, field: str, condition: Q | None = None) -> Subquery:
    """`field` of the commitment's latest status update at `at` (matching `condition`)."""
    updates = StatusUpdate.objects.filter(commitment=OuterRef("pk"), created_at__lte=at)
    if condition is not None:
        updates = updates.filter(condition)
    return Subquery(updates.order_by("-created_at", "-version").values(field)[:1])


def _view(at: datetime.datetime, side: str):
    """A side's assessment at `at`: its latest status update's, or the shared status written
    before per-side assessments if that is later; not started before either."""
    said = Q(kind__in=ASSESSED, side=side) | Q(kind=TrailKind.SHARED)
    return Coalesce(_latest(at, "assessment", said), Value(Status.NOT_STARTED))


def past_annotations(at: datetime.datetime) -> dict:
    """The commitment's state at `at`, as annotations named `past_*` (usable in filters,
    sorts and aggregates)."""
    assessed = Q(kind__in=ASSESSED)
    return {
        "past_status": Coalesce(_latest(at, "to_status"), Value(Status.NOT_STARTED)),
        "past_progress": Coalesce(_latest(at, "to_progress"), Value(0)),
        "past_last_update": _latest(at, "created_at"),
        "past_india": _view(at, Side.INDIA),
        "past_japan": _view(at, Side.JAPAN),
        "past_india_update": _latest(at, "id", Q(kind__in=ASSESSED, side=Side.INDIA)),
        "past_japan_update": _latest(at, "id", Q(kind__in=ASSESSED, side=Side.JAPAN)),
        "past_updating_side": _latest(at, "side", assessed),
        "past_assessed_at": _latest(at, "created_at", assessed),
    }


# The current field each past annotation stands in for (filters and sorts use these).
PAST_FIELDS = {
    "status": "past_status",
    "progress": "past_progress",
    "india_status": "past_india",
    "japan_status": "past_japan",
    "last_status_update_at": "past_last_update",
}
PAST_SIDES_AGREE = Q(past_india=F("past_japan"))


def awaited(*, lead_side: str, india: str, japan: str, updating_side: str | None) -> str:
    """The side awaited when the sides' assessments are `india` and `japan` and `updating_side`
    made the latest status update (`official_status.resolve`; its awaited side does not depend
    on the official status)."""
    if india == japan or not updating_side:
        return ""
    outcome = official_status.resolve(
        lead_side=lead_side, official="", india=india, japan=japan, updating_side=updating_side
    )
    return outcome.awaiting


class PastIterable(ModelIterable):
    """Commitments read with `past_annotations`, given the state those annotations hold (and
    each side's latest status update then, in one more query for all the rows). `past()` makes
    a subclass that knows the instant: a queryset's copies keep their iterable class."""

    at: datetime.datetime

    def __iter__(self):
        commitments = list(super().__iter__())
        update_ids = {
            pk
            for c in commitments
            for pk in (c.past_india_update, c.past_japan_update)
            if pk is not None
        }
        updates = (
            StatusUpdate.objects.select_related("author").in_bulk(update_ids) if update_ids else {}
        )
        for commitment in commitments:
            past_apply(commitment, updates, self.at)
        yield from commitments


def past_apply(commitment: Commitment, updates: dict, at: datetime.datetime) -> None:
    commitment.status = commitment.past_status
    commitment.progress = commitment.past_progress
    commitment.india_status = commitment.past_india
    commitment.japan_status = commitment.past_japan
    commitment.india_report = updates.get(commitment.past_india_update)
    commitment.japan_report = updates.get(commitment.past_japan_update)
    commitment.awaiting_side = awaited(
        lead_side=commitment.lead_side,
        india=commitment.past_india,
        japan=commitment.past_japan,
        updating_side=commitment.past_updating_side,
    )
    commitment.awaiting_since = commitment.past_assessed_at if commitment.awaiting_side else None
    commitment.last_status_update_at = commitment.past_last_update
    commitment.as_of = at


def past(queryset: QuerySet[Commitment], at: datetime.datetime | None) -> QuerySet[Commitment]:
    """`queryset` as it stood at `at` (unchanged for None)."""
    if at is None:
        return queryset
    queryset = queryset.annotate(**past_annotations(at))
    queryset._iterable_class = type("PastIterable", (PastIterable,), {"at": at})
    return queryset


def is_past(queryset: QuerySet) -> bool:
    return issubclass(queryset._iterable_class, PastIterable)


def past_awaiting_ids(queryset: QuerySet[Commitment], side: str) -> list[int]:
    """The ids of the commitments of a `past()` queryset that awaited `side` then."""
    rows = queryset.values_list("pk", "lead_side", "past_india", "past_japan", "past_updating_side")
    return [
        pk
        for pk, lead_side, india, japan, updating_side in rows
        if awaited(lead_side=lead_side, india=india, japan=japan, updating_side=updating_side)
        == side
    ]


def past_stale_condition(at: datetime.datetime, days: int | None = None) -> Q:
    """Open commitments (then) with no status update for `days` days before `at`'s day
    (counted from creation), on a `past()` queryset: as `selectors.stale_condition` today."""
    days = settings.TRACKER_STALE_AFTER_DAYS if days is None else days
    cutoff = datetime.datetime.combine(
        at.date() - datetime.timedelta(days=days), datetime.time.min, tzinfo=datetime.UTC
    )
    quiet = Q(past_last_update__isnull=True) | Q(past_last_update__lt=cutoff)
    return Q(created_at__lt=cutoff) & ~Q(past_status__in=CLOSED) & quiet


# --- milestones: their fields then, from the audit log ------------------------------------------

MILESTONE_FIELDS = ("title", "due_date", "owner", "weight", "completed_on", "marking")


def _value(field: str, recorded: Any):
    if field in ("due_date", "completed_on") and recorded:
        return datetime.date.fromisoformat(str(recorded)[:10])
    return recorded


@dataclasses.dataclass
class _Later:
    """What the audit log recorded of one milestone after the instant."""

    created: bool = False
    removal: AuditEvent | None = None
    before: dict = dataclasses.field(default_factory=dict)  # field → its value at the instant


def milestones_as_of(
    commitment_ids, at: datetime.datetime, *, open_due_by: datetime.date | None = None
) -> list[Milestone]:
    """The milestones of these commitments that existed at `at`, with their title, dates,
    owner, weight and state as they were then.

    Changes after `at` are undone from the audit log (each field takes the value the first
    later change started from); milestones removed since come back from their removal's
    record; those created after it are left out. A past milestone carries its marking now
    (a removed one, its marking when removed): as every copy of marked text, the past follows
    the current marking, so an item restricted later is restricted in the past view too.
    Each names its owner then as the log recorded it (`owner_then`), and has its state on
    that day as `current_state`, as the page's milestones do.

    With `open_due_by`, only those still open at `at` and due by that day (the dashboard's
    overdue and due-soon ones): a milestone unchanged since `at` is then chosen in SQL, so the
    cost follows those milestones, not all of them."""
    ids = set(commitment_ids)
    kind = ContentType.objects.get_for_model(Milestone)
    later: dict[int, _Later] = defaultdict(_Later)
    for event in AuditEvent.objects.filter(content_type=kind, at__gt=at).order_by("at", "id"):
        record = later[int(event.object_id)]
        record.created |= event.action == AuditEvent.Action.CREATED
        if event.action == AuditEvent.Action.DELETED and record.removal is None:
            record.removal = event
        for field, (before, _after) in event.changes.items():
            record.before.setdefault(field, before)
    current = Milestone.objects.filter(commitment_id__in=ids).select_related("owner", "commitment")
    if open_due_by is not None:
        still_open = Q(completed_on__isnull=True) | Q(completed_on__gt=at.date())
        current = current.filter((Q(due_date__lte=open_due_by) & still_open) | Q(pk__in=later))
    found = []
    for milestone in current:
        record = later.get(milestone.pk)
        if record is not None:
            if record.created:
                continue
            for field, before in record.before.items():
                if field == "owner":
                    milestone.owner_then = before
                elif field in MILESTONE_FIELDS and field != "marking":
                    setattr(milestone, field, _value(field, before))
        found.append(milestone)
    removed = {pk: r for pk, r in later.items() if r.removal is not None and not r.created}
    if removed:
        codes = dict(Commitment.objects.filter(pk__in=ids).values_list("code", "pk"))
        present = {m.pk for m in found}
        for pk, record in removed.items():
            event = record.removal
            if pk in present or event.commitment_code not in codes:
                continue
            values = {f: _value(f, v[0]) for f, v in event.changes.items() if f in MILESTONE_FIELDS}
            values |= {f: _value(f, v) for f, v in record.before.items() if f in MILESTONE_FIELDS}
            owner = values.pop("owner", None)
            values.pop("marking", None)
            marking = event.marking
            milestone = Milestone(
                pk=pk, commitment_id=codes[event.commitment_code], marking=marking, **values
            )
            milestone.owner_then = owner
            milestone.removed_since = True
            found.append(milestone)
    day = at.date()
    if open_due_by is not None:
        found = [m for m in found if m.due_date <= open_due_by]
    for milestone in found:
        if not hasattr(milestone, "owner_then"):
            milestone.owner_then = str(milestone.owner) if milestone.owner_id else None
        if milestone.completed_on and milestone.completed_on > day:
            milestone.completed_on = None  # recorded as done only later
        milestone.current_state = milestone.state_on(day)
        milestone.as_of = at
    return sorted(found, key=lambda m: (m.due_date, m.pk))


def milestone_states_as_of(milestones, at: datetime.datetime, *, due_within: int) -> dict:
    """Past milestones (from `milestones_as_of`) overdue, and due within `due_within` days."""
    day = at.date()
    horizon = day + datetime.timedelta(days=due_within)
    return {
        "overdue": [m for m in milestones if m.current_state == MilestoneState.OVERDUE],
        "due": [m for m in milestones if not m.completed_on and day <= m.due_date <= horizon],
    }
