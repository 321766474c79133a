"""Milestones, and the progress they roll up into their commitment.

The commitment's progress is its official figure, read by both governments: it is rolled up
from the shared milestones alone (public and bilateral, `SHARED_MARKINGS`). A national-only
milestone (`india_only`, `japan_only`) changes nothing the other side can observe: adding,
completing, re-dating, deleting or re-marking it leaves the commitment's progress, version
(its ETag), `updated_at` and trail alone and emits no event about the commitment. Its own
side reads it, and the progress it would make, as that side's internal progress
(`selectors.internal_progress`). Re-marking a shared milestone national-only (or back) takes
it out of (or into) the shared record, so the official figure moves: the trail's entry then
carries the milestone's marking, so the other side reads the figures, not the title.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions, visibility
from access.choices import SHARED_MARKINGS, Marking
from audit.recording import acting_as
from declaration_tracker.core.events import Event, emit, figures_changed, snapshot
from declaration_tracker.core.events import changed as fields_changed
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from .. import trail_messages
from ..choices import TrailKind
from ..events import T, item_changed
from ..models import Commitment, Milestone, User
from .commitments import owner_check
from .status_updates import _append  # the trail's append: a milestone's progress is recorded there

MILESTONE_EDITABLE_FIELDS = frozenset(
    {"title", "due_date", "owner", "weight", "completed_on", "marking"}
)


# A milestone getting a completion date is done, losing it reopened: (was done, is done) → the
# trail's message.
MILESTONE_COMPLETION = {(False, True): "milestone_done", (True, False): "milestone_reopened"}


def is_shared(marking: str) -> bool:
    """Whether an item under `marking` is read by both governments (counts in official figures)."""
    return marking in SHARED_MARKINGS


def progress_of(milestones) -> int | None:
    """The completed share of the weight of `milestones` (a queryset), or None without any."""
    totals = milestones.aggregate(
        total=Sum("weight"), done=Sum("weight", filter=models.Q(completed_on__isnull=False))
    )
    if not totals["total"]:
        return None
    return round(100 * (totals["done"] or 0) / totals["total"])


def commitment_progress_from_milestones(commitment: Commitment) -> int | None:
    """Return the official progress: the completed share of the shared milestones' weight, or
    None without shared milestones (national-only ones never count in it)."""
    return progress_of(commitment.milestones.filter(marking__in=SHARED_MARKINGS))


def _milestones_changed(
    commitment: Commitment,
    *,
    actor: User,
    reason: str,
    milestone: Milestone,
    was_shared: bool,
    milestone_id: int | None = None,
) -> Commitment:
    """Roll the shared milestones' progress up into the (locked) commitment, recording any
    change; the status update quotes the milestone, so it carries the milestone's marking, and
    follows it. `milestone_id` names a milestone just deleted (its instance has no pk any more).

    A milestone national-only before and after the write (`was_shared` False) is no part of
    the shared record: the commitment is left as it is (no version, no `updated_at`, no status
    update, no event), so the other side cannot observe the write."""
    if not was_shared and not is_shared(milestone.marking):
        return commitment
    progress = commitment_progress_from_milestones(commitment)
    if progress is None or progress == commitment.progress:
        versioned_save(commitment)
    else:
        _append(
            commitment,
            author=actor,
            side=actor.side,
            kind=TrailKind.PROGRESS,
            status=commitment.status,
            progress=progress,
            note=trail_messages.english(
                reason,
                params := {"old": commitment.progress, "new": progress, "title": milestone.title},
            ),
            message=reason,
            message_params=params,
            marking=milestone.marking,
            source_milestone=milestone_id or milestone.pk,
        )
        emit(item_changed(commitment, ["progress"], actor))
    return commitment


@acting_as("actor")
def milestone_create(
    *,
    commitment: Commitment,
    actor: User,
    title: str,
    due_date: datetime.date,
    owner: User | None = None,
    weight: int = 1,
    completed_on: datetime.date | None = None,
    marking: str = Marking.BILATERAL,
) -> Milestone:
    permissions.require_add_items(actor, commitment.pillar_id)
    visibility.marking_check(actor, marking)
    owner_check(owner, marking=marking)
    with transaction.atomic():
        locked = lock_for_write(commitment, None)
        milestone = Milestone(
            commitment=locked,
            title=title,
            due_date=due_date,
            owner=owner,
            weight=weight,
            completed_on=completed_on,
            marking=marking,
            side=actor.side,
        )
        milestone.full_clean()
        milestone.save()
        emit(Event(T.MILESTONE_CREATED, milestone, {}, actor))
        _milestones_changed(
            locked,
            actor=actor,
            reason="milestone_added",
            milestone=milestone,
            was_shared=False,
        )
        emit(figures_changed(actor))
    return milestone


@acting_as("actor")
def milestone_update(
    *, milestone: Milestone, actor: User, expected_version: int, **changes: Any
) -> Milestone:
    unknown = set(changes) - MILESTONE_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )
    permissions.require_change_item(actor, milestone, milestone.commitment.pillar_id)
    if "marking" in changes:
        visibility.marking_check(
            actor, changes["marking"], current=milestone.marking, origin=milestone.side
        )
        if "owner" not in changes:
            visibility.holders_check(milestone, changes["marking"])
    if "owner" in changes or "marking" in changes:
        owner_check(
            changes.get("owner", milestone.owner),
            current_owner_id=milestone.owner_id,
            marking=changes.get("marking", milestone.marking),
        )
    return _milestone_write(
        milestone,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        reason="milestone_changed",
    )


@acting_as("actor")
def milestone_complete(
    *,
    milestone: Milestone,
    actor: User,
    expected_version: int,
    completed_on: datetime.date | None = None,
) -> Milestone:
    return _milestone_write(
        milestone,
        actor=actor,
        expected_version=expected_version,
        changes={"completed_on": completed_on or timezone.localdate()},
        reason="milestone_done",
    )


@acting_as("actor")
def milestone_reopen(*, milestone: Milestone, actor: User, expected_version: int) -> Milestone:
    return _milestone_write(
        milestone,
        actor=actor,
        expected_version=expected_version,
        changes={"completed_on": None},
        reason="milestone_reopened",
    )


def _milestone_write(
    milestone: Milestone, *, actor: User, expected_version: int, changes: dict, reason: str
) -> Milestone:
    permissions.require_change_item(actor, milestone, milestone.commitment.pillar_id)
    permissions.require(visibility.may_read(actor, milestone.marking))
    with transaction.atomic():
        commitment = lock_for_write(milestone.commitment, None)
        current = lock_for_write(milestone, expected_version)
        before = snapshot(current, changes)
        was_shared = is_shared(current.marking)
        for field, value in changes.items():
            setattr(current, field, value)
        current.commitment = commitment
        versioned_save(current)
        # Done or reopened is that, whichever service set or cleared the date.
        completion = MILESTONE_COMPLETION.get(
            (bool(before.get("completed_on", current.completed_on)), bool(current.completed_on))
        )
        reason = completion or reason
        fields = fields_changed(current, before)
        if completion == "milestone_done":
            emit(Event(T.MILESTONE_COMPLETED, current, {"fields": fields}, actor))
        else:
            emit(item_changed(current, fields, actor))
        _milestones_changed(
            commitment, actor=actor, reason=reason, milestone=current, was_shared=was_shared
        )
        emit(figures_changed(actor))
    return current


@acting_as("actor")
def milestone_delete(*, milestone: Milestone, actor: User, expected_version: int) -> None:
    permissions.require_change_item(actor, milestone, milestone.commitment.pillar_id)
    permissions.require(visibility.may_read(actor, milestone.marking))
    with transaction.atomic():
        commitment = lock_for_write(milestone.commitment, None)
        current = lock_for_write(milestone, expected_version)
        milestone_id = current.pk
        current.delete()
        # Without shared milestones left, progress is kept as it was until set by hand.
        _milestones_changed(
            commitment,
            actor=actor,
            reason="milestone_removed",
            milestone=current,
            milestone_id=milestone_id,
            was_shared=is_shared(current.marking),
        )
        emit(figures_changed(actor))
