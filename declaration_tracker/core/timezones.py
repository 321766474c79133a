"""Each reader's own clock: times shown, and reminders filed, in the reader's time zone.

Whose zone: a user of one of the two governments reads times in their own time zone
(`User.time_zone`, which defaults to their side's: Asia/Tokyo for Japan, Asia/Kolkata for
India); a user of neither side (the operator) or nobody signed in, by their language:
Japanese in Japan time, English in India's. Every time is written with its zone's name in
the reader's language (日本時間, IST), by `time_with_zone`; the summit report, read by both
sides side by side, is the one place that writes UTC.
"""

import contextlib
import datetime
import zoneinfo
from collections.abc import Iterator

from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext

JAPAN = "Asia/Tokyo"
INDIA = "Asia/Kolkata"
UTC = "UTC"


def local_today(user) -> datetime.date:
    """The user's current date in their own time zone (the user model's `tzinfo`, which knows
    each side's default): the day their reminders are filed on."""
    return timezone.now().astimezone(user.tzinfo).date()


def zone_for_language(language: str | None) -> zoneinfo.ZoneInfo:
    """The zone of a reader known only by their language: Japanese, Japan's; else India's."""
    return zoneinfo.ZoneInfo(JAPAN if (language or "").startswith("ja") else INDIA)


def reader_zone(user, language: str | None = None) -> zoneinfo.ZoneInfo:
    """The time zone `user` reads times in: their own if they are of a side, else by language."""
    if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "side", ""):
        return user.tzinfo
    return zone_for_language(language if language is not None else get_language())


@contextlib.contextmanager
def reading_times_as(user, language: str | None = None) -> Iterator[None]:
    """Inside the block, times are shown in `user`'s zone (an e-mail, a feed, a report)."""
    with timezone.override(reader_zone(user, language)):
        yield


def zone_label(zone=None) -> str:
    """A zone's name in the reader's language: 日本時間 / JST, インド標準時 / IST, UTC."""
    zone = zone or timezone.get_current_timezone()
    key = getattr(zone, "key", str(zone))
    if key == JAPAN:
        return pgettext("time zone", "JST")
    if key == INDIA:
        return pgettext("time zone", "IST")
    if key in (UTC, "Etc/UTC"):
        return "UTC"
    return key


def time_with_zone(value, fmt: str = "DATETIME_FORMAT", zone=None) -> str:
    """An instant in the current (or the given) zone, in the language's format, with the
    zone's name: "3 Dec 2026 14:05 IST", 「2026年12月3日14:05（日本時間）」."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.datetime):
        return formats.date_format(value, fmt)
    zone = zone or timezone.get_current_timezone()
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    local = value.astimezone(zone)
    return pgettext("a time and its time zone", "%(time)s %(zone)s") % {
        "time": formats.date_format(local, fmt),
        "zone": zone_label(zone),
    }
