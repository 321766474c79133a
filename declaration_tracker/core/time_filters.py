"""The template filter every page, e-mail and report writes a time with (a built-in, so no
template needs to load it): `{{ comment.created_at|at }}`, `{{ digest.sent_at|at:"H:i" }}`."""

from django import template

from .timezones import time_with_zone

register = template.Library()


@register.filter
def at(value, fmt: str = "DATETIME_FORMAT") -> str:
    """An instant in the reader's zone, labelled with it: 3 Dec 2026 14:05 IST,
    2026年12月3日14:05（日本時間）."""
    return time_with_zone(value, fmt)


@register.filter
def at_utc(value, fmt: str = "DATETIME_FORMAT") -> str:
    """An instant in UTC, labelled so: for what both sides compare (the summit report)."""
    import datetime

    return time_with_zone(value, fmt, zone=datetime.UTC)
