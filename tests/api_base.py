"""What every REST API test needs, in the spirit of NetBox's APIViewTestCases.

- the roles, as factories taking the slug of the pillar the object under test belongs to;
- `api_client(user)`: a client that signs in as a real API client does, with a DRF token in
  an `Authorization: Token KEY` header (never `force_authenticate`);
- `assert_error(...)`: the one error body, `{"error": {"status", "code", "message", "fields"}}`;
- small builders for milestones, meetings and action items, through the services.
"""

import datetime
from collections.abc import Callable

from django.utils import timezone
from rest_framework.test import APIClient

from access.apikeys import api_key_create
from access.models import ApiKey
from commitments import services
from commitments.models import User
from dialogues import services as dialogue_services
from dialogues.models import ActionItem, DialogueMechanism, Meeting
from tests.factories import UserFactory, analyst, chief, commitment, days, manager, viewer

API = "/api/v1/"


def url(*parts: object) -> str:
    """`url("commitments", "MAR-01")` → `/api/v1/commitments/MAR-01/`."""
    return API + "".join(f"{part}/" for part in parts)


# --------------------------------------------------------------------------- roles


def other_pillar(pillar: str) -> str:
    return "defence" if pillar != "defence" else "maritime"


ROLES: dict[str, Callable[[str], User | None]] = {
    "anonymous": lambda pillar: None,
    "no role": lambda pillar: UserFactory(),
    "viewer": lambda pillar: viewer(),
    "manager": lambda pillar: manager(),
    "analyst of the pillar": lambda pillar: analyst(pillar),
    "analyst elsewhere": lambda pillar: analyst(other_pillar(pillar)),
    "chief of the side": lambda pillar: chief(),
}
READERS = ("viewer", "manager", "analyst of the pillar", "analyst elsewhere", "chief of the side")
WRITERS = ("analyst of the pillar", "chief of the side")


def make_user(role: str, pillar: str = "maritime") -> User | None:
    """A fresh user holding `role`, for an object of `pillar`; None for anonymous."""
    return ROLES[role](pillar)


def read_status(role: str) -> int:
    """What a GET answers each role: 401 without credentials, 403 without a role, else 200."""
    return {"anonymous": 401, "no role": 403}.get(role, 200)


def write_status(role: str, success: int, writers: tuple[str, ...] = WRITERS) -> int:
    """What a write answers each role: `success` for `writers`, 401 anonymous, else 403."""
    if role == "anonymous":
        return 401
    return success if role in writers else 403


# --------------------------------------------------------------------------- clients


def token_for(user: User) -> str:
    """A read-write API key for `user`, as `api_key_create` makes one (one per user and test)."""
    cached = getattr(user, "_test_api_key", None)
    if cached is None:
        key, cached = api_key_create(user)
        # As a client that used its key this minute: a key's first use in a minute records it
        # (one UPDATE, tests/test_api_keys.py), which the query counts of a request leave out.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        user._test_api_key = cached
    return cached


def api_client(user: User | None = None, *, raise_request_exception: bool = True) -> APIClient:
    """A client sending `Authorization: Token KEY` for `user`, or no credentials at all."""
    client = APIClient(raise_request_exception=raise_request_exception)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


# --------------------------------------------------------------------------- error bodies


def assert_error(
    response,
    status: int,
    code: str | None = None,
    fields: tuple[str, ...] | list[str] | set[str] | None = None,
) -> dict:
    """Assert the response is the API's one error body with `status`; return its `error`.

    `fields`, if given, must all be named in `error.fields`, each with at least one message.
    """
    assert response.status_code == status, (response.status_code, _body(response))
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"status", "code", "message"} <= set(error) <= {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"].strip()
    if code is not None:
        assert error["code"] == code, error
    if "fields" in error:
        assert isinstance(error["fields"], dict) and error["fields"]
        for messages in error["fields"].values():
            assert isinstance(messages, list) and messages
            assert all(isinstance(m, str) and m for m in messages)
    if fields is not None:
        assert set(fields) <= set(error.get("fields", {})), error
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"
    return error


def _body(response):
    try:
        return response.json()
    except (ValueError, TypeError):
        return getattr(response, "content", b"")[:500]


def codes(response) -> list[str]:
    """The commitment codes of a page of results, in order."""
    assert response.status_code == 200, _body(response)
    return [row["code"] for row in response.json()["results"]]


def walk(client: APIClient, first_url: str, params: dict | None = None, each_page=None):
    """Follow `next` links from `first_url` until there is none; return every row seen."""
    rows, pages = [], 0
    response = client.get(first_url, params or {})
    while True:
        assert response.status_code == 200, _body(response)
        body = response.json()
        rows.extend(body["results"])
        pages += 1
        if each_page is not None:
            each_page(pages)
        if not body["next"]:
            return rows
        assert pages < 200, "the next links never end"
        response = client.get(body["next"])


def snapshot(obj) -> dict:
    """The row of `obj` as the database holds it now, to show a refused write changed nothing."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


# --------------------------------------------------------------------------- objects


def make_milestone(code: str = "MAR-01", title: str = "Port call plan agreed", **fields):
    fields.setdefault("due_date", days(60))
    return services.milestone_create(
        commitment=commitment(code), actor=chief(), title=title, **fields
    )


def mechanism(slug: str = "nsa-consultations") -> DialogueMechanism:
    return DialogueMechanism.objects.select_related("pillar").get(slug=slug)


def make_meeting(slug: str = "nsa-consultations", **fields) -> Meeting:
    fields.setdefault("date", datetime.date(2026, 3, 10))
    fields.setdefault("place", "Tokyo")
    return dialogue_services.meeting_create(mechanism=mechanism(slug), actor=chief(), **fields)


def make_action_item(meeting: Meeting | None = None, **fields) -> ActionItem:
    fields.setdefault("title", "Draft terms of reference")
    return dialogue_services.action_item_create(
        meeting=meeting or make_meeting(), actor=chief(), **fields
    )


def refreshed(obj):
    return type(obj).objects.get(pk=obj.pk)


# --------------------------------------------------------------------------- ETags


def assert_if_match_protocol(
    writer: APIClient, other: APIClient, path: str, obj, change: dict, lost: dict, bump
):
    """Walk PATCHes of `path` through If-Match: missing 428, stale 412, current 200, lost 412.

    `change` and `lost` are one-field PATCH bodies (the writer's and the slower client's);
    `bump()` changes `obj` behind the clients' backs.
    """
    ((field, value),) = change.items()
    first = writer.get(path)
    assert first.status_code == 200
    seen = first["ETag"]
    assert seen == f'"{first.json()["version"]}"'
    before = snapshot(obj)

    assert_error(writer.patch(path, change), 428, "precondition_required")
    assert snapshot(obj) == before

    bump()
    before = snapshot(obj)
    assert_error(writer.patch(path, change, HTTP_IF_MATCH=seen), 412, "precondition_failed")
    assert snapshot(obj) == before

    current = writer.get(path)["ETag"]
    assert current != seen
    read_by_other = other.get(path)["ETag"]
    assert read_by_other == current

    updated = writer.patch(path, change, HTTP_IF_MATCH=current)
    assert updated.status_code == 200, updated.json()
    assert updated.json()[field] == value
    assert updated["ETag"] not in (seen, current)
    assert writer.get(path)["ETag"] == updated["ETag"]
    after = snapshot(obj)

    error = assert_error(
        other.patch(path, lost, HTTP_IF_MATCH=read_by_other), 412, "precondition_failed"
    )
    assert "changed" in error["message"]
    assert snapshot(obj) == after
    assert other.get(path).json()[field] == value
