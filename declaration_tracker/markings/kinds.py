"""The kinds of markable items, how to find one a user may read, and the pillar it is in."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from commitments import visibility
from commitments.models import Commitment, Milestone, StatusUpdate
from dialogues.models import ActionItem, Meeting


@dataclass(frozen=True)
class Kind:
    model: Any
    related: tuple[str, ...]
    pillar: str  # the attribute path to the item's pillar id


KINDS = {
    "commitment": Kind(Commitment, ("pillar",), "pillar_id"),
    "milestone": Kind(Milestone, ("commitment",), "commitment.pillar_id"),
    "status_update": Kind(StatusUpdate, ("commitment",), "commitment.pillar_id"),
    "meeting": Kind(Meeting, ("mechanism",), "mechanism.pillar_id"),
    "action_item": Kind(ActionItem, ("meeting__mechanism",), "meeting.mechanism.pillar_id"),
}


def markable_item(kind: str, pk: int, user):
    """The item, if `user` may read what its marking governs; else a 404, as if there were none:
    nobody re-marks what they may not read."""
    if kind not in KINDS:
        raise Http404("No such kind of item.")
    spec = KINDS[kind]
    item = visibility.visible(spec.model.objects.select_related(*spec.related), user).filter(pk=pk)
    found = item.first()
    if found is None:
        raise Http404("No such item.")
    return found


def pillar_of(kind: str, item) -> int:
    value = item
    for part in KINDS[kind].pillar.split("."):
        value = getattr(value, part)
    return value
