"""Each user's own day: dates shown and reminders filed in the user's time zone."""

import datetime
import zoneinfo

from django.utils import timezone


def user_zone(user) -> zoneinfo.ZoneInfo:
    """The user's own time zone (the user model's `tzinfo`, which knows each side's default)."""
    return user.tzinfo


def local_today(user) -> datetime.date:
    """The user's current date in their own time zone: the day their reminders are filed on."""
    return timezone.now().astimezone(user_zone(user)).date()
