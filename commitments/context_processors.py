import datetime
import functools
import zoneinfo

from django.utils import timezone

from . import generations, permissions
from .choices import DEFAULT_TIME_ZONES, Side
from .models import Reminder

BADGE_SECONDS = 600  # a badge is recounted at least this often, and after every sweep


def tracker(request) -> dict:
    """What every page needs to know about the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_edit_any": permissions.can_edit_any(user),
        "can_export": permissions.can_export(user),
        "is_manager": permissions.is_manager(user),
    }


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
        day = local_today(user)
        return generations.cached(
            generations.NOTIFICATIONS,
            f"{user.pk}:{day.isoformat()}",
            lambda: Reminder.objects.filter(recipient=user, day=day).count(),
            BADGE_SECONDS,
        )

    return {"notifications_today": notifications_today}
