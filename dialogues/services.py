"""Writes and business rules for dialogue mechanisms, meetings and action items."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions, visibility
from audit.recording import acting_as
from commitments.events import T, item_changed
from commitments.models import User
from commitments.services import owner_check
from declaration_tracker.core.events import Event, changed, emit, figures_changed, filled, snapshot
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from .choices import ActionItemState, Cadence
from .models import ActionItem, DialogueMechanism, Meeting


@acting_as("actor")
def mechanism_cadence_set(
    *, mechanism: DialogueMechanism, actor: User, cadence: str
) -> DialogueMechanism:
    """Set the cadence both sides agreed for a mechanism (managers): from then on it is due
    and can be overdue on that cycle; a cadence the tracker had inferred becomes a stated one."""
    permissions.require(
        permissions.is_manager(actor), _("Only a manager may set a mechanism's agreed cadence.")
    )
    if cadence not in Cadence.values:
        raise ValidationError({"cadence": _("Choose one of the cadences offered.")})
    with transaction.atomic():
        locked = DialogueMechanism.objects.select_for_update().get(pk=mechanism.pk)
        locked.cadence = cadence
        locked.inferred_fields = [f for f in locked.inferred_fields if f != "cadence"]
        locked.full_clean()
        locked.save(update_fields=["cadence", "inferred_fields"])
        emit(figures_changed(actor))
    return locked


MEETING_FIELDS = frozenset({"date", "place", "state", "outcome_summary", "marking"})
ACTION_ITEM_FIELDS = frozenset(
    {"title", "description", "owner", "due_date", "state", "completed_on", "commitment", "marking"}
)


def _marking_check(actor: User, item, changes: dict[str, Any]) -> None:
    """The writer must read the item, and may give it only a marking they may give."""
    if item.pk:
        permissions.require(visibility.may_read(actor, item.marking))
    if "marking" in changes:
        visibility.marking_check(
            actor,
            changes["marking"],
            current=item.marking if item.pk else None,
            origin=item.side,
        )


def _refuse_unknown(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )


def _apply(instance, changes: dict[str, Any]):
    for field, value in changes.items():
        setattr(instance, field, value)
    return versioned_save(instance)


def _update(instance, changes: dict[str, Any], actor: User):
    """Apply `changes` to a locked item and say which of its fields they changed."""
    before = snapshot(instance, changes)
    _apply(instance, changes)
    emit(item_changed(instance, changed(instance, before), actor), figures_changed(actor))
    return instance


@acting_as("actor")
def meeting_create(*, mechanism: DialogueMechanism, actor: User, **fields: Any) -> Meeting:
    _refuse_unknown(fields, MEETING_FIELDS)
    permissions.require_add_items(actor, mechanism.pillar_id)
    meeting = Meeting(mechanism=mechanism, side=actor.side)
    _marking_check(actor, meeting, fields)
    with transaction.atomic():
        _apply(meeting, fields)
        written = {"fields": filled(meeting, ["mechanism", *MEETING_FIELDS])}
        emit(Event(T.MEETING_CREATED, meeting, written, actor), figures_changed(actor))
    return meeting


@acting_as("actor")
def meeting_update(
    *, meeting: Meeting, actor: User, expected_version: int, **changes: Any
) -> Meeting:
    _refuse_unknown(changes, MEETING_FIELDS)
    permissions.require_change_item(actor, meeting, meeting.mechanism.pillar_id)
    _marking_check(actor, meeting, changes)
    with transaction.atomic():
        return _update(lock_for_write(meeting, expected_version), changes, actor)


def _action_item_normalise(item: ActionItem, changes: dict[str, Any]) -> dict[str, Any]:
    """Keep state and completion date together: done means a date, anything else none."""
    state = changes.get("state", item.state)
    if changes.get("completed_on") and state != ActionItemState.DONE:
        raise ValidationError(
            {"completed_on": _("Only a done action item has a completion date: clear it.")}
        )
    if state == ActionItemState.DONE:
        # Done without a date given: it keeps the date it has, or gets today's.
        if not changes.get("completed_on"):
            changes["completed_on"] = item.completed_on or timezone.localdate()
    elif "state" in changes:
        changes["completed_on"] = None
    return changes


@acting_as("actor")
def action_item_create(*, meeting: Meeting, actor: User, **fields: Any) -> ActionItem:
    _refuse_unknown(fields, ACTION_ITEM_FIELDS)
    permissions.require_add_items(actor, meeting.mechanism.pillar_id)
    item = ActionItem(meeting=meeting, side=actor.side)
    _marking_check(actor, item, fields)
    owner_check(fields.get("owner"), marking=fields.get("marking", item.marking))
    with transaction.atomic():
        _apply(item, _action_item_normalise(item, fields))
        written = {"action": "created", "fields": filled(item, ["meeting", *ACTION_ITEM_FIELDS])}
        emit(Event(T.ACTION_ITEM_CHANGED, item, written, actor), figures_changed(actor))
    return item


@acting_as("actor")
def action_item_update(
    *, action_item: ActionItem, actor: User, expected_version: int, **changes: Any
) -> ActionItem:
    _refuse_unknown(changes, ACTION_ITEM_FIELDS)
    # Only the owning side changes it, closing it included: an assignee of the other side
    # reports progress through their own side, not by marking it done.
    permissions.require_change_item(actor, action_item, action_item.meeting.mechanism.pillar_id)
    _marking_check(actor, action_item, changes)
    if "marking" in changes and "owner" not in changes:
        visibility.holders_check(action_item, changes["marking"])
    if "owner" in changes or "marking" in changes:
        owner_check(
            changes.get("owner", action_item.owner),
            current_owner_id=action_item.owner_id,
            marking=changes.get("marking", action_item.marking),
        )
    with transaction.atomic():
        item = lock_for_write(action_item, expected_version)
        return _update(item, _action_item_normalise(item, changes), actor)
