"""Each user's own day: dates shown and reminders filed in the user's time zone."""

import datetime

from django.utils import timezone


def local_today(user) -> datetime.date:
    """The user's current date in their own time zone (the user model's `tzinfo`, which knows
    each side's default): the day their reminders are filed on."""
    return timezone.now().astimezone(user.tzinfo).date()
