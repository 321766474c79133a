"""The dialogue pages: who reads them, who writes through them, and what a refusal looks like."""

import datetime
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from commitments.models import User
from dialogues import services
from dialogues.choices import ActionItemState, MeetingState
from dialogues.models import ActionItem, DialogueMechanism, Meeting
from tests.factories import NSA, analyst, chief, commitment, days, manager, nsa, viewer

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def item(meeting, editor):
    return services.action_item_create(
        meeting=meeting,
        actor=editor,
        title="Draft terms of reference",
        due_date=days(10),
        owner=editor,
        commitment=commitment("DIA-01"),
    )


def snapshot(obj) -> dict:
    obj = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def row(html: str, row_id: str) -> str:
    """The HTML of one table row, found by its id."""
    match = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', html, re.DOTALL)
    assert match, f"no row {row_id}"
    return match.group(1)


class Controls(HTMLParser):
    """Collect the form controls and the labels of a page."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs)


def unlabelled_controls(html: str) -> list[dict]:
    parser = Controls()
    parser.feed(html)
    return [c for c in parser.controls if c.get("id") not in parser.labelled]


def meeting_post(**overrides) -> dict:
    data = {
        "date": "2026-03-10",
        "place": "New Delhi",
        "state": MeetingState.HELD,
        "outcome_summary": "Reviewed implementation of the declaration.",
    }
    data.update(overrides)
    return data


def item_post(**overrides) -> dict:
    data = {"title": "Circulate a draft work plan", "due_date": "2026-12-20", "owner": ""}
    data.update(overrides)
    return data


READERS = {
    "viewer": viewer,
    "manager": manager,
    "analyst of the pillar": lambda: analyst("dialogue"),
    "analyst of another pillar": lambda: analyst("defence", "maritime"),
    "chief of the side": chief,
}
OUTSIDERS = {
    "viewer": viewer,
    "manager": manager,
    "analyst of another pillar": lambda: analyst("defence", "maritime"),
}


# --------------------------------------------------------------------------- reading


def test_meetings_and_action_items_are_not_taken_for_slugs(meeting, item):
    assert resolve(f"/dialogues/meetings/{meeting.pk}/").url_name == "meeting-detail"
    assert resolve(f"/dialogues/meetings/{meeting.pk}/edit/").url_name == "meeting-edit"
    assert resolve(f"/dialogues/action-items/{item.pk}/edit/").url_name == "action-item-edit"
    assert resolve(f"/dialogues/{NSA}/").url_name == "dialogue-detail"
    assert reverse("meeting-add", args=[NSA]) == f"/dialogues/{NSA}/meetings/"
    assert reverse("action-item-add", args=[meeting.pk]) == (
        f"/dialogues/meetings/{meeting.pk}/action-items/"
    )


def test_every_page_needs_a_log_in(client, meeting, item):
    for url in (
        "/dialogues/",
        f"/dialogues/{NSA}/",
        f"/dialogues/meetings/{meeting.pk}/",
        f"/dialogues/action-items/{item.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    response = client.post(f"/dialogues/{NSA}/meetings/", meeting_post())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Meeting.objects.filter(place="New Delhi").exists()


def test_a_user_without_a_role_is_refused(client, meeting):
    client.force_login(User.objects.create(username="no-role"))
    for url in ("/dialogues/", f"/dialogues/{NSA}/", f"/dialogues/meetings/{meeting.pk}/"):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("make_user", READERS.values(), ids=READERS.keys())
def test_every_role_reads_every_page(client, make_user, meeting, item):
    client.force_login(make_user())

    listing = client.get("/dialogues/")
    mechanism = client.get(f"/dialogues/{NSA}/")
    meeting_page = client.get(f"/dialogues/meetings/{meeting.pk}/")

    assert listing.status_code == mechanism.status_code == meeting_page.status_code == 200
    for name in DialogueMechanism.objects.values_list("name", flat=True):
        assert name in listing.text
    assert "Annual National Security Adviser consultations" in mechanism.text
    assert f'href="/dialogues/meetings/{meeting.pk}/"' in mechanism.text
    assert "Draft terms of reference" in meeting_page.text
    assert 'href="/commitments/DIA-01/"' in meeting_page.text


def test_the_list_shows_cadence_leads_meetings_and_what_is_to_be_explored(client, editor):
    services.meeting_create(
        mechanism=nsa(), actor=editor, date=date(2026, 2, 1), state=MeetingState.HELD
    )
    planned = timezone.localdate() + datetime.timedelta(days=30)
    services.meeting_create(mechanism=nsa(), actor=editor, date=planned, state=MeetingState.PLANNED)
    client.force_login(viewer())

    html = client.get("/dialogues/").text

    nsa_row = row(html, f"mechanism-{NSA}")
    assert "Annual" in nsa_row
    assert "Dialogue mechanisms" in nsa_row  # the pillar
    assert "NSCS" in nsa_row or "National Security Council Secretariat" in nsa_row
    assert "1 Feb 2026" in nsa_row  # last held
    assert planned.strftime("%-d %b %Y") in nsa_row  # next planned
    assert "1 Feb 2027" in nsa_row  # next due: a year after the last held
    explored = row(html, "mechanism-joint-staffs-dialogue")
    assert "to be explored" in explored.lower()
    assert "badge-overdue" not in explored


def test_recording_a_meeting_held_clears_the_overdue_badge(client, editor):
    # Last held long ago: the annual cadence has lapsed.
    services.meeting_create(
        mechanism=nsa(), actor=editor, date=date(2020, 5, 1), state=MeetingState.HELD
    )
    client.force_login(editor)
    assert "Overdue" in row(client.get("/dialogues/").text, f"mechanism-{NSA}")
    assert "badge-overdue" in client.get(f"/dialogues/{NSA}/").text

    today = timezone.localdate()
    response = client.post(f"/dialogues/{NSA}/meetings/", meeting_post(date=today.isoformat()))

    assert response.status_code == 302
    nsa_row = row(client.get("/dialogues/").text, f"mechanism-{NSA}")
    assert "Overdue" not in nsa_row
    assert "On schedule" in nsa_row
    assert "badge-overdue" not in client.get(f"/dialogues/{NSA}/").text


def test_meetings_are_listed_newest_first(client, editor):
    for day in (date(2026, 1, 5), date(2026, 6, 5), date(2026, 3, 5)):
        services.meeting_create(mechanism=nsa(), actor=editor, date=day)
    client.force_login(viewer())

    html = client.get(f"/dialogues/{NSA}/").text

    assert html.index("5 Jun 2026") < html.index("5 Mar 2026") < html.index("5 Jan 2026")


def test_text_is_escaped(client, editor):
    held = services.meeting_create(
        mechanism=nsa(),
        actor=editor,
        date=date(2026, 3, 10),
        place="<i>Delhi</i>",
        outcome_summary="<script>alert(1)</script> & more",
    )
    services.action_item_create(meeting=held, actor=editor, title="<b>Bold</b> move")
    client.force_login(viewer())

    html = client.get(f"/dialogues/meetings/{held.pk}/").text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; move" in html
    assert "<i>Delhi</i>" not in html


def test_unknown_mechanisms_and_meetings_are_not_found(client):
    client.force_login(viewer())
    assert client.get("/dialogues/no-such-mechanism/").status_code == 404
    assert client.get("/dialogues/meetings/999999/").status_code == 404


# --------------------------------------------------------------------------- who sees forms


@pytest.mark.parametrize(
    "make_user", [lambda: analyst("dialogue"), chief], ids=["analyst", "chief"]
)
def test_editors_see_the_forms(client, make_user, meeting, item):
    client.force_login(make_user())

    mechanism = client.get(f"/dialogues/{NSA}/").text
    meeting_page = client.get(f"/dialogues/meetings/{meeting.pk}/").text

    assert f'action="/dialogues/{NSA}/meetings/"' in mechanism
    assert f'action="/dialogues/meetings/{meeting.pk}/edit/"' in meeting_page
    assert f'action="/dialogues/meetings/{meeting.pk}/action-items/"' in meeting_page
    assert f'action="/dialogues/action-items/{item.pk}/edit/"' in meeting_page
    assert f'name="version" value="{meeting.version}"' in meeting_page
    assert unlabelled_controls(mechanism) == []
    assert unlabelled_controls(meeting_page) == []
    edit_page = client.get(f"/dialogues/action-items/{item.pk}/edit/")
    assert edit_page.status_code == 200
    assert 'value="Draft terms of reference"' in edit_page.text
    assert unlabelled_controls(edit_page.text) == []


@pytest.mark.parametrize("make_user", OUTSIDERS.values(), ids=OUTSIDERS.keys())
def test_readers_see_no_edit_controls(client, make_user, meeting, item):
    client.force_login(make_user())

    for url in (f"/dialogues/{NSA}/", f"/dialogues/meetings/{meeting.pk}/"):
        html = client.get(url).text
        # The comment thread is a place a manager writes here (tests/discussion).
        html = re.sub(r'<section id="comments".*?</section>', "", html, flags=re.S)
        # Attaching a file is open to every analyst and manager of a side (can_discuss), not an
        # edit of the meeting: tests/discussion/test_attachments.py.
        html = re.sub(r'<section id="attachments-.*?</section>', "", html, flags=re.S)
        # A manager may set a mechanism's agreed cadence; nobody here may record or edit.
        assert 'action="/dialogues/' not in html.replace(f'action="/dialogues/{NSA}/cadence/"', "")
        assert "hx-post" not in html
        assert "Record a meeting" not in html
        assert "Add an action item" not in html
        assert 'name="version"' not in html
    assert client.get(f"/dialogues/action-items/{item.pk}/edit/").status_code == 403


# --------------------------------------------------------------------------- forged writes


def forged_writes(meeting: Meeting, item: ActionItem) -> list[tuple[str, dict]]:
    return [
        (f"/dialogues/{NSA}/meetings/", meeting_post()),
        (
            f"/dialogues/meetings/{meeting.pk}/edit/",
            meeting_post(outcome_summary="Forged", version=meeting.version),
        ),
        (f"/dialogues/meetings/{meeting.pk}/action-items/", item_post()),
        (
            f"/dialogues/action-items/{item.pk}/edit/",
            item_post(state=ActionItemState.DROPPED, version=item.version),
        ),
        (
            f"/dialogues/action-items/{item.pk}/edit/",
            {"part": "state", "state": ActionItemState.DONE, "version": item.version},
        ),
        # Invalid input is refused for the role first, not answered with form errors.
        (f"/dialogues/{NSA}/meetings/", {}),
    ]


@pytest.mark.parametrize("make_user", OUTSIDERS.values(), ids=OUTSIDERS.keys())
def test_forged_posts_are_refused_and_write_nothing(client, make_user, meeting, item):
    client.force_login(make_user())

    def state():
        counts = (
            Meeting.objects.filter(mechanism=nsa()).count(),
            ActionItem.objects.filter(meeting=meeting).count(),
        )
        return snapshot(meeting), snapshot(item), counts

    before = state()

    for url, data in forged_writes(meeting, item):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "You cannot do that" in response.text
        response = client.post(url, data, headers={"HX-Request": "true"})
        assert response.status_code == 403, url

    assert state() == before


# --------------------------------------------------------------------------- writes


def test_an_editor_records_a_meeting_and_is_told(client, editor):
    client.force_login(editor)

    response = client.post(f"/dialogues/{NSA}/meetings/", meeting_post(), follow=True)

    recorded = Meeting.objects.get(mechanism=nsa(), place="New Delhi")
    assert (recorded.date, recorded.state) == (date(2026, 3, 10), MeetingState.HELD)
    assert recorded.outcome_summary == "Reviewed implementation of the declaration."
    assert response.redirect_chain == [(f"/dialogues/meetings/{recorded.pk}/", 302)]
    assert "Meeting of 10 Mar 2026 (held) recorded." in response.text


def test_with_htmx_the_mechanism_page_answers_with_its_live_part(client, editor):
    client.force_login(editor)

    response = client.post(
        f"/dialogues/{NSA}/meetings/", meeting_post(), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="mechanism-live"' in response.text
    assert "recorded." in response.text
    assert "10 Mar 2026" in response.text
    assert Meeting.objects.filter(mechanism=nsa(), place="New Delhi").exists()


def test_an_editor_records_the_outcome_of_a_meeting(client, editor, meeting):
    client.force_login(editor)

    response = client.post(
        f"/dialogues/meetings/{meeting.pk}/edit/",
        meeting_post(outcome_summary="Agreed a work plan.", version=meeting.version),
        follow=True,
    )

    meeting.refresh_from_db()
    assert (meeting.state, meeting.outcome_summary) == (MeetingState.HELD, "Agreed a work plan.")
    assert meeting.version == 2
    assert "Meeting saved." in response.text
    assert "Agreed a work plan." in response.text


def test_an_editor_adds_edits_and_closes_action_items(client, editor, meeting):
    client.force_login(editor)
    dia_01 = commitment("DIA-01")

    response = client.post(
        f"/dialogues/meetings/{meeting.pk}/action-items/",
        item_post(owner=editor.pk, commitment=dia_01.pk),
        follow=True,
    )
    added = ActionItem.objects.get(meeting=meeting, title="Circulate a draft work plan")
    assert (added.owner, added.commitment, added.due_date) == (editor, dia_01, date(2026, 12, 20))
    assert "Action item “Circulate a draft work plan” added." in response.text

    response = client.post(
        f"/dialogues/action-items/{added.pk}/edit/",
        item_post(
            title="Circulate the work plan",
            owner=editor.pk,
            commitment=dia_01.pk,
            state=ActionItemState.OPEN,
            version=added.version,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/dialogues/meetings/{meeting.pk}/"
    added.refresh_from_db()
    assert (added.title, added.version) == ("Circulate the work plan", 2)

    response = client.post(
        f"/dialogues/action-items/{added.pk}/edit/",
        {"part": "state", "state": ActionItemState.DONE, "version": added.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="meeting-live"' in response.text
    assert "is now done" in response.text
    added.refresh_from_db()
    assert (added.state, added.completed_on) == (ActionItemState.DONE, timezone.localdate())


def test_form_errors_appear_beside_their_fields(client, editor, meeting, item):
    client.force_login(editor)

    response = client.post(
        f"/dialogues/{NSA}/meetings/", meeting_post(date="", place="x" * 201, state="adjourned")
    )

    assert response.status_code == 200
    html = response.text
    assert re.search(r'id="id_date".*?<small class="error" id="id_date_error"', html, re.DOTALL)
    assert 'id="id_place_error"' in html
    assert 'id="id_state_error"' in html
    assert "This field is required." in html
    assert 'value="x' in html  # the input is kept
    assert list(Meeting.objects.filter(mechanism=nsa())) == [meeting]

    response = client.post(
        f"/dialogues/action-items/{item.pk}/edit/",
        item_post(state=ActionItemState.OPEN, completed_on="2026-01-01", version=item.version),
    )
    assert response.status_code == 200
    assert 'id="id_completed_on_error"' in response.text
    assert "Only a done action item has a completion date" in response.text
    assert snapshot(item)["version"] == item.version

    response = client.post(
        f"/dialogues/meetings/{meeting.pk}/action-items/", item_post(title="", owner="999999")
    )
    assert response.status_code == 200
    assert 'id="id_new_item_title_error"' in response.text
    assert 'id="id_new_item_owner_error"' in response.text
    assert list(ActionItem.objects.filter(meeting=meeting)) == [item]


def test_a_stale_meeting_edit_is_refused_and_keeps_the_users_input(client, editor, meeting):
    seen = meeting.version
    services.meeting_update(
        meeting=meeting,
        actor=analyst("dialogue"),
        expected_version=seen,
        state=MeetingState.POSTPONED,
        outcome_summary="Postponed at Japan's request.",
    )
    client.force_login(editor)

    response = client.post(
        f"/dialogues/meetings/{meeting.pk}/edit/",
        meeting_post(outcome_summary="My account of the meeting.", version=seen),
    )

    assert response.status_code == 200
    html = response.text
    assert 'class="conflict"' in html
    assert "Someone else changed this meeting" in html
    assert "Postponed at Japan&#x27;s request." in html  # what it is now
    assert "postponed" in html
    assert "My account of the meeting." in html  # what the user typed
    assert f'name="version" value="{seen + 1}"' in html
    meeting.refresh_from_db()
    assert (meeting.state, meeting.outcome_summary, meeting.version) == (
        MeetingState.POSTPONED,
        "Postponed at Japan's request.",
        seen + 1,
    )


def test_a_stale_action_item_edit_is_refused_and_keeps_the_users_input(client, editor, item):
    seen = item.version
    services.action_item_update(
        action_item=item, actor=analyst("dialogue"), expected_version=seen, title="Their title"
    )
    client.force_login(editor)

    response = client.post(
        f"/dialogues/action-items/{item.pk}/edit/",
        item_post(title="My title", state=ActionItemState.OPEN, version=seen),
    )
    assert response.status_code == 200
    assert 'class="conflict"' in response.text
    assert "Someone else changed this action item" in response.text
    assert "“Their title”" in response.text
    assert 'value="My title"' in response.text

    response = client.post(
        f"/dialogues/action-items/{item.pk}/edit/",
        {"part": "state", "state": ActionItemState.DROPPED, "version": seen},
    )
    assert response.status_code == 200
    assert 'class="conflict"' in response.text
    assert "Someone else changed the action item “Their title”" in response.text
    assert re.search(r'<option value="dropped" selected>', response.text)

    item.refresh_from_db()
    assert (item.title, item.state, item.version) == ("Their title", ActionItemState.OPEN, seen + 1)


# --------------------------------------------------------------------------- query counts


def add_meetings(editor, count: int) -> None:
    mechanisms = list(DialogueMechanism.objects.all())
    for n in range(count):
        services.meeting_create(
            mechanism=mechanisms[n % len(mechanisms)],
            actor=chief(username="bulk-writer"),
            date=date(2026, 1, 1) + datetime.timedelta(days=n),
            state=MeetingState.HELD if n % 2 else MeetingState.PLANNED,
        )


@pytest.mark.parametrize("meetings", [1, 25])
def test_the_list_costs_the_same_queries_whatever_the_meetings(
    client, editor, django_assert_max_num_queries, meetings
):
    add_meetings(editor, meetings)
    client.force_login(editor)
    with django_assert_max_num_queries(10):
        assert client.get("/dialogues/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/dialogues/{NSA}/").status_code == 200


@pytest.mark.parametrize("items", [1, 20])
def test_a_meeting_page_costs_the_same_queries_whatever_its_action_items(
    client, editor, meeting, django_assert_max_num_queries, items
):
    codes = ["DIA-01", "DIA-02", "DIA-03", "MAR-01"]
    for n in range(items):
        services.action_item_create(
            meeting=meeting,
            actor=editor,
            title=f"Item {n}",
            owner=analyst("dialogue"),
            commitment=commitment(codes[n % len(codes)]),
            due_date=days(n - 5),
        )
    client.force_login(editor)
    with django_assert_max_num_queries(11):
        response = client.get(f"/dialogues/meetings/{meeting.pk}/")
    assert response.status_code == 200
    assert response.text.count('name="part"') == items
