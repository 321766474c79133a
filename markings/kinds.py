"""The kinds of markable items (the registry of `Markable` models), how to find one a user may
read, and the pillar it is in."""

from django.http import Http404

from access import visibility
from access.markings import markable_kinds


def kinds() -> list[str]:
    """The kinds re-marked here (a comment or an attachment is re-marked by its own PATCH)."""
    return sorted(kind for kind, model in markable_kinds().items() if model.marking_changed_here)


def markable_item(kind: str, pk: int, user):
    """The item, if `user` may read what its marking governs; else a 404, as if there were none:
    nobody re-marks what they may not read."""
    model = markable_kinds().get(kind)
    if model is None or not model.marking_changed_here:
        raise Http404("No such kind of item.")
    items = model.objects.select_related(*model.marking_related).filter(pk=pk)
    found = items.filter(visibility.condition(user)).visible_to(user).first()
    if found is None:
        raise Http404("No such item.")
    return found


def pillar_of(kind: str, item) -> int:
    value = item
    for part in markable_kinds()[kind].marking_pillar.split("."):
        value = getattr(value, part)
    return value
