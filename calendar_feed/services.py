"""Writes for the calendar feeds: a user's key made, rotated or revoked."""

from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions
from commitments.models import User

from .models import CalendarFeedToken, calendar_feed_key_new


def calendar_token_rotate(*, user: User) -> CalendarFeedToken:
    """Give the user a new calendar feed key; the URL with the old one stops working."""
    permissions.require(
        permissions.can_read(user), _("Only users with a role may subscribe to the calendar.")
    )
    token, _created = CalendarFeedToken.objects.update_or_create(
        user=user,
        defaults={"key": calendar_feed_key_new(), "created_at": timezone.now()},
        create_defaults={"key": calendar_feed_key_new()},
    )
    return token


def calendar_token_revoke(*, user: User) -> None:
    """Delete the user's calendar feed key, so the feed URL stops working."""
    CalendarFeedToken.objects.filter(user=user).delete()
