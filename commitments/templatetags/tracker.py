from django import template

from ..choices import Status

register = template.Library()
STATUS_LABELS = dict(Status.choices)


@register.filter
def status_label(value: str) -> str:
    """The words for a status code: at_risk → At risk."""
    return STATUS_LABELS.get(value, value)
