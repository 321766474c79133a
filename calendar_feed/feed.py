"""The iCalendar feed of milestones and meetings that Outlook and Google Calendar subscribe to.

Every event is all-day (the tracker keeps dates, not times) and carries a stable UID, its row's
version as SEQUENCE and its last change as DTSTAMP and LAST-MODIFIED, so a subscribed
calendar updates events in place instead of duplicating them, and the same rows always give
the same bytes.
"""

import datetime
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event, vDuration

from access import permissions
from access.visibility import reading_as
from commitments.choices import MilestoneState
from commitments.models import Milestone, User
from commitments.selectors import milestone_list
from declaration_tracker.core.i18n import localized
from dialogues.choices import MeetingState
from dialogues.models import Meeting
from dialogues.selectors import meeting_list

from .models import CalendarFeedToken

CALENDAR_NAME = _("India–Japan declaration tracker")
PRODID = "-//India–Japan declaration tracker//Calendar feed//EN"
UID_DOMAIN = "declaration-tracker"
# How far back the feed reaches: older rows only make the download bigger.
HISTORY = relativedelta(years=1)
# How often calendar applications should fetch the feed again (they may ignore it).
REFRESH = datetime.timedelta(hours=1)
MEETING_STATUS = {
    MeetingState.PLANNED: "CONFIRMED",
    MeetingState.HELD: "CONFIRMED",
    MeetingState.POSTPONED: "TENTATIVE",
    MeetingState.CANCELLED: "CANCELLED",
}


def calendar_feed_url(token: CalendarFeedToken) -> str:
    """Return the absolute URL a calendar application subscribes to."""
    path = reverse("api:calendar-feed-ics")
    return f"{settings.SITE_URL}{path}?{urlencode({'token': token.key})}"


def calendar_milestones(*, user: User, today: datetime.date, mine: bool = False):
    """Milestones due from a year before `today` on that the user may read, the user's own only
    if `mine`."""
    rows = milestone_list(user).filter(due_date__gte=today - HISTORY)
    if mine:
        rows = rows.filter(owner=user)
    return rows.order_by("due_date", "id")


def calendar_meetings(*, user: User, today: datetime.date, mine: bool = False):
    """Meetings from a year before `today` on, of mechanisms the user leads only if `mine`."""
    rows = meeting_list(user).filter(date__gte=today - HISTORY)
    if mine:
        rows = rows.filter(mechanism__leads=user)
    return rows.order_by("date", "id")


def _day_event(*, uid: str, day: datetime.date, row, **fields) -> Event:
    return Event.new(
        uid=f"{uid}@{UID_DOMAIN}",
        start=day,
        # An all-day event ends the next day; on the calendar's last day it has no end
        # (RFC 5545: a DATE start alone is one day).
        end=day + datetime.timedelta(days=1) if day < datetime.date.max else None,
        stamp=row.updated_at,
        last_modified=row.updated_at,
        sequence=row.version,
        transparency="TRANSPARENT",
        **fields,
    )


def _milestone_event(milestone: Milestone, today: datetime.date) -> Event:
    commitment = milestone.commitment
    state = milestone.state_on(today)
    done = state == MilestoneState.DONE
    summary = f"{commitment.code}: {milestone.title}" + (f" ({gettext('done')})" if done else "")
    lines = [
        f"{commitment.code} {localized(commitment, 'title')}",
        gettext("Pillar: %(pillar)s") % {"pillar": localized(commitment.pillar, "name")},
        gettext("Owner: %(owner)s") % {"owner": milestone.owner or gettext("nobody yet")},
        gettext("State: %(state)s") % {"state": MilestoneState(state).label}
        + (f" ({milestone.completed_on.isoformat()})" if done else ""),
    ]
    return _day_event(
        uid=f"milestone-{milestone.pk}",
        day=milestone.due_date,
        row=milestone,
        summary=summary,
        description="\n".join(lines),
        url=f"{settings.SITE_URL}/commitments/{commitment.code}/",
        status="CONFIRMED",
    )


def _meeting_event(meeting: Meeting) -> Event:
    mechanism = meeting.mechanism
    lines = [
        gettext("Pillar: %(pillar)s") % {"pillar": localized(mechanism.pillar, "name")},
        gettext("State: %(state)s") % {"state": meeting.get_state_display()},
    ]
    if meeting.outcome_summary:
        lines += ["", meeting.outcome_summary]
    fields = {"location": meeting.place} if meeting.place else {}
    return _day_event(
        uid=f"meeting-{meeting.pk}",
        day=meeting.date,
        row=meeting,
        summary=localized(mechanism, "name"),
        description="\n".join(lines),
        url=f"{settings.SITE_URL}/dialogues/{mechanism.slug}/",
        status=MEETING_STATUS[meeting.state],
        **fields,
    )


def calendar_feed_build(*, user: User, today: datetime.date, mine: bool = False) -> bytes:
    """Return the user's calendar of milestones and meetings as iCalendar bytes.

    Everything the user may read, or with `mine` only the milestones they own and the
    meetings of the mechanisms they lead; two queries whatever the number of rows.
    """
    permissions.require(permissions.can_read(user))
    # In the subscriber's language: a calendar application sends none worth following. The
    # feed's key names its reader, not the request (which has no signed-in user).
    with translation.override(user.language or settings.LANGUAGE_CODE), reading_as(user):
        return _calendar(user=user, today=today, mine=mine)


def _calendar(*, user: User, today: datetime.date, mine: bool) -> bytes:
    calendar = Calendar.new(
        prodid=PRODID,
        name=str(CALENDAR_NAME),
        uid=f"calendar-{user.pk}{'-mine' if mine else ''}@{UID_DOMAIN}",
    )
    # RFC 7986 requires VALUE=DURATION, which icalendar's refresh_interval leaves out.
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    # Outlook reads this one instead.
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    for milestone in calendar_milestones(user=user, today=today, mine=mine):
        calendar.add_component(_milestone_event(milestone, today))
    for meeting in calendar_meetings(user=user, today=today, mine=mine):
        calendar.add_component(_meeting_event(meeting))
    return calendar.to_ical()
