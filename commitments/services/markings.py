"""Giving any markable item another release marking."""

from django.db import transaction
from django.utils.translation import gettext as _

from access import permissions, visibility
from audit.recording import acting_as
from audit.recording import record as audit_record
from declaration_tracker.core.events import emit, figures_changed
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from ..events import item_changed
from ..models import Milestone, StatusUpdate, User
from .milestones import _milestones_changed, is_shared


@acting_as("actor")
def marking_change(
    *, item, actor: User, marking: str, pillar_id: int, expected_version: int | None = None
):
    """Give an item another release marking: tighter by its editors (or a manager), looser
    only by a manager of the side it belongs to or whose marking it carries; an item of one
    side is re-marked by that side alone (`visibility.marking_check`), and never so that one
    of its owners or assignees could no longer read it (`visibility.holders_check`).

    Works for every markable row: commitments (their added context), milestones, status
    updates, meetings (their outcome) and action items. A status update's marking is the one
    column of the trail that may change; the change is written to the audit log like any.

    A milestone re-marked from shared to national-only (or back) leaves (or joins) the shared
    record: the commitment's official progress is rolled up again from the shared milestones,
    which the other side then sees move. Between national markings nothing official moves.
    """
    permissions.require(visibility.may_read(actor, item.marking))
    visibility.marking_check(
        actor, marking, current=item.marking, origin=visibility.item_side(item)
    )
    if marking != item.marking:
        visibility.holders_check(item, marking)
    loosening = visibility.reach(marking) > visibility.reach(item.marking)
    if not loosening:
        permissions.require(
            permissions.can_edit_pillar(actor, pillar_id) or permissions.is_manager(actor),
            _("Only an analyst of this pillar or a manager may restrict this item."),
        )
    with transaction.atomic():
        # A milestone's commitment first, as the milestones' services lock them.
        commitment = lock_for_write(item.commitment, None) if isinstance(item, Milestone) else None
        current = lock_for_write(item, expected_version if hasattr(item, "version") else None)
        if current.marking == marking:
            return current
        before = current.marking
        current.marking = marking
        if isinstance(current, StatusUpdate):
            current.save(update_fields=["marking"])
            audit_record(current, {"marking": [before, marking]})
        else:
            versioned_save(current)
        if commitment is not None:
            current.commitment = commitment
            _milestones_changed(
                commitment,
                actor=actor,
                reason="milestone_changed",
                milestone=current,
                was_shared=is_shared(before),
            )
        emit(item_changed(current, ["marking"], actor), figures_changed(actor))
    return current
