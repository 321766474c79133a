"""The dialogues part of the REST API, as a client sees it: mechanisms, meetings and action
items — roles, filters, pages, ETags, strict input and query counts."""

import datetime
from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import Commitment
from dialogues import services
from dialogues.choices import ActionItemState, MeetingState
from dialogues.models import ActionItem, DialogueMechanism, Meeting
from tests.api_base import (
    ROLES,
    api_client,
    assert_error,
    assert_if_match_protocol,
    make_action_item,
    make_meeting,
    make_user,
    read_status,
    refreshed,
    snapshot,
    url,
    walk,
    write_status,
)
from tests.factories import analyst, chief, commitment, days, viewer
from tests.ids import stable

pytestmark = pytest.mark.usefixtures("loaded")

PILLAR = "dialogue"  # the pillar of the NSA consultations


def if_match(obj) -> dict:
    return {"HTTP_IF_MATCH": f'"{refreshed(obj).version}"'}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def objects(loaded):
    """A meeting of the NSA consultations with one action item."""
    meeting = make_meeting()
    item = make_action_item(meeting, commitment=commitment("DIA-01"), due_date=days(20))
    return {"meeting": meeting, "item": item, "owner": analyst(PILLAR)}


# =========================================================================== who may read


READS = {
    "dialogues": (
        lambda o: url("dialogues"),
        lambda body, o: (
            sorted(m["slug"] for m in body)
            == sorted(DialogueMechanism.objects.values_list("slug", flat=True))
        ),
    ),
    "a dialogue": (
        lambda o: url("dialogues", "nsa-consultations"),
        lambda body, o: body["pillar"]["slug"] == PILLAR and body["cadence"] == "annual",
    ),
    "meetings": (
        lambda o: url("meetings"),
        lambda body, o: [m["id"] for m in body["results"]] == [o["meeting"].pk],
    ),
    "a meeting": (
        lambda o: url("meetings", o["meeting"].pk),
        lambda body, o: (body["mechanism"], body["place"]) == ("nsa-consultations", "Tokyo"),
    ),
    "action items": (
        lambda o: url("action-items"),
        lambda body, o: [i["id"] for i in body["results"]] == [o["item"].pk],
    ),
    "an action item": (
        lambda o: url("action-items", o["item"].pk),
        lambda body, o: (body["meeting"], body["commitment"]) == (o["meeting"].pk, "DIA-01"),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", READS)
def test_every_role_reads_and_nobody_else(endpoint, role, objects):
    path, shows = READS[endpoint]

    response = api_client(make_user(role, PILLAR)).get(path(objects))

    expected = read_status(role)
    if expected == 200:
        assert response.status_code == 200
        assert shows(response.json(), objects)
    else:
        assert_error(
            response, expected, "not_authenticated" if expected == 401 else "permission_denied"
        )


# =========================================================================== who may write


WRITES = {
    "record a meeting": (
        lambda c, o: c.post(
            url("meetings"),
            {"mechanism": "nsa-consultations", "date": "2026-12-01", "place": "New Delhi"},
        ),
        201,
    ),
    "record a meeting's outcome": (
        lambda c, o: c.patch(
            url("meetings", o["meeting"].pk),
            {"state": "held", "outcome_summary": "Reviewed the declaration."},
            **if_match(o["meeting"]),
        ),
        200,
    ),
    "add an action item": (
        lambda c, o: c.post(
            url("action-items"),
            {
                "meeting": o["meeting"].pk,
                "title": "Circulate minutes",
                "owner": o["owner"].username,
            },
        ),
        201,
    ),
    "close an action item": (
        lambda c, o: c.patch(
            url("action-items", o["item"].pk), {"state": "done"}, **if_match(o["item"])
        ),
        200,
    ),
}


def world(objects) -> dict:
    return {
        "meeting": snapshot(objects["meeting"]),
        "item": snapshot(objects["item"]),
        "meetings": Meeting.objects.count(),
        "items": ActionItem.objects.count(),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES)
def test_only_analysts_of_the_pillar_write(write, role, objects):
    send, success = WRITES[write]
    before = world(objects)

    response = send(api_client(make_user(role, PILLAR)), objects)

    expected = write_status(role, success)
    if expected == success:
        assert response.status_code == success, response.content
        assert world(objects) != before
    else:
        assert_error(response, expected)
        assert world(objects) == before


def test_an_analyst_records_meetings_only_for_mechanisms_of_their_pillars():
    defence = api_client(analyst("defence"))
    body = {"mechanism": "nsa-consultations", "date": "2026-12-01"}

    assert_error(defence.post(url("meetings"), body), 403, "permission_denied")
    assert not Meeting.objects.exists()
    created = defence.post(url("meetings"), {**body, "mechanism": "joint-staffs-dialogue"})
    assert created.status_code == 201
    assert created.json()["mechanism"] == "joint-staffs-dialogue"
    assert created.json()["state"] == "planned"
    assert created["ETag"] == '"1"'


# =========================================================================== reads that tell


def test_a_meeting_held_shows_on_its_mechanism_and_clears_the_overdue_flag():
    client = api_client(analyst(PILLAR))
    today = timezone.localdate()
    before = client.get(url("dialogues", "nsa-consultations")).json()
    assert (before["last_held"], before["next_due"]) == (None, "2026-08-29")
    assert before["overdue"] is (today > datetime.date(2026, 8, 29))
    held_on = today - datetime.timedelta(days=10)

    created = client.post(
        url("meetings"),
        {"mechanism": "nsa-consultations", "date": str(held_on), "state": "held"},
    )

    assert created.status_code == 201
    after = client.get(url("dialogues", "nsa-consultations")).json()
    assert after["last_held"] == str(held_on)
    assert after["next_due"] == str(held_on + relativedelta(years=1))
    assert after["overdue"] is False
    overdue = client.get(url("dashboard")).json()["dialogues_overdue"]
    assert "nsa-consultations" not in {m["slug"] for m in overdue}


def test_closing_an_action_item_dates_it_and_reopening_clears_the_date(objects):
    client = api_client(analyst(PILLAR))
    path = url("action-items", objects["item"].pk)

    closed = client.patch(path, {"state": "done"}, **if_match(objects["item"]))
    assert closed.status_code == 200
    assert closed.json()["completed_on"] == str(timezone.localdate())

    reopened = client.patch(path, {"state": "open"}, HTTP_IF_MATCH=closed["ETag"])
    assert reopened.status_code == 200
    assert (reopened.json()["state"], reopened.json()["completed_on"]) == ("open", None)


def test_a_completion_date_on_an_open_action_item_is_refused_not_dropped(objects):
    client = api_client(analyst(PILLAR))
    path = url("action-items", objects["item"].pk)

    refused = client.patch(
        path, {"state": "open", "completed_on": "2026-01-05"}, **if_match(objects["item"])
    )

    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["completed_on"]
    objects["item"].refresh_from_db()
    assert objects["item"].completed_on is None


# =========================================================================== filters


@pytest.fixture
def calendar(loaded):
    """Meetings of three mechanisms in different states, and action items from them."""
    alice, bob = analyst(PILLAR, username="alice"), analyst(PILLAR, username="bob")
    held = make_meeting(date=datetime.date(2026, 3, 10), state=MeetingState.HELD)
    planned = make_meeting(date=datetime.date(2026, 12, 10))
    postponed = make_meeting(
        "economic-security-dialogue", date=datetime.date(2026, 5, 1), state=MeetingState.POSTPONED
    )
    items = {
        "minutes": make_action_item(held, title="Minutes", owner=alice, due_date=days(5)),
        "paper": make_action_item(
            held,
            title="Paper",
            owner=bob,
            state=ActionItemState.DONE,
            commitment=commitment("DIA-01"),
        ),
        "agenda": make_action_item(
            postponed,
            title="Agenda",
            owner=alice,
            state=ActionItemState.DROPPED,
            commitment=commitment("DIA-02"),
        ),
        "visit": make_action_item(planned, title="Visit", commitment=commitment("DIA-01")),
    }
    return {"held": held, "planned": planned, "postponed": postponed, **items}


MEETING_FILTERS = [
    ({"mechanism": "nsa-consultations"}, {"held", "planned"}),
    ({"mechanism": "economic-security-dialogue"}, {"postponed"}),
    ({"mechanism": "track-1-5-exchanges"}, set()),
    ({"state": "held"}, {"held"}),
    ({"state": ["planned", "postponed"]}, {"planned", "postponed"}),
    ({"mechanism": "nsa-consultations", "state": "planned"}, {"planned"}),
    ({"date_after": "2026-04-01"}, {"planned", "postponed"}),
    ({"date_before": "2026-05-01"}, {"held", "postponed"}),
]


@pytest.mark.parametrize(("params", "expected"), MEETING_FILTERS, ids=stable)
def test_meetings_filter_by_mechanism_state_and_date(calendar, params, expected):
    response = api_client(viewer()).get(url("meetings"), params)

    assert ids(response) == {calendar[name].pk for name in expected}


ACTION_ITEM_FILTERS = [
    ({"owner": "alice"}, {"minutes", "agenda"}),
    ({"owner": "bob"}, {"paper"}),
    ({"state": "done"}, {"paper"}),
    ({"state": ["open", "dropped"]}, {"minutes", "agenda", "visit"}),
    ({"commitment": "DIA-01"}, {"paper", "visit"}),
    ({"commitment": "DIA-01", "state": "open"}, {"visit"}),
    ({"owner": "alice", "state": "open"}, {"minutes"}),
    ({"mechanism": "economic-security-dialogue"}, {"agenda"}),
]


@pytest.mark.parametrize(("params", "expected"), ACTION_ITEM_FILTERS, ids=stable)
def test_action_items_filter_by_owner_state_and_commitment(calendar, params, expected):
    response = api_client(viewer()).get(url("action-items"), params)

    assert ids(response) == {calendar[name].pk for name in expected}


def test_action_items_filter_by_meeting(calendar):
    response = api_client(viewer()).get(url("action-items"), {"meeting": calendar["held"].pk})

    assert ids(response) == {calendar["minutes"].pk, calendar["paper"].pk}


INVALID = [
    ("dialogues", {"established": "maybe"}, "established"),
    ("dialogues", {"cadence": "weekly"}, "cadence"),
    ("dialogues", {"ordering": "cadence"}, "ordering"),
    ("meetings", {"mechanism": "atlantis"}, "mechanism"),
    ("meetings", {"state": "adjourned"}, "state"),
    ("meetings", {"state": ["held", "adjourned"]}, "state"),
    ("meetings", {"updated_since": "last week"}, "updated_since"),
    ("meetings", {"ordering": "place"}, "ordering"),
    ("meetings", {"page_size": "0"}, "page_size"),
    ("meetings", {"page_size": "501"}, "page_size"),
    ("meetings", {"pagination": "bogus"}, "pagination"),
    ("action-items", {"owner": "ghost"}, "owner"),
    ("action-items", {"state": "closed"}, "state"),
    ("action-items", {"commitment": "XYZ-01"}, "commitment"),
    ("action-items", {"meeting": "abc"}, "meeting"),
    ("action-items", {"mechanism": "atlantis"}, "mechanism"),
    ("action-items", {"page_size": "abc"}, "page_size"),
    ("action-items", {"pagination": "keyset"}, "pagination"),
    pytest.param("meetings", {"date_after": "2026-02-30"}, "date_after"),
    pytest.param(
        "action-items",
        {"due_date_before": "99999-01-01"},
        "due_date_before",
    ),
]


@pytest.mark.parametrize(("endpoint", "params", "field"), INVALID, ids=stable)
def test_an_invalid_filter_is_a_400_naming_the_parameter(endpoint, params, field):
    response = api_client(viewer()).get(url(endpoint), params)

    assert_error(response, 400, "invalid", fields=[field])


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("meetings", {"date_after": "2026-02-30"}),
        ("action-items", {"due_date_before": "99999-01-01"}),
    ],
)
def test_a_bad_date_is_refused_never_ignored(endpoint, params):
    response = api_client(viewer()).get(url(endpoint), params)

    error = assert_error(response, 400, "invalid")
    ((param, _value),) = params.items()
    assert any(param.startswith(name) for name in error["fields"])


# =========================================================================== pages


@pytest.fixture
def many_meetings(loaded):
    """120 meetings across the mechanisms, and 120 action items with owners and commitments."""
    mechanisms = list(DialogueMechanism.objects.order_by("slug"))
    meetings = Meeting.objects.bulk_create(
        Meeting(
            mechanism=mechanisms[n % len(mechanisms)],
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            place=f"Place {n}",
            state=MeetingState.HELD if n % 3 else MeetingState.PLANNED,
            side="india",
        )
        for n in range(120)
    )
    owners = [analyst(PILLAR) for _ in range(5)]
    targets = list(Commitment.objects.order_by("code")[:20])
    ActionItem.objects.bulk_create(
        ActionItem(
            meeting=meetings[n % 40],
            title=f"Item {n}",
            owner=owners[n % 5],
            commitment=targets[n % 20],
            due_date=days(n % 60),
            side="india",
        )
        for n in range(120)
    )
    return meetings


@pytest.mark.parametrize("endpoint", ["meetings", "action-items"])
def test_page_numbers_count_every_row(many_meetings, endpoint):
    client = api_client(viewer())

    first = client.get(url(endpoint), {"page_size": 50}).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (120, 50, None)
    rows = walk(client, url(endpoint), {"page_size": 50})
    assert len(rows) == len({row["id"] for row in rows}) == 120


@pytest.mark.parametrize("endpoint", ["meetings", "action-items"])
def test_cursor_pages_see_every_row_once_while_one_is_added_mid_walk(many_meetings, endpoint):
    client = api_client(viewer())
    added = []

    def add_one(pages):
        if pages == 2:
            meeting = make_meeting(date=datetime.date(2025, 9, 1))
            added.append(meeting if endpoint == "meetings" else make_action_item(meeting))

    rows = walk(client, url(endpoint), {"pagination": "cursor", "page_size": 10}, add_one)

    seen = Counter(row["id"] for row in rows)
    assert max(seen.values()) == 1
    model = Meeting if endpoint == "meetings" else ActionItem
    before = set(model.objects.exclude(pk=added[0].pk).values_list("id", flat=True))
    assert before <= set(seen)


def test_a_cursor_walk_includes_action_items_without_a_due_date(objects):
    for n in range(15):
        make_action_item(objects["meeting"], title=f"Item {n}", due_date=days(n) if n % 2 else None)

    rows = walk(api_client(viewer()), url("action-items"), {"pagination": "cursor", "page_size": 5})

    assert sorted(row["id"] for row in rows) == sorted(
        ActionItem.objects.values_list("id", flat=True)
    )


# =========================================================================== ETags


def test_meeting_updates_need_the_current_etag(objects):
    meeting = objects["meeting"]

    def bump():
        current = refreshed(meeting)
        services.meeting_update(
            meeting=current, actor=chief(), expected_version=current.version, place="Osaka"
        )

    assert_if_match_protocol(
        api_client(analyst(PILLAR)),
        api_client(chief()),
        url("meetings", meeting.pk),
        meeting,
        change={"outcome_summary": "Agreed a work plan."},
        lost={"outcome_summary": "Overwritten."},
        bump=bump,
    )


def test_action_item_updates_need_the_current_etag(objects):
    item = objects["item"]

    def bump():
        current = refreshed(item)
        services.action_item_update(
            action_item=current, actor=chief(), expected_version=current.version, title="New"
        )

    assert_if_match_protocol(
        api_client(analyst(PILLAR)),
        api_client(analyst(PILLAR)),
        url("action-items", item.pk),
        item,
        change={"description": "Share the draft by Friday."},
        lost={"description": "Overwritten."},
        bump=bump,
    )


# =========================================================================== refused input


MALFORMED = '{"state": "held", '
NOT_UTF8 = b'{"place": "\xff\xfe"}'
REFUSED_MEETING = [
    ({"mechanism": "economic-security-dialogue"}, None, 400, "invalid", "mechanism"),
    ({"place": "Delhi", "bogus": 1}, None, 400, "invalid", "bogus"),
    ({"version": 9}, None, 400, "invalid", "version"),
    ({"state": "adjourned"}, None, 400, "invalid", "state"),
    ({"date": "2026-02-30"}, None, 400, "invalid", "date"),
    ({"date": None}, None, 400, "invalid", "date"),
    (MALFORMED, "application/json", 400, "parse_error", None),
    (NOT_UTF8, "application/json", 400, "parse_error", None),
    ([{"place": "Delhi"}], None, 400, "invalid", "non_field_errors"),
    ("place=Delhi", "text/plain", 415, "unsupported_media_type", None),
]
REFUSED_ACTION_ITEM = [
    ({"meeting": 1}, None, 400, "invalid", "meeting"),
    ({"owner": "ghost"}, None, 400, "invalid", "owner"),
    ({"commitment": "XYZ-01"}, None, 400, "invalid", "commitment"),
    ({"state": "closed"}, None, 400, "invalid", "state"),
    ({"title": ""}, None, 400, "invalid", "title"),
    ({"completed_on": "2026-11-01"}, None, 400, "invalid", None),  # still open
    ({"title": "x", "bogus": 1}, None, 400, "invalid", "bogus"),
    (MALFORMED, "application/json", 400, "parse_error", None),
    ([{"title": "x"}], None, 400, "invalid", "non_field_errors"),
    ("title=x", "text/plain", 415, "unsupported_media_type", None),
]


@pytest.mark.parametrize(
    ("kind", "body", "content_type", "status", "code", "field"),
    [("meeting", *case) for case in REFUSED_MEETING]
    + [("item", *case) for case in REFUSED_ACTION_ITEM],
    ids=lambda v: stable(v)[:30],
)
def test_a_refused_patch_changes_nothing(objects, kind, body, content_type, status, code, field):
    target = objects[kind]
    path = url("meetings" if kind == "meeting" else "action-items", target.pk)
    before = world(objects)
    kwargs = {"content_type": content_type} if content_type else {"format": "json"}

    response = api_client(analyst(PILLAR)).patch(path, body, **kwargs, **if_match(target))

    assert_error(response, status, code, fields=[field] if field else None)
    assert world(objects) == before


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("meetings", {"mechanism": "nsa-consultations"}, "date"),
        ("meetings", {"mechanism": "atlantis", "date": "2026-12-01"}, "mechanism"),
        ("meetings", {"mechanism": "nsa-consultations", "date": "2026-12-01", "id": 1}, "id"),
        ("action-items", {"title": "No meeting"}, "meeting"),
        ("action-items", {"meeting": 0, "title": "Lost"}, "meeting"),
    ],
    ids=lambda v: stable(v)[:30],
)
def test_a_refused_create_adds_nothing(objects, endpoint, body, field):
    before = world(objects)

    response = api_client(analyst(PILLAR)).post(url(endpoint), body)

    assert_error(response, 400, "invalid", fields=[field])
    assert world(objects) == before


# =========================================================================== query counts


def queries_for(client, path: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(captured)


@pytest.mark.usefixtures("many_meetings")
@pytest.mark.parametrize("endpoint", ["meetings", "action-items"])
def test_listing_takes_as_many_queries_for_100_rows_as_for_10(endpoint):
    client = api_client(viewer())

    ten, hundred = (queries_for(client, url(endpoint), n) for n in (10, 100))

    assert ten == hundred
    assert hundred <= 6


def test_listing_the_mechanisms_takes_a_fixed_number_of_queries(objects):
    client = api_client(viewer())
    with CaptureQueriesContext(connection) as few:
        client.get(url("dialogues"))
    for slug in DialogueMechanism.objects.values_list("slug", flat=True):
        make_meeting(slug, date=datetime.date(2026, 4, 1), state=MeetingState.HELD)

    with CaptureQueriesContext(connection) as many:
        response = client.get(url("dialogues"))

    assert all(m["last_held"] == "2026-04-01" for m in response.json())
    assert len(many) == len(few) <= 8


# =========================================================================== reinforced by


def test_a_mechanism_names_the_commitment_that_reinforces_it_by_code():
    client = api_client(viewer())

    detail = client.get(url("dialogues", "coast-guard-commandant-meetings")).json()
    listed = {m["slug"]: m["reinforced_by"] for m in client.get(url("dialogues")).json()}

    assert detail["reinforced_by"] == "DIA-04"
    assert listed["coast-guard-commandant-meetings"] == "DIA-04"
    assert listed["joint-staffs-dialogue"] is None
