"""The items comments and attachments are on: found for a reader, and how widely what is
written on one may be released."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from access import visibility
from access.choices import Marking

from .models import TARGETS

MODELS = {
    "commitment": "commitments.Commitment",
    "milestone": "commitments.Milestone",
    "meeting": "dialogues.Meeting",
    "action_item": "dialogues.ActionItem",
    "reconciliation": "discussion.Reconciliation",
}
if set(MODELS) != set(TARGETS):  # pragma: no cover - a new kind of target needs its model
    raise ImportError("Every kind of item comments and attachments are on needs its model here.")


def target_model(kind: str):
    return apps.get_model(MODELS[kind])


def target_get(kind: str, ref, reader):
    """The item of `kind` (a commitment by its code, the others by id) if `reader` may see it;
    else a 404, as if there were none."""
    if kind not in MODELS:
        raise Http404("No such kind of item.")
    model = target_model(kind)
    if kind == "commitment":
        items = model.objects.filter(code__iexact=str(ref))
    else:
        try:
            items = model.objects.filter(pk=int(ref))
        except (TypeError, ValueError):
            raise Http404("No such item.") from None
    found = items.visible_to(reader).first()
    if found is None:
        raise Http404("No such item.")
    return found


def target_kind(item) -> str:
    label = item._meta.label
    return next(kind for kind, model in MODELS.items() if model == label)


def ref_of(item):
    """How URLs name `item`: a commitment by its code, the other kinds by their id."""
    return item.code if target_kind(item) == "commitment" else item.pk


def target_again(item, reader):
    """`item` read afresh through the gate for `reader` (a 404 if they may not see it)."""
    return target_get(target_kind(item), ref_of(item), reader)


def on(item) -> dict:
    """The foreign key naming `item`, as keyword arguments of a comment or an attachment."""
    return {target_kind(item): item}


def widest(item) -> str:
    """The widest marking what is written on `item` may carry: a wholly marked item's own
    (a milestone, an action item), else public (a commitment's and a meeting's marking govern
    some of their fields only)."""
    if type(item).marking_governs is None:
        return item.marking
    return Marking.PUBLIC


def narrower_or_same(marking: str, allowed: str) -> bool:
    """Say whether everyone who may read `marking` may read `allowed`."""
    return marking == allowed or visibility.reach(marking) < visibility.reach(allowed)


def within(item, marking: str) -> bool:
    """Say whether `marking` is no wider than `item` allows: the item's own, or narrower."""
    return narrower_or_same(marking, widest(item))


def marking_within_check(item, marking: str) -> None:
    """Refuse (a 400 on `marking`) a marking wider than the item it would be written on."""
    if not within(item, marking):
        raise ValidationError(
            {
                "marking": _(
                    "This item is marked %(item)s: what is written on it cannot be released "
                    "more widely (%(marking)s)."
                )
                % {
                    "item": Marking(widest(item)).label,
                    "marking": Marking(marking).label,
                }
            }
        )


def default_marking(item) -> str:
    """Bilateral, or the item's own marking where that is narrower."""
    return Marking.BILATERAL if within(item, Marking.BILATERAL) else widest(item)


def page_of(item) -> str:
    """The item's page in the tracker."""
    kind = target_kind(item)
    if kind == "commitment":
        return reverse("commitment-detail", args=[item.code])
    if kind == "milestone":
        return reverse("milestone-edit", args=[item.commitment.code, item.pk])
    if kind == "meeting":
        return reverse("meeting-detail", args=[item.pk])
    if kind == "reconciliation":
        return reverse("reconciliation-detail", args=[item.pk])
    return reverse("action-item-edit", args=[item.pk])
