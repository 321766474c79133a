"""The notifications badge: how many reminders the signed-in user got on their local today."""

import datetime
import functools
import zoneinfo

from django.utils import timezone

from .choices import DEFAULT_TIME_ZONES, Side
from .models import Reminder


def user_zone(user) -> zoneinfo.ZoneInfo:
    """The user's own time zone, India's if theirs is unknown."""
    try:
        return user.tzinfo
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONES[Side.INDIA])


def local_today(user) -> datetime.date:
    """The user's current date in their own time zone: the day their reminders are filed on."""
    return timezone.now().astimezone(user_zone(user)).date()


def notifications(request) -> dict:
    """`notifications_today`: counted once, and only if a template asks for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def notifications_today() -> int:
        return Reminder.objects.filter(recipient=user, day=local_today(user)).count()

    return {"notifications_today": notifications_today}
