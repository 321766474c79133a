from django import template

from ..audit.recording import value_labels
from ..choices import MARKING_HELP, Marking, MilestoneState, Side, Status, counterpart

register = template.Library()
STATUS_LABELS = dict(Status.choices)
MILESTONE_STATE_LABELS = dict(MilestoneState.choices)


@register.filter
def status_label(value: str) -> str:
    """The words for a status code: at_risk → At risk."""
    return STATUS_LABELS.get(value, value)


@register.filter
def side_label(value: str) -> str:
    """The words for a side: japan → Japan."""
    return SIDE_LABELS.get(value, value)


@register.filter
def other_side_label(value: str) -> str:
    """The other government's name: india → Japan."""
    return SIDE_LABELS[counterpart(value)] if value in SIDE_LABELS else ""


SIDE_LABELS = dict(Side.choices)


@register.filter
def milestone_state_label(value: str) -> str:
    """The words for a milestone state: due_soon → Due soon."""
    return MILESTONE_STATE_LABELS.get(value, value)


@register.filter
def audit_value(value, field: str = "") -> str:
    """A recorded value in words: codes as labels, lists joined, nothing as a dash, yes/no."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value_labels().get(field, {}).get(value, value))


@register.filter
def field_label(name: str) -> str:
    """A field name in words: completed_on → completed on."""
    return name.replace("_", " ")


@register.inclusion_tag("includes/marking.html")
def marking(value: str):
    """The release marking beside an item, in words, with what it means on hover."""
    return {"value": value, "label": Marking(value).label, "help": MARKING_HELP[value]}


@register.inclusion_tag("includes/marking_control.html", takes_context=True)
def marking_control(context, kind: str, item, pillar_id: int):
    """The item's marking, and a small form to change it for those who may."""
    from .. import permissions, visibility

    request = context["request"]
    user = request.user
    offered = visibility.markings_changeable(
        user,
        item.marking,
        may_edit=permissions.can_edit_pillar(user, pillar_id),
        origin=visibility.item_side(item),
    )
    return {
        "kind": kind,
        "item": item,
        "value": item.marking,
        "label": Marking(item.marking).label,
        "help": MARKING_HELP[item.marking],
        "offered": offered,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
