"""Input a client can get wrong: each is a clear 4xx naming what is wrong, never a 500.

Query strings, request bodies (too large, nested too deep, not UTF-8, not JSON, not an object,
a value out of place), dates at the ends of the calendar, and the pages' forms posted with a
NUL or 100 kB of text. A refusal changes nothing.
"""

import datetime
import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from calendar_feed.services import calendar_token_rotate
from commitments.models import Commitment, Milestone, StatusUpdate
from dialogues.models import ActionItem, Meeting
from tests.api_base import (
    api_client,
    assert_error,
    make_action_item,
    make_meeting,
    make_milestone,
    refreshed,
    snapshot,
    url,
)
from tests.factories import analyst, commitment, manager, viewer

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def client_of_analyst() -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(analyst("maritime"))
    return client


@pytest.mark.parametrize(
    ("path", "query", "parameter", "message"),
    [
        (
            "commitments",
            "updated_since=0837-04-24T23:02:48%2B21:15",
            "updated_since",
            "between -14:00 and +14:00",
        ),
        (
            "commitments",
            "updated_since=0001-01-01T00:00:00%2B14:00",
            "updated_since",
            "out of range",
        ),
        ("milestones", "updated_since=yesterday", "updated_since", "valid date/time"),
        ("commitments", "pillar=", "pillar", "Empty value"),
        ("commitments", "stale=null", "stale", "valid choice"),
        ("commitments", "milestone_due_within=0.5", "milestone_due_within", "whole number"),
        ("dialogues", "established=maybe", "established", "valid choice"),
        ("action-items", "meeting=1.5", "meeting", "whole number"),
        ("commitments", "search=%00", "search", "Null characters"),
    ],
)
def test_a_bad_query_value_is_a_400_naming_the_parameter(
    client_of_analyst, path, query, parameter, message
):
    response = client_of_analyst.get(f"/api/v1/{path}/?{query}")

    assert response.status_code == 400
    assert message in " ".join(response.json()["error"]["fields"][parameter])


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debugging"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/meetings/not-a-number/"),
        ("get", "/api/v1/nope/"),
        ("get", "/api/nothing"),
        ("get", "/api/"),
        ("post", "/api/v1/commitments/MAR-01/nope/"),
    ],
)
def test_an_unknown_api_path_answers_with_the_api_error_body(
    client_of_analyst, settings, debug, method, path
):
    """Whether debugging or not: Django's debug page is HTML, which no API client reads."""
    settings.DEBUG = debug

    response = getattr(client_of_analyst, method)(path)

    assert_error(response, 404, "not_found")
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debugging"])
def test_an_unknown_page_outside_the_api_stays_an_html_page(settings, debug):
    settings.DEBUG = debug
    client = Client()
    client.force_login(analyst("maritime"))

    response = client.get("/nope/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_api_path_missing_its_last_slash_is_still_redirected_to_it(client_of_analyst):
    response = client_of_analyst.get("/api/v1/commitments")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/commitments/"


def test_stale_lists_commitments_without_a_status_update_for_90_days(client_of_analyst):
    long_ago = timezone.now() - datetime.timedelta(days=100)
    Commitment.objects.filter(code__in=["MAR-01", "MAR-02"]).update(created_at=long_ago)
    client_of_analyst.post(
        "/api/v1/commitments/MAR-02/status-updates/",
        {"status": "on_track", "note": "Checked in."},
        format="json",
    )

    stale = client_of_analyst.get("/api/v1/commitments/?stale=true").json()
    fresh = client_of_analyst.get("/api/v1/commitments/?stale=false&page_size=500").json()

    assert [row["code"] for row in stale["results"]] == ["MAR-01"]
    assert fresh["count"] == Commitment.objects.count() - 1


def test_a_status_update_without_evidence_shows_no_link_rather_than_an_empty_one(
    client_of_analyst,
):
    response = client_of_analyst.post(
        "/api/v1/commitments/MAR-03/status-updates/",
        {"status": "at_risk", "note": "Berthing slots unconfirmed."},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["evidence_url"] is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"outcome_summary": 0}, "outcome_summary", "Must be a string."),
        ({"place": ["Tokyo"]}, "place", "Must be a string."),
    ],
)
def test_a_number_or_list_for_a_text_field_is_refused(client_of_analyst, body, field, message):
    from dialogues.models import Meeting

    before = Meeting.objects.count()
    response = client_of_analyst.post(
        "/api/v1/meetings/",
        {"mechanism": "coast-guard-commandant-meetings", "date": "2026-10-14", **body},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [message]
    assert Meeting.objects.count() == before


def test_an_empty_string_for_a_reference_is_refused_not_taken_as_none(client_of_analyst):
    response = client_of_analyst.post(
        "/api/v1/milestones/",
        {"commitment": "MAR-03", "title": "Step", "due_date": "2027-02-28", "owner": ""},
        format="json",
    )

    assert response.status_code == 400
    assert "send null for none" in response.json()["error"]["fields"]["owner"][0]
    assert not Commitment.objects.get(code="MAR-03").milestones.exists()


# =========================================================================== bodies


JSON = "application/json"
LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
MULTIPART = '--B\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--B--\r\n'


@pytest.fixture
def targets() -> dict:
    """A milestone, a meeting and an action item to write to, and an analyst who may."""
    meeting = make_meeting("coast-guard-commandant-meetings")
    user = analyst("maritime", "dialogue")
    return {
        "user": user,
        "client": api_client(user),
        "milestone": make_milestone("MAR-01"),
        "meeting": meeting,
        "item": make_action_item(meeting),
    }


def world(targets: dict) -> dict:
    """Everything the writes below could change."""
    return {
        "rows": [m.objects.count() for m in (Milestone, StatusUpdate, Meeting, ActionItem)],
        "objects": [
            snapshot(obj)
            for obj in (
                targets["milestone"],
                targets["meeting"],
                targets["item"],
                commitment("MAR-01"),
                commitment("MAR-03"),
            )
        ],
        "organisations": list(commitment("MAR-03").lead_organisations.values_list("pk")),
    }


WRITES = {
    "add a milestone": ("post", lambda t: url("milestones")),
    "change a milestone": ("patch", lambda t: url("milestones", t["milestone"].pk)),
    "update a status": ("post", lambda t: url("commitments", "MAR-03", "status-updates")),
    "change a commitment": ("patch", lambda t: url("commitments", "MAR-03")),
    "record a meeting": ("post", lambda t: url("meetings")),
    "change an action item": ("patch", lambda t: url("action-items", t["item"].pk)),
}
TARGET = {
    "change a milestone": "milestone",
    "change a commitment": "MAR-03",
    "change an action item": "item",
}


def send(targets: dict, write: str, body, content_type: str = JSON):
    """Send `body` (bytes, text, or an object as JSON) the way `write` goes, with If-Match."""
    method, path = WRITES[write]
    if not isinstance(body, str | bytes):
        body = json.dumps(body)
    target = TARGET.get(write)
    headers = {}
    if target:
        obj = commitment(target) if target == "MAR-03" else refreshed(targets[target])
        headers["HTTP_IF_MATCH"] = f'"{obj.version}"'
    return targets["client"].generic(
        method.upper(), path(targets), body, content_type=content_type, **headers
    )


BAD_BODIES = {
    "over the size limit": (json.dumps({"title": "x" * LIMIT}), JSON, 413, "request_too_large"),
    "arrays nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, JSON, 400, "parse_error"),
    "objects nested 50,000 deep": ('{"a":' * 50_000 + "1" + "}" * 50_000, JSON, 400, "parse_error"),
    "a field nested 500 deep": (
        '{"title": ' + "[" * 500 + "]" * 500 + "}",
        JSON,
        400,
        "parse_error",
    ),
    "invalid UTF-8": (b'{"title": "caf\xe9 \xff\xfe"}', JSON, 400, "parse_error"),
    "NaN": ('{"title": NaN}', JSON, 400, "parse_error"),
    # Valid JSON, but no text: an error naming the key could not even be written back.
    "a lone surrogate in a key": ('{"\\ud800": null}', JSON, 400, "parse_error"),
    "plain text": ("title=x", "text/plain", 415, "unsupported_media_type"),
    "a form": ("title=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    "multipart": (MULTIPART, "multipart/form-data; boundary=B", 415, "unsupported_media_type"),
}


@pytest.mark.parametrize("case", BAD_BODIES)
@pytest.mark.parametrize("write", WRITES)
def test_a_body_the_api_cannot_read_is_a_clear_4xx_changing_nothing(targets, write, case):
    body, content_type, status, code = BAD_BODIES[case]
    before = world(targets)

    response = send(targets, write, body, content_type)

    error = assert_error(response, status, code)
    assert world(targets) == before
    if status == 413:
        assert f"{LIMIT:,} bytes" in error["message"]


@pytest.mark.parametrize("body", ['[{"title": "x"}]', "42", '"title"', "true"])
@pytest.mark.parametrize("write", WRITES)
def test_a_json_body_that_is_not_an_object_is_refused(targets, write, body):
    before = world(targets)

    response = send(targets, write, body)

    error = assert_error(response, 400, "invalid", fields=["non_field_errors"])
    assert error["fields"]["non_field_errors"] == ["Send a JSON object with the fields to set."]
    assert world(targets) == before


MILESTONE = {"commitment": "MAR-01", "title": "Survey done", "due_date": "2027-02-28"}
MEETING = {"mechanism": "coast-guard-commandant-meetings", "date": "2026-10-14"}


@pytest.mark.parametrize(
    ("write", "body", "field", "message"),
    [
        ("add a milestone", {**MILESTONE, "title": "a\x00b"}, "title", "Null characters"),
        ("add a milestone", {**MILESTONE, "title": "a\ud800b"}, "title", "Surrogate characters"),
        ("add a milestone", {**MILESTONE, "weight": 10**40}, "weight", "less than or equal"),
        ("add a milestone", {**MILESTONE, "weight": -(10**40)}, "weight", "greater than or"),
        ("add a milestone", {**MILESTONE, "weight": 2.5}, "weight", "valid integer"),
        ("add a milestone", {**MILESTONE, "due_date": "10000-01-01"}, "due_date", "wrong format"),
        ("add a milestone", {**MILESTONE, "due_date": "0000-01-01"}, "due_date", "wrong format"),
        ("add a milestone", {**MILESTONE, "due_date": 20270228}, "due_date", "wrong format"),
        ("change a milestone", {"owner": "a\x00b"}, "owner", "Invalid value"),
        ("change a milestone", {"completed_on": {"y": 2027}}, "completed_on", "wrong format"),
        ("update a status", {"status": "on_track", "note": "\x00"}, "note", "Null characters"),
        ("update a status", {"status": ["on_track"], "note": "x"}, "status", "not a valid"),
        ("change a commitment", {"description": "\udfff"}, "description", "Surrogate"),
        (
            "change a commitment",
            {"lead_organisations": {"in-navy": 1}},
            "lead_organisations",
            "Must be a list",
        ),
        (
            "change a commitment",
            {"lead_organisations": "in-navy"},
            "lead_organisations",
            "Must be a list",
        ),
        ("change a commitment", {"start_date": "2026-02-30"}, "start_date", "wrong format"),
        ("record a meeting", {**MEETING, "place": "Delhi\x00"}, "place", "Null characters"),
        ("record a meeting", {**MEETING, "date": "-2026-10-14"}, "date", "wrong format"),
        ("record a meeting", {**MEETING, "outcome_summary": {"a": 1}}, "outcome_summary", "string"),
        ("change an action item", {"meeting": 2**63}, "meeting", "read-only"),
        ("change an action item", {"title": "x" * 256}, "title", "no more than 255"),
        ("change an action item", {"due_date": None, "state": None}, "state", "may not be null"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_a_value_out_of_place_is_a_400_naming_its_field(targets, write, body, field, message):
    before = world(targets)

    response = send(targets, write, body)

    error = assert_error(response, 400, "invalid", fields=[field])
    assert message in " ".join(error["fields"][field]), error
    assert world(targets) == before


def test_a_huge_meeting_number_for_an_action_item_is_a_400_not_a_500(targets):
    before = world(targets)

    response = targets["client"].post(url("action-items"), {"meeting": 2**63, "title": "x"})

    error = assert_error(response, 400, "invalid", fields=["meeting"])
    assert "does not exist" in error["fields"]["meeting"][0]
    assert world(targets) == before


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("page_size=" + "9" * 30, 400, "page_size"),
        ("page_size=" + "9" * 5000, 400, "page_size"),
        ("page_size=-1", 400, "page_size"),
        ("pagination=cursor&page_size=" + "9" * 30, 400, "page_size"),
        ("page=" + "9" * 30, 404, None),
        ("page=" + "9" * 5000, 404, None),
        ("page=-1", 404, None),
        ("pagination=cursor&cursor=not-a-cursor", 404, None),
    ],
    ids=lambda value: str(value)[:40],
)
def test_a_huge_or_negative_page_is_a_clear_4xx(client_of_analyst, query, status, field):
    response = client_of_analyst.get(f"/api/v1/milestones/?{query}")

    assert_error(response, status, fields=[field] if field else None)


# =========================================================================== dates at the ends


API_PAGES = [url("dialogues"), url("dialogues", "nsa-consultations"), url("dashboard")]
PAGES = ["/", "/dialogues/", "/dialogues/nsa-consultations/"]


def test_a_meeting_held_at_the_end_of_the_calendar_leaves_the_pages_working():
    writer = api_client(analyst("dialogue"))
    reader = viewer()
    browser = Client(raise_request_exception=False)
    browser.force_login(reader)
    api = api_client(reader, raise_request_exception=False)

    recorded = writer.post(
        url("meetings"), {"mechanism": "nsa-consultations", "date": "9999-12-31", "state": "held"}
    )

    assert recorded.status_code in (201, 400)
    answers = {path: api.get(path).status_code for path in API_PAGES}
    answers |= {path: browser.get(path).status_code for path in PAGES}
    assert answers == dict.fromkeys(answers, 200)


@pytest.mark.parametrize("write", ["milestones", "meetings"])
def test_a_date_at_the_end_of_the_calendar_leaves_the_calendar_feed_working(write):
    writer = api_client(analyst("maritime", "dialogue"))
    body = {
        "milestones": {**MILESTONE, "due_date": "9999-12-31"},
        "meetings": {**MEETING, "date": "9999-12-31"},
    }[write]
    token = calendar_token_rotate(user=viewer())

    recorded = writer.post(url(write), body)
    feed = APIClient(raise_request_exception=False).get(
        "/api/v1/calendar.ics", {"token": token.key}
    )

    assert recorded.status_code in (201, 400)
    assert feed.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_milestone_due_at_either_end_of_the_calendar_leaves_its_pages_working(day):
    writer = api_client(analyst("maritime"))
    browser = Client()
    browser.force_login(manager())

    created = writer.post(url("milestones"), {**MILESTONE, "title": "Far off", "due_date": day})

    assert created.status_code == 201, created.json()
    assert writer.get(url("milestones"), {"milestone_state": "overdue"}).status_code == 200
    for path in ["/", "/commitments/MAR-01/", "/commitments/", "/commitments/export.xlsx"]:
        assert browser.get(path).status_code == 200, path


# =========================================================================== page forms


LONG = "x" * 100_000


@pytest.fixture
def pages(targets) -> dict:
    """The browser of the analyst of `targets`, and the forms it can post."""
    browser = Client()
    browser.force_login(targets["user"])
    milestone, meeting, item = targets["milestone"], targets["meeting"], targets["item"]
    dates = {"due_date": "2027-02-28", "weight": "1"}
    return {
        "browser": browser,
        "add a milestone": ("/commitments/MAR-01/milestones/", dates, "title", "id_title"),
        "edit a milestone": (
            f"/commitments/MAR-01/milestones/{milestone.pk}/edit/",
            {**dates, "version": milestone.version},
            "title",
            "id_title",
        ),
        "update a status": (
            "/commitments/MAR-03/status/",
            {"status": "on_track", "version": commitment("MAR-03").version},
            "note",
            "id_note",
        ),
        "record a meeting": (
            "/dialogues/coast-guard-commandant-meetings/meetings/",
            {"date": "2026-10-14", "state": "planned"},
            "place",
            "id_place",
        ),
        "edit a meeting": (
            f"/dialogues/meetings/{meeting.pk}/edit/",
            {"date": "2026-10-14", "state": "held", "version": meeting.version},
            "outcome_summary",
            "id_meeting_outcome_summary",
        ),
        "add an action item": (
            f"/dialogues/meetings/{meeting.pk}/action-items/",
            {"description": "Draft it."},
            "title",
            "id_new_item_title",
        ),
        "edit an action item": (
            f"/dialogues/action-items/{item.pk}/edit/",
            {"title": "Draft", "state": "open", "version": item.version},
            "description",
            "id_description",
        ),
    }


FORM_POSTS = [
    "add a milestone",
    "edit a milestone",
    "update a status",
    "record a meeting",
    "edit a meeting",
    "add an action item",
    "edit an action item",
]


@pytest.mark.parametrize(
    ("value", "message"),
    [("a\x00b", "Null characters are not allowed."), (LONG, "(it has 100000)")],
    ids=["NUL", "100 kB"],
)
@pytest.mark.parametrize("form", FORM_POSTS)
def test_a_form_post_with_a_nul_or_100_kb_of_text_is_answered_beside_the_field(
    targets, pages, form, value, message
):
    path, data, field, field_id = pages[form]
    before = world(targets)

    response = pages["browser"].post(path, {**data, field: value})

    assert response.status_code == 200
    html = response.content.decode()
    error_at = html.index(f'<small class="error" id="{field_id}_error" role="alert">')
    assert message in html[error_at : error_at + 300]
    assert html.index(f'id="{field_id}"') < error_at
    assert world(targets) == before


def test_a_form_post_over_the_size_limit_is_a_400_not_a_500(targets, pages):
    path, data, field, _field_id = pages["add a milestone"]
    before = world(targets)

    response = pages["browser"].post(path, {**data, field: "x" * LIMIT})

    assert response.status_code == 400
    assert world(targets) == before
