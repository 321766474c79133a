from django import template

from ..choices import MilestoneState, Status

register = template.Library()
STATUS_LABELS = dict(Status.choices)
MILESTONE_STATE_LABELS = dict(MilestoneState.choices)


@register.filter
def status_label(value: str) -> str:
    """The words for a status code: at_risk → At risk."""
    return STATUS_LABELS.get(value, value)


@register.filter
def milestone_state_label(value: str) -> str:
    """The words for a milestone state: due_soon → Due soon."""
    return MILESTONE_STATE_LABELS.get(value, value)
