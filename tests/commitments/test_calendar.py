"""The calendar feed: what Outlook and Google Calendar read, and who the feed key lets in."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar
from rest_framework.test import APIClient

from access.choices import Role
from calendar_feed.models import CalendarFeedToken
from calendar_feed.services import calendar_token_rotate
from commitments import services
from commitments.models import Milestone
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import DialogueMechanism, Meeting
from tests.factories import UserFactory, analyst, commitment, days, superuser, viewer

pytestmark = pytest.mark.usefixtures("loaded")

FEED = reverse("api:calendar-feed-ics")
TOKEN_URL = reverse("api:calendar-feed-token")
PILLARS = ("defence", "maritime", "industry", "technology", "multilateral", "dialogue")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def editor():
    return analyst(*PILLARS, first_name="Asha", last_name="Rao")


@pytest.fixture
def reader():
    return viewer(first_name="Kenji", last_name="Sato")


@pytest.fixture
def key(reader) -> str:
    return calendar_token_rotate(user=reader).key


def mechanism(slug: str = "nsa-consultations") -> DialogueMechanism:
    return DialogueMechanism.objects.get(slug=slug)


def milestone(editor, code="MAR-01", title="Port call", due=None, owner=None, **kw) -> Milestone:
    return services.milestone_create(
        commitment=commitment(code),
        actor=editor,
        title=title,
        due_date=due or days(10),
        owner=owner,
        **kw,
    )


def meeting(editor, slug="nsa-consultations", **fields) -> Meeting:
    fields = {"date": days(20), "place": "Tokyo", "state": MeetingState.PLANNED, **fields}
    return dialogue_services.meeting_create(mechanism=mechanism(slug), actor=editor, **fields)


def fetch(key: str | None, **params):
    """GET the feed as a calendar application does: no session, no API token."""
    query = {"token": key, **params} if key is not None else params
    return APIClient().get(FEED, query)


def events(response) -> dict:
    assert response.status_code == 200, response.content
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.events}


def test_milestones_and_meetings_are_all_day_events_with_stable_uids(editor, reader, key):
    open_ = milestone(editor, title="First port call", due=days(40), owner=editor)
    done = milestone(editor, code="DEF-01", title="Staff talks", due=days(-5), owner=reader)
    done = services.milestone_complete(
        milestone=done, actor=editor, expected_version=done.version, completed_on=days(-6)
    )
    planned = meeting(editor, date=days(20), place="New Delhi")
    cancelled = meeting(
        editor, slug="economic-security-dialogue", date=days(30), state=MeetingState.CANCELLED
    )

    response = fetch(key)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="calendar.ics"'
    assert response["Cache-Control"] == "private, max-age=300"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert str(calendar["X-WR-CALNAME"]) == "India–Japan declaration tracker"
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.content
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.content
    found = events(response)
    assert set(found) == {
        f"milestone-{open_.pk}@declaration-tracker",
        f"milestone-{done.pk}@declaration-tracker",
        f"meeting-{planned.pk}@declaration-tracker",
        f"meeting-{cancelled.pk}@declaration-tracker",
    }

    event = found[f"milestone-{open_.pk}@declaration-tracker"]
    assert str(event["SUMMARY"]) == "MAR-01: First port call"
    assert event.start == days(40)
    assert type(event.start) is datetime.date
    assert event.end == days(41)
    assert str(event["URL"]) == f"{settings.SITE_URL}/commitments/MAR-01/"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == open_.version
    assert event["LAST-MODIFIED"].dt == open_.updated_at.replace(microsecond=0)
    description = str(event["DESCRIPTION"])
    assert commitment("MAR-01").title in description
    assert "Owner: Asha Rao" in description
    assert "State: Upcoming" in description

    event = found[f"milestone-{done.pk}@declaration-tracker"]
    assert str(event["SUMMARY"]) == "DEF-01: Staff talks (done)"
    assert event.start == days(-5)
    assert event["SEQUENCE"] == done.version == 2
    assert "Owner: Kenji Sato" in str(event["DESCRIPTION"])
    assert "State: Done" in str(event["DESCRIPTION"])

    event = found[f"meeting-{planned.pk}@declaration-tracker"]
    assert str(event["SUMMARY"]) == mechanism().name
    assert event.start == days(20)
    assert type(event.start) is datetime.date
    assert str(event["LOCATION"]) == "New Delhi"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"{settings.SITE_URL}/dialogues/nsa-consultations/"

    event = found[f"meeting-{cancelled.pk}@declaration-tracker"]
    assert str(event["SUMMARY"]) == mechanism("economic-security-dialogue").name
    assert str(event["STATUS"]) == "CANCELLED"
    assert "LOCATION" in event  # "Tokyo", the default above


def test_an_edit_moves_the_event_in_place_with_a_higher_sequence(editor, key):
    row = milestone(editor, due=days(10))
    services.milestone_update(
        milestone=row, actor=editor, expected_version=row.version, due_date=days(12)
    )

    (event,) = events(fetch(key)).values()

    assert str(event["UID"]) == f"milestone-{row.pk}@declaration-tracker"
    assert event.start == days(12)
    assert event["SEQUENCE"] == 2


def test_rows_older_than_a_year_are_left_out(editor, key):
    recent = milestone(editor, title="Recent", due=days(-300))
    milestone(editor, title="Old", due=days(-400))
    kept = meeting(editor, date=days(-300))
    meeting(editor, date=days(-400))

    assert set(events(fetch(key))) == {
        f"milestone-{recent.pk}@declaration-tracker",
        f"meeting-{kept.pk}@declaration-tracker",
    }


def test_mine_keeps_the_milestones_i_own_and_the_meetings_of_mechanisms_i_lead(editor, reader, key):
    own = milestone(editor, title="Mine", owner=reader)
    milestone(editor, title="Someone else's", owner=editor)
    milestone(editor, title="Nobody's")
    led = meeting(editor, slug="nsa-consultations")
    meeting(editor, slug="economic-security-dialogue")
    mechanism("nsa-consultations").leads.add(reader, editor)

    assert set(events(fetch(key, mine="1"))) == {
        f"milestone-{own.pk}@declaration-tracker",
        f"meeting-{led.pk}@declaration-tracker",
    }
    assert len(events(fetch(key))) == 5
    assert len(events(fetch(key, mine="0"))) == 5


def test_a_bad_mine_value_is_refused(key):
    response = fetch(key, mine="yes please")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("bad", [None, "", "not-a-key", "x" * 500, "abc\x00def"])
def test_a_missing_or_unknown_key_is_401_in_plain_text(key, bad):
    response = fetch(bad)

    assert response.status_code == 401
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"key" in response.content


def test_api_credentials_do_not_open_the_feed(api, reader):
    api.force_authenticate(reader)

    assert api.get(FEED).status_code == 401


def test_calendar_applications_get_the_feed_whatever_they_accept(key):
    response = APIClient().get(FEED, {"token": key}, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_a_deactivated_users_key_is_refused(reader, key):
    reader.is_active = False
    reader.save()

    response = fetch(key)

    assert response.status_code == 403
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_a_key_stops_working_when_its_user_loses_every_role(reader, key):
    reader.groups.remove(Group.objects.get(name=Role.VIEWER))

    assert fetch(key).status_code == 403


def test_the_operator_without_a_role_reads_the_feed_of_public_items():
    boss = superuser()

    assert fetch(calendar_token_rotate(user=boss).key).status_code == 200


def test_the_key_endpoint_needs_api_credentials(api):
    for method in ("get", "post", "delete"):
        response = getattr(api, method)(TOKEN_URL)
        assert response.status_code == 401, method
        assert response.json()["error"]["status"] == 401


def test_a_user_without_a_role_gets_no_key(api):
    api.force_authenticate(UserFactory())

    assert api.post(TOKEN_URL).status_code == 403
    assert not CalendarFeedToken.objects.exists()


def test_a_viewer_makes_reads_and_rotates_a_key_and_the_old_url_stops_working(api, reader):
    api.force_authenticate(reader)
    assert api.get(TOKEN_URL).status_code == 404

    made = api.post(TOKEN_URL)

    assert made.status_code == 201
    first = CalendarFeedToken.objects.get(user=reader).key
    assert made.json()["url"] == f"{settings.SITE_URL}/api/v1/calendar.ics?token={first}"
    assert made.json()["created_at"]
    assert api.get(TOKEN_URL).json() == made.json()
    assert fetch(first).status_code == 200

    rotated = api.post(TOKEN_URL)

    assert rotated.status_code == 201
    second = CalendarFeedToken.objects.get(user=reader).key
    assert second != first
    assert rotated.json()["url"].endswith(f"?token={second}")
    assert fetch(first).status_code == 401
    assert fetch(second).status_code == 200


def test_revoking_the_key_closes_the_feed(api, reader, key):
    api.force_authenticate(reader)

    assert api.delete(TOKEN_URL).status_code == 204

    assert fetch(key).status_code == 401
    assert api.get(TOKEN_URL).status_code == 404
    assert api.delete(TOKEN_URL).status_code == 204


def test_the_feed_takes_as_many_queries_for_50_milestones_as_for_5(editor, key):
    users = [UserFactory() for _ in range(5)]
    codes = ["MAR-01", "MAR-02", "DEF-01", "DEF-02", "IND-01"]

    def add(count: int, start: int) -> None:
        Milestone.objects.bulk_create(
            Milestone(
                commitment=commitment(codes[i % len(codes)]),
                title=f"Milestone {i}",
                due_date=days(i),
                owner=users[i % len(users)],
                side="india",
            )
            for i in range(start, start + count)
        )
        slugs = ["nsa-consultations", "economic-security-dialogue", "joint-staffs-dialogue"]
        for i in range(start, start + count, 5):
            meeting(editor, slug=slugs[i % len(slugs)], date=days(i))

    add(5, 0)
    with CaptureQueriesContext(connection) as few:
        assert len(events(fetch(key))) == 5 + 1
    add(45, 5)
    with CaptureQueriesContext(connection) as many:
        assert len(events(fetch(key))) == 50 + 10

    assert len(many) == len(few)
    assert len(few) <= 6


def test_text_with_commas_semicolons_newlines_and_non_ascii_survives_the_parser(editor, key):
    title = 'Exercise "Dharma Guardian", phase 2; Yokosuka\\Goa — 横須賀の寄港 ' * 2
    row = milestone(editor, title=title.strip(), owner=editor)
    summary = "First round held; next, in Tokyo.\nAction items:\n  1. ship-to-ship, drills"
    held = meeting(
        editor,
        place="Hyderabad House, New Delhi; Room 3",
        state=MeetingState.HELD,
        outcome_summary=summary,
    )

    found = events(fetch(key))

    assert str(found[f"milestone-{row.pk}@declaration-tracker"]["SUMMARY"]) == (
        f"MAR-01: {title.strip()}"
    )
    event = found[f"meeting-{held.pk}@declaration-tracker"]
    assert str(event["LOCATION"]) == "Hyderabad House, New Delhi; Room 3"
    assert str(event["DESCRIPTION"]).endswith("\n\n" + summary)


def test_the_admin_lists_feed_keys_read_only_without_showing_them(client, reader, key):
    client.force_login(superuser())

    listing = client.get(reverse("admin:calendar_feed_calendarfeedtoken_changelist"))

    assert listing.status_code == 200
    assert str(reader).encode() in listing.content
    assert key.encode() not in listing.content
    assert client.get(reverse("admin:calendar_feed_calendarfeedtoken_add")).status_code == 403
    token = CalendarFeedToken.objects.get(user=reader)
    change = client.get(reverse("admin:calendar_feed_calendarfeedtoken_change", args=[token.pk]))
    assert key.encode() not in change.content
