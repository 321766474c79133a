"""The secret keys in the calendar feeds' URLs."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def calendar_feed_key_new() -> str:
    """Return a fresh, unguessable key for a calendar feed URL."""
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a user's calendar feed URL; delete the row or rotate the key to revoke it.

    Calendar applications cannot send headers, so the key travels in the URL and reads the
    feed only: it is not an API token.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
    )
    key = models.CharField(_("key"), max_length=64, unique=True, default=calendar_feed_key_new)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "commitments_calendarfeedtoken"
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.user)
