"""The header's notification badge: today's reminders and those filed since for the next digest
(a mention after the day's digest went out), counted once a page and cached."""

import functools

from declaration_tracker.core.cache import NOTIFICATIONS, cached
from declaration_tracker.core.timezones import local_today

from .models import Reminder
from .selectors import reminders_readable

BADGE_SECONDS = 600  # a badge is recounted at least this often, and after every sweep


def notifications(request) -> dict:
    """`notifications_today`: counted once, and only if a template asks for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def notifications_today() -> int:
        day = local_today(user)
        return cached(
            NOTIFICATIONS,
            f"{user.pk}:{day.isoformat()}",
            # The reminders the page lists: those whose items the user may still read.
            lambda: len(
                reminders_readable(
                    user, Reminder.objects.filter(recipient=user, day__gte=day).only("item_key")
                )
            ),
            BADGE_SECONDS,
        )

    return {"notifications_today": notifications_today}
