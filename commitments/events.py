"""The events the services of commitments and dialogues emit (`declaration_tracker.core.events`).

Their types (`EventType`) are the ones webhooks carry, with the `change` each delivers:
`{"status": [before, after]}` for the official status, `{"side", "status", "kind"}` for a
side's status update (`commitment.side_reported`), `{"id", "side", "fields": [...], "state"}`
for a proposed change of shared terms and its answer (`confirmed`, `declined`, `withdrawn`; a
confirmation also makes `commitment.changed`), `{"fields": [...]}` (sorted field names) for a
created or changed item, and for an action item `{"action": "created" | "changed", "fields":
[...]}`. Every write also emits `FIGURES_CHANGED` (`figures_changed`).
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from declaration_tracker.core.events import Event


class EventType(models.TextChoices):
    COMMITMENT_STATUS_CHANGED = "commitment.status_changed", _("Official status changed")
    COMMITMENT_SIDE_REPORTED = "commitment.side_reported", _("A side reported")
    COMMITMENT_CHANGED = "commitment.changed", _("Commitment changed")
    TERMS_PROPOSED = "commitment.terms_proposed", _("Change of shared terms proposed")
    TERMS_DECIDED = "commitment.terms_decided", _("Proposed change of shared terms answered")
    MILESTONE_CREATED = "milestone.created", _("Milestone added")
    MILESTONE_CHANGED = "milestone.changed", _("Milestone changed")
    MILESTONE_COMPLETED = "milestone.completed", _("Milestone completed")
    MEETING_CREATED = "meeting.created", _("Meeting added")
    MEETING_CHANGED = "meeting.changed", _("Meeting changed")
    ACTION_ITEM_CHANGED = "action_item.changed", _("Action item added or changed")


T = EventType

# The event an item's changed fields make, by its kind (a status update's marking makes none).
CHANGED = {
    "commitments.commitment": T.COMMITMENT_CHANGED,
    "commitments.milestone": T.MILESTONE_CHANGED,
    "dialogues.meeting": T.MEETING_CHANGED,
    "dialogues.actionitem": T.ACTION_ITEM_CHANGED,
}


def item_changed(item, fields: Iterable[str], actor) -> Event | None:
    """`<kind>.changed` for the `fields` of `item` that changed; None if none did, or if its
    kind makes no such event."""
    kind = CHANGED.get(item._meta.label_lower)
    fields = sorted(fields)
    if kind is None or not fields:
        return None
    if kind == T.ACTION_ITEM_CHANGED:
        return Event(kind, item, {"action": "changed", "fields": fields}, actor)
    return Event(kind, item, {"fields": fields}, actor)
