"""Property-based tests of every write: whatever a client sends, a clear answer and no half-write.

Hypothesis builds JSON bodies for the API's writes (milestones, status updates, commitments,
meetings, action items) and form posts for the pages' forms (milestones, meetings, action items):
any JSON value in any field — text with NUL, lone surrogates, control characters, markup and any
Unicode; huge and negative numbers, floats, nulls, lists, nested objects; dates out of range or
in the wrong format — beside values that make sense. Whatever comes:

- the API answers 2xx or 4xx, never 5xx; a 4xx is the one error body and names only fields
  the endpoint has (or the client sent); a page answers the form again with its errors beside
  the fields, or moves on;
- a refusal changes nothing: no row, no version, no trail entry;
- an accepted write stores the text as sent, less surrounding white space (the documented
  stripping), and the page that shows it shows it escaped.
"""

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db.models import Model
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from commitments.api.serializers import (
    CommitmentUpdateSerializer,
    MilestoneSerializer,
    StatusUpdateCreateSerializer,
)
from commitments.choices import LeadSide, Priority, Status
from commitments.models import Commitment, Milestone, StatusUpdate, User
from dialogues.api.serializers import ActionItemSerializer, MeetingSerializer
from dialogues.choices import ActionItemState, MeetingState
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
from tests.factories import UserFactory, analyst, commitment
from tests.test_properties import SETTINGS, TEXT

pytestmark = pytest.mark.usefixtures("loaded")
WRITES = settings(
    SETTINGS,
    max_examples=25,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

OWNER = "owner"
MARKUP = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "</td></table><b>bold</b>",
        "{{ request.user }} {% csrf_token %}",
        "a & b < c > d \" e ' f",
        "\u202egnp.exe",
        "\x07\x1b[31mred\x7f",
    ]
)
# Markup that, shown unescaped, would run or change the page.
ACTIVE = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>bold</b>")
# White space that str.strip() takes off (as the forms and serializers do), and some it keeps.
PADDING = st.sampled_from(["", " ", "\t", "\r\n", "\u00a0", "\u3000", "\u2028", "\x1f", "\u200b"])
# Text a person types, with markup mixed in and white space around it.
TYPED = st.one_of(TEXT, MARKUP, st.tuples(PADDING, TEXT, MARKUP, TEXT, PADDING).map("".join))
# Whatever a JSON string holds: NUL, control characters, lone surrogates (sent as \\ud800).
ANY_TEXT = st.text(st.characters(), max_size=40)
# Whatever a form post holds: the same but for surrogates, which no UTF-8 post can carry.
FORM_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ANY_TEXT),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=6,
)
DATES = st.dates().map(datetime.date.isoformat)
BAD_DATES = st.sampled_from(
    [
        "0000-01-01",
        "10000-01-01",
        "-0001-01-01",
        "2026-02-30",
        "2026-13-01",
        "2026/01/01",
        "01.02.2026",
        "2026-01-01T00:00:00Z",
        " 2026-01-01",
        "２０２６-０１-０１",
        "",
    ]
)


@dataclass(frozen=True)
class Field:
    """The values of one field: those a careful client sends, and some it gets wrong."""

    good: st.SearchStrategy
    wrong: st.SearchStrategy


def pick(good: list, wrong: list) -> Field:
    return Field(st.sampled_from(good), st.sampled_from(wrong))


TEXT_FIELD = Field(TYPED, ANY_TEXT)
DATE_FIELD = Field(DATES, BAD_DATES)
OPTIONAL_DATE = Field(st.none() | DATES, BAD_DATES)
USER_FIELD = pick([OWNER, None], ["ghost", ""])


def bodies(fields: dict[str, Field], required, junk, text) -> st.SearchStrategy:
    """Bodies a careful client sends (the required fields, some others, all good) and
    anything at all: each field good, wrong or `junk`, and a `text`-named field of `junk`."""
    careful = st.fixed_dictionaries(
        {name: fields[name].good for name in required},
        optional={name: f.good for name, f in fields.items() if name not in required},
    )
    careless = st.fixed_dictionaries(
        {}, optional={name: st.one_of(f.good, f.wrong, junk) for name, f in fields.items()}
    )
    extra = st.dictionaries(text, junk, max_size=1)
    return st.one_of(careful, st.builds(lambda body, more: {**more, **body}, careless, extra))


@dataclass
class Objects:
    """What the writes are aimed at, and the analyst who may write all of it."""

    user: User
    owner: User
    milestone: Milestone
    meeting: Meeting
    item: ActionItem

    def world(self) -> dict:
        """Everything a write could change."""
        return {
            "rows": [
                model.objects.count()
                for model in (Commitment, Milestone, StatusUpdate, Meeting, ActionItem)
            ],
            "objects": [
                snapshot(obj)
                for obj in (self.milestone, self.meeting, self.item, *self.commitments())
            ],
            "organisations": sorted(
                commitment("MAR-03").lead_organisations.values_list("slug", flat=True)
            ),
        }

    @staticmethod
    def commitments():
        return Commitment.objects.filter(code__in=["MAR-01", "MAR-02", "MAR-03", "DEF-01"])


@pytest.fixture
def objects() -> Objects:
    return Objects(
        user=analyst("maritime", "dialogue"),
        owner=UserFactory(username=OWNER),
        milestone=make_milestone("MAR-01"),
        meeting=make_meeting("coast-guard-commandant-meetings"),
        item=make_action_item(make_meeting("nsa-consultations", date=datetime.date(2026, 5, 1))),
    )


# --------------------------------------------------------------------------- what to check


def text_lines(text: str) -> list[str]:
    """The pieces of `text` a page shows whole, whether it breaks lines into <br> or not."""
    return [piece for piece in re.split(r"[\r\n]+", text) if piece]


def assert_shown_escaped(client: Client, path: str, texts: list[str]) -> None:
    html = client.get(path).content.decode()
    for text in texts:
        for piece in text_lines(text):
            assert escape(piece) in html, (path, piece)
        for active in ACTIVE:
            if active in text:
                assert active not in html, (path, active)


def assert_kept_as_sent(obj: Model, sent: dict, texts: tuple[str, ...]) -> list[str]:
    """Each text sent is stored as sent, stripped of surrounding white space; return them."""
    kept = []
    for name in texts:
        if isinstance(sent.get(name), str):
            assert getattr(refreshed(obj), name) == sent[name].strip(), name
            kept.append(sent[name].strip())
    return kept


# --------------------------------------------------------------------------- API writes


def as_sent(value):
    return value.strip() if isinstance(value, str) else value


def slugs(value):
    """Organisations as sent (slugs) or shown (objects), in order, once each."""
    if not isinstance(value, list):
        return value
    return sorted({o["slug"] if isinstance(o, dict) else o for o in value})


@dataclass
class Write:
    """One of the API's writes: where it goes, the body it takes, where its text is shown."""

    method: str
    path: Callable[[Objects], str]
    serializer: type
    fields: dict[str, Field]
    required: tuple[str, ...]
    texts: tuple[str, ...]
    written: Callable[[Objects, dict], Model]
    page: Callable[[Model], str]
    # Fields the answer shows back as they were sent, and how to compare them.
    echoed: dict[str, Callable]

    def headers(self, objects: Objects) -> dict:
        if self.method == "post":
            return {}
        return {"HTTP_IF_MATCH": f'"{refreshed(self.written(objects, {})).version}"'}


def _created(model):
    return lambda objects, answer: model.objects.get(pk=answer["id"])


def _commitment_page(obj) -> str:
    return f"/commitments/{obj.commitment.code}/"


def _meeting_page(meeting: Meeting) -> str:
    return f"/dialogues/meetings/{meeting.pk}/"


def _item_page(item: ActionItem) -> str:
    return f"/dialogues/meetings/{item.meeting_id}/"


MILESTONE = {
    "title": TEXT_FIELD,
    "due_date": DATE_FIELD,
    "owner": USER_FIELD,
    "weight": Field(st.integers(1, 100), st.integers(-5, 105) | st.sampled_from(["5", 1.0])),
    "completed_on": OPTIONAL_DATE,
}
MEETING = {
    "date": DATE_FIELD,
    "place": TEXT_FIELD,
    "state": pick(MeetingState.values, ["adjourned", "HELD"]),
    "outcome_summary": TEXT_FIELD,
}
ACTION_ITEM = {
    "title": TEXT_FIELD,
    "description": TEXT_FIELD,
    "owner": USER_FIELD,
    "due_date": OPTIONAL_DATE,
    "state": pick(ActionItemState.values, ["closed"]),
    "completed_on": OPTIONAL_DATE,
    "commitment": pick(["MAR-02", None], ["XYZ-01", "", "mar-02"]),
}
SAME = {"title": as_sent, "description": as_sent, "owner": as_sent, "state": as_sent}
API_WRITES = {
    "add a milestone": Write(
        "post",
        lambda o: url("milestones"),
        MilestoneSerializer,
        {"commitment": pick(["MAR-01", "MAR-02"], ["DEF-01", "XYZ-01", ""]), **MILESTONE},
        ("commitment", "title", "due_date"),
        ("title",),
        _created(Milestone),
        _commitment_page,
        {**SAME, "commitment": as_sent},
    ),
    "change a milestone": Write(
        "patch",
        lambda o: url("milestones", o.milestone.pk),
        MilestoneSerializer,
        MILESTONE,
        (),
        ("title",),
        lambda o, answer: o.milestone,
        _commitment_page,
        SAME,
    ),
    "update a status": Write(
        "post",
        lambda o: url("commitments", "MAR-03", "status-updates"),
        StatusUpdateCreateSerializer,
        {
            "status": pick(Status.values, ["sinking", "AT_RISK"]),
            "note": TEXT_FIELD,
            "evidence_url": Field(
                st.sampled_from(["https://example.org/minutes", ""]),
                st.sampled_from(["javascript:alert(1)", "example.org", "http://"]) | ANY_TEXT,
            ),
            "progress": Field(st.integers(0, 100), st.integers()),
        },
        ("status", "note"),
        ("note",),
        _created(StatusUpdate),
        _commitment_page,
        {"note": as_sent, "evidence_url": lambda link: as_sent(link) or None},
    ),
    "change a commitment": Write(
        "patch",
        lambda o: url("commitments", "MAR-03"),
        CommitmentUpdateSerializer,
        {
            "title": TEXT_FIELD,
            "description": TEXT_FIELD,
            "lead_side": pick(LeadSide.values, ["both", "JOINT"]),
            "lead_organisations": Field(
                st.lists(st.sampled_from(["in-navy", "jp-jcg"]), max_size=3),
                st.lists(st.sampled_from(["ghost", "", "in-navy"]), min_size=1, max_size=3),
            ),
            "responsible": USER_FIELD,
            "priority": pick(Priority.values, ["urgent"]),
            "start_date": OPTIONAL_DATE,
            "target_date": OPTIONAL_DATE,
        },
        (),
        ("title", "description"),
        lambda o, answer: commitment("MAR-03"),
        lambda c: f"/commitments/{c.code}/",
        {**SAME, "lead_organisations": slugs},
    ),
    "record a meeting": Write(
        "post",
        lambda o: url("meetings"),
        MeetingSerializer,
        {"mechanism": pick(["coast-guard-commandant-meetings"], ["atlantis", ""]), **MEETING},
        ("mechanism", "date"),
        ("place", "outcome_summary"),
        _created(Meeting),
        _meeting_page,
        {"mechanism": as_sent, "place": as_sent, "outcome_summary": as_sent, **SAME},
    ),
    "change a meeting": Write(
        "patch",
        lambda o: url("meetings", o.meeting.pk),
        MeetingSerializer,
        MEETING,
        (),
        ("place", "outcome_summary"),
        lambda o, answer: o.meeting,
        _meeting_page,
        {"place": as_sent, "outcome_summary": as_sent, **SAME},
    ),
    "add an action item": Write(
        "post",
        lambda o: url("action-items"),
        ActionItemSerializer,
        {"meeting": pick(["MEETING"], [0, -1, 2**63, "1.5"]), **ACTION_ITEM},
        ("meeting", "title"),
        ("title", "description"),
        _created(ActionItem),
        _item_page,
        {**SAME, "commitment": as_sent},
    ),
    "change an action item": Write(
        "patch",
        lambda o: url("action-items", o.item.pk),
        ActionItemSerializer,
        ACTION_ITEM,
        (),
        ("title", "description"),
        lambda o, answer: o.item,
        _item_page,
        {**SAME, "commitment": as_sent},
    ),
}


@pytest.mark.parametrize("write", API_WRITES.values(), ids=API_WRITES)
@WRITES
@given(data=st.data())
def test_an_api_write_is_kept_as_sent_or_refused_changing_nothing(objects, write, data):
    body = data.draw(bodies(write.fields, write.required, JSON_VALUES, ANY_TEXT), label="body")
    if body.get("meeting") == "MEETING":
        body["meeting"] = objects.meeting.pk
    before = objects.world()

    response = api_client(objects.user).generic(
        write.method.upper(),
        write.path(objects),
        json.dumps(body),
        content_type="application/json",
        **write.headers(objects),
    )

    event(f"answered {response.status_code}")
    assert response.status_code < 500
    if response.status_code >= 400:
        error = assert_error(response, response.status_code)
        body_fields = set(write.serializer().fields) | {"non_field_errors"}
        assert set(error.get("fields", {})) <= body_fields | set(body), error
        assert objects.world() == before
        return
    answer = response.json()
    for name, shown in write.echoed.items():
        if name in body:
            assert shown(answer[name]) == shown(body[name]), name
    written = write.written(objects, answer)
    kept = assert_kept_as_sent(written, body, write.texts)
    page = Client()
    page.force_login(objects.user)
    assert_shown_escaped(page, write.page(refreshed(written)), kept)


# --------------------------------------------------------------------------- page forms


@dataclass
class FormPost:
    """One of the pages' forms: where it posts, what it takes, where its errors show."""

    path: Callable[[Objects], str]
    fields: dict[str, Field]
    texts: tuple[str, ...]
    context: str  # the name of the form in the page's context
    written: Callable[[Objects], Model]
    page: Callable[[Model], str]
    versioned: Callable[[Objects], Model] | None = None

    def posts(self, objects: Objects) -> st.SearchStrategy:
        """What a browser posts: the fields as typed (or some left out or mangled, as a script
        might post them), and the version the page was loaded at."""
        versioned = self.versioned and refreshed(self.versioned(objects))
        loaded = {"version": versioned.version} if versioned else {}
        fields = bodies(self.fields, tuple(self.fields), FORM_TEXT, st.just("unknown"))
        return fields.map(lambda post: {**post, **loaded})


def _newest(model):
    return lambda objects: model.objects.latest("pk")


# "0" stands for a real choice (see with_real_choices); the others name none.
CHOSEN = pick(["", "0"], ["999999999", "1.5", "-1"])
FORM_TYPED = Field(TYPED, FORM_TEXT)
FORM_MILESTONE = {
    "title": FORM_TYPED,
    "due_date": Field(DATES, BAD_DATES),
    "owner": CHOSEN,
    "weight": Field(st.integers(1, 100).map(str), st.integers().map(str) | st.just("")),
}
FORM_MEETING = {
    "date": Field(DATES, BAD_DATES),
    "place": FORM_TYPED,
    "state": pick(MeetingState.values, ["adjourned"]),
    "outcome_summary": FORM_TYPED,
}
FORM_ACTION_ITEM = {
    "title": FORM_TYPED,
    "description": FORM_TYPED,
    "owner": CHOSEN,
    "due_date": Field(st.just("") | DATES, BAD_DATES),
    "commitment": CHOSEN,
}
FORMS = {
    "add a milestone": FormPost(
        lambda o: "/commitments/MAR-01/milestones/",
        FORM_MILESTONE,
        ("title",),
        "milestone_form",
        _newest(Milestone),
        _commitment_page,
    ),
    "edit a milestone": FormPost(
        lambda o: f"/commitments/MAR-01/milestones/{o.milestone.pk}/edit/",
        FORM_MILESTONE,
        ("title",),
        "form",
        lambda o: o.milestone,
        _commitment_page,
        lambda o: o.milestone,
    ),
    "record a meeting": FormPost(
        lambda o: "/dialogues/coast-guard-commandant-meetings/meetings/",
        FORM_MEETING,
        ("place", "outcome_summary"),
        "form",
        _newest(Meeting),
        _meeting_page,
    ),
    "edit a meeting": FormPost(
        lambda o: f"/dialogues/meetings/{o.meeting.pk}/edit/",
        FORM_MEETING,
        ("place", "outcome_summary"),
        "meeting_form",
        lambda o: o.meeting,
        _meeting_page,
        lambda o: o.meeting,
    ),
    "add an action item": FormPost(
        lambda o: f"/dialogues/meetings/{o.meeting.pk}/action-items/",
        FORM_ACTION_ITEM,
        ("title", "description"),
        "item_form",
        _newest(ActionItem),
        _item_page,
    ),
    "edit an action item": FormPost(
        lambda o: f"/dialogues/action-items/{o.item.pk}/edit/",
        {
            **FORM_ACTION_ITEM,
            "state": pick(ActionItemState.values, ["closed"]),
            "completed_on": Field(st.just("") | DATES, BAD_DATES),
        },
        ("title", "description"),
        "form",
        lambda o: o.item,
        _item_page,
        lambda o: o.item,
    ),
    "update a status": FormPost(
        lambda o: "/commitments/MAR-03/status/",
        {
            "status": pick(Status.values, ["sinking"]),
            "note": FORM_TYPED,
            "evidence_url": Field(
                st.sampled_from(["https://example.org/minutes", "example.org/minutes", ""]),
                st.sampled_from(["javascript:alert(1)", "http://"]) | FORM_TEXT,
            ),
            "progress": Field(st.integers(0, 100).map(str) | st.just(""), st.integers().map(str)),
        },
        ("note",),
        "status_form",
        _newest(StatusUpdate),
        _commitment_page,
        lambda o: commitment("MAR-03"),
    ),
}


def with_real_choices(post: dict, objects: Objects) -> dict:
    """Point "0" at a real owner (one with a role) or commitment, so that some posts pick one."""
    real = {"owner": objects.user.pk, "commitment": commitment("MAR-02").pk}
    return {k: str(real[k]) if k in real and v == "0" else v for k, v in post.items()}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS)
@WRITES
@given(data=st.data())
def test_a_form_post_is_kept_as_typed_or_answered_with_errors_beside_the_fields(
    objects, form, data
):
    post = with_real_choices(data.draw(form.posts(objects), label="post"), objects)
    browser = Client()
    browser.force_login(objects.user)
    before = objects.world()

    response = browser.post(form.path(objects), post)

    event(f"answered {response.status_code}")
    if response.status_code == 200:
        shown = response.context[form.context]
        html = response.content.decode()
        assert shown.errors, "a form answered again must say why"
        for name in shown.errors:
            if name == "__all__":
                assert '<p class="error" role="alert">' in html
            else:
                assert f'id="{shown[name].auto_id}_error"' in html, name
        assert objects.world() == before
        return
    assert response.status_code == 302, response.status_code
    written = form.written(objects)
    kept = assert_kept_as_sent(written, post, form.texts)
    assert_shown_escaped(browser, form.page(refreshed(written)), kept)
