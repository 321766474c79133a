"""The past reproduced: `as_of` on the pages, the API and the dashboard (`commitments.history`).

A history is built at known instants (time frozen with time-machine while each step is
written through the services), then every field the issue names is read back as of instants
between the steps: official status, both sides' assessments and latest status updates, progress,
the side awaited and since when, milestones' titles, dates and states, the overdue figures,
and the list filters that depend on them. A property test compares the past state after any
sequence of status updates with the reference model of `test_sides`.
"""

import datetime

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from access.choices import Marking, Side
from commitments import history, services
from commitments.choices import LeadSide, MilestoneState, Status
from commitments.models import Commitment, Milestone
from tests.api_base import api_client, url
from tests.commitments.test_sides import UPDATES, reference
from tests.factories import analyst, commitment, led_by, manager

pytestmark = pytest.mark.usefixtures("loaded")

INDIA, JAPAN = Side.INDIA, Side.JAPAN
UTC = datetime.UTC


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def frozen(day: str, hour: int = 10):
    return time_machine.travel(at(day, hour), tick=False)


def update_status(code, author, status, note, **kw):
    return services.status_update_create(
        commitment=commitment(code),
        author=author,
        status=status,
        note=note,
        expected_version=None,
        **kw,
    )


def add_milestone(actor, title: str, due: datetime.date) -> Milestone:
    return services.milestone_create(
        commitment=commitment("MAR-01"), actor=actor, title=title, due_date=due
    )


def milestone(title: str) -> Milestone:
    return Milestone.objects.get(title=title)


@pytest.fixture
def people():
    return {
        INDIA: analyst("maritime", username="hist-in", side=INDIA),
        JAPAN: analyst("maritime", username="hist-jp", side=JAPAN),
    }


@pytest.fixture
def story(people):
    """MAR-01 (joint) from the declaration to today, one step at a known instant each."""
    india, japan = people[INDIA], people[JAPAN]
    with frozen("2025-09-10"):
        update_status("MAR-01", india, Status.ON_TRACK, "IN-A: liaison officers named.")
    with frozen("2025-10-01"):
        update_status("MAR-01", japan, Status.ON_TRACK, "JP-A: agreed.")
        add_milestone(india, "Survey ports", datetime.date(2025, 12, 1))
        add_milestone(india, "Sign arrangement", datetime.date(2026, 2, 1))
    with frozen("2025-12-15"):
        survey = milestone("Survey ports")
        services.milestone_complete(
            milestone=survey,
            actor=india,
            expected_version=survey.version,
            completed_on=datetime.date(2025, 12, 10),
        )
    with frozen("2026-02-10"):
        update_status("MAR-01", japan, Status.AT_RISK, "JP-B: the arrangement is late.")
    with frozen("2026-04-01"):
        sign = milestone("Sign arrangement")
        services.milestone_update(
            milestone=sign,
            actor=india,
            expected_version=sign.version,
            title="Sign the revised arrangement",
            due_date=datetime.date(2026, 6, 1),
        )
    with frozen("2026-05-01"):
        add_milestone(japan, "Joint exercise", datetime.date(2026, 9, 1))
        update_status("MAR-01", india, Status.AT_RISK, "IN-B: we agree it is late.")
    with frozen("2026-07-01"):
        exercise = milestone("Joint exercise")
        services.milestone_delete(
            milestone=exercise, actor=japan, expected_version=exercise.version
        )
    return people


def past_commitment(code: str, when: str) -> Commitment:
    instant = history.as_of_parse(when)
    return history.past(Commitment.objects.filter(code=code), instant).get()


def state(c: Commitment) -> tuple:
    return (c.status, c.progress, c.india_status, c.japan_status, c.awaiting_side)


# --- the commitment, field by field -------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2025-09-01", (Status.NOT_STARTED, 0, Status.NOT_STARTED, Status.NOT_STARTED, "")),
        ("2025-09-30", (Status.NOT_STARTED, 0, Status.ON_TRACK, Status.NOT_STARTED, JAPAN)),
        ("2025-11-01", (Status.ON_TRACK, 0, Status.ON_TRACK, Status.ON_TRACK, "")),
        ("2026-01-01", (Status.ON_TRACK, 50, Status.ON_TRACK, Status.ON_TRACK, "")),
        ("2026-03-31", (Status.ON_TRACK, 50, Status.ON_TRACK, Status.AT_RISK, INDIA)),
        ("2026-06-01", (Status.AT_RISK, 33, Status.AT_RISK, Status.AT_RISK, "")),
        ("2026-08-01", (Status.AT_RISK, 50, Status.AT_RISK, Status.AT_RISK, "")),
    ],
)
def test_the_commitment_as_of_each_instant_is_what_the_trail_said_then(story, when, expected):
    assert state(past_commitment("MAR-01", when)) == expected


def test_the_present_read_through_the_past_is_the_present(story):
    now = history.as_of_parse(datetime.date.today().isoformat())
    past = history.past(Commitment.objects.all(), now)
    current = {c.pk: c for c in Commitment.objects.all()}
    for c in past:
        assert state(c) == state(current[c.pk]), c.code
        assert c.awaiting_since == current[c.pk].awaiting_since
        assert c.india_report_id == current[c.pk].india_report_id


def test_each_sides_latest_status_update_then_and_since_when_a_side_was_awaited(story):
    c = past_commitment("MAR-01", "2026-03-31")

    assert c.india_report.note.startswith("IN-A")
    assert c.japan_report.note.startswith("JP-B")
    assert c.awaiting_since == at("2026-02-10")
    assert c.last_status_update_at == at("2026-02-10")
    assert c.as_of == history.day_end(datetime.date(2026, 3, 31))

    before = past_commitment("MAR-01", "2025-09-09")
    assert before.india_report is None and before.japan_report is None
    assert before.awaiting_since is None


def test_a_date_time_as_of_falls_between_two_status_updates_of_the_same_day(story):
    assert past_commitment("MAR-01", "2025-09-10T09:59:59Z").india_status == Status.NOT_STARTED
    assert past_commitment("MAR-01", "2025-09-10T10:00:00Z").india_status == Status.ON_TRACK
    # An offset is honoured: 10:30 in Tokyo is 01:30 UTC, before the status update.
    assert past_commitment("MAR-01", "2025-09-10T10:30:00+09:00").india_status == Status.NOT_STARTED


# --- milestones then, from the audit log --------------------------------------------------------


def titles_and_states(when: str) -> dict[str, tuple]:
    instant = history.as_of_parse(when)
    return {
        m.title: (m.due_date.isoformat(), m.current_state, m.completed_on)
        for m in history.milestones_as_of([commitment("MAR-01").pk], instant)
    }


def test_milestones_as_they_stood_titles_dates_states_and_those_removed_since(story):
    assert titles_and_states("2025-09-30") == {}
    assert titles_and_states("2025-11-01") == {
        "Survey ports": ("2025-12-01", MilestoneState.UPCOMING, None),
        "Sign arrangement": ("2026-02-01", MilestoneState.UPCOMING, None),
    }
    # Completed on 10 December, but recorded on the 15th: as of the 12th, not yet done.
    assert titles_and_states("2025-12-12")["Survey ports"][1] == MilestoneState.OVERDUE
    assert titles_and_states("2025-12-16")["Survey ports"] == (
        "2025-12-01",
        MilestoneState.DONE,
        datetime.date(2025, 12, 10),
    )
    assert titles_and_states("2026-03-31")["Sign arrangement"] == (
        "2026-02-01",
        MilestoneState.OVERDUE,
        None,
    )
    later = titles_and_states("2026-05-02")
    assert "Sign arrangement" not in later
    assert later["Sign the revised arrangement"][0] == "2026-06-01"
    assert later["Joint exercise"] == ("2026-09-01", MilestoneState.UPCOMING, None)
    assert "Joint exercise" not in titles_and_states(datetime.date.today().isoformat())


# --- bad as_of ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-30", "2026-13-01", "2025-08-28", "2099-01-01", "12345"]
)
@pytest.mark.parametrize(
    "path",
    ["/", "/commitments/", "/commitments/MAR-01/"],
)
def test_a_bad_as_of_on_a_page_is_a_400_naming_it(client, value, path):
    client.force_login(manager())
    response = client.get(path, {"as_of": value})

    assert response.status_code == 400
    assert "as_of" in response.content.decode()


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-30", "2026-13-01", "2025-08-28", "2099-01-01"]
)
@pytest.mark.parametrize(
    "path", [url("commitments"), url("commitments", "MAR-01"), url("dashboard")]
)
def test_a_bad_as_of_in_the_api_is_a_400_naming_it(value, path):
    response = api_client(manager()).get(path, {"as_of": value})

    assert response.status_code == 400
    assert "as_of" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "value", ["2025-08-29", "2026-03-31", "2026-03-31T12:00:00Z", "2026-03-31T12:00:00+05:30"]
)
def test_a_good_as_of_is_accepted_everywhere(value):
    for path in (url("commitments"), url("commitments", "MAR-01"), url("dashboard")):
        assert api_client(manager()).get(path, {"as_of": value}).status_code == 200, path


def test_today_is_a_valid_as_of_and_reads_now(story):
    today = datetime.date.today().isoformat()
    body = api_client(manager()).get(url("commitments", "MAR-01"), {"as_of": today}).json()
    assert body["status"] == commitment("MAR-01").status


# --- the API --------------------------------------------------------------------------------------


def test_the_api_detail_as_of_gives_both_sides_then(story):
    body = api_client(manager()).get(url("commitments", "MAR-01"), {"as_of": "2026-03-31"}).json()

    assert body["status"] == Status.ON_TRACK
    assert body["progress"] == 50
    assert body["sides"]["india"]["status"] == Status.ON_TRACK
    assert body["sides"]["india"]["note"].startswith("IN-A")
    assert body["sides"]["india"]["updated_by"] == "hist-in"
    assert body["sides"]["japan"]["status"] == Status.AT_RISK
    assert body["sides"]["japan"]["updated_at"] == "2026-02-10T10:00:00Z"
    assert body["sides_agree"] is False
    assert body["awaiting_side"] == INDIA
    assert body["awaiting_since"] == "2026-02-10T10:00:00Z"
    assert body["as_of"] == "2026-03-31T23:59:59.999999Z"

    now = api_client(manager()).get(url("commitments", "MAR-01")).json()
    assert now["as_of"] is None and now["status"] == Status.AT_RISK


def test_on_the_first_days_every_commitment_is_not_started_with_no_progress(story):
    rows = (
        api_client(manager())
        .get(url("commitments"), {"as_of": "2025-09-01", "page_size": 500})
        .json()["results"]
    )

    assert len(rows) == Commitment.objects.count()
    assert {(r["status"], r["progress"], r["awaiting_side"]) for r in rows} == {
        (Status.NOT_STARTED, 0, None)
    }


def test_api_filters_and_sorts_apply_to_the_past(story):
    client = api_client(manager())

    def codes(**params):
        response = client.get(url("commitments"), {"page_size": 500, **params})
        assert response.status_code == 200, response.content
        return [r["code"] for r in response.json()["results"]]

    assert codes(as_of="2026-03-31", awaiting_side="india") == ["MAR-01"]
    assert codes(as_of="2026-03-31", sides_agree="false") == ["MAR-01"]
    assert codes(as_of="2026-03-31", status="on_track") == ["MAR-01"]
    assert codes(as_of="2026-06-01", status="on_track") == []
    assert codes(as_of="2026-03-31", milestones="overdue") == ["MAR-01"]
    assert codes(as_of="2026-04-15", milestones="overdue") == []
    assert codes(as_of="2026-03-31", ordering="-progress")[0] == "MAR-01"
    assert codes(status="on_track") == []  # today it is at risk


def test_the_api_dashboard_as_of(story):
    body = api_client(manager()).get(url("dashboard"), {"as_of": "2026-03-31"}).json()

    assert body["as_of"] == "2026-03-31"
    assert body["overall"]["by_status"]["on_track"]["count"] == 1
    assert body["sides_disagree"]["count"] == 1
    assert body["awaiting"]["india"]["count"] == 1
    assert body["milestones_overdue"]["count"] == 1
    assert body["milestones_overdue"]["items"][0]["title"] == "Sign arrangement"
    # Every link opens the list as of the same instant.
    assert body["sides_disagree"]["link"] == "/commitments/?as_of=2026-03-31&sides_agree=false"
    assert all(a["at"] <= "2026-03-31T23:59:59.999999Z" for a in body["recent_activity"])
    assert body["recent_activity"][0]["code"] == "MAR-01"

    first_days = api_client(manager()).get(url("dashboard"), {"as_of": "2025-09-01"}).json()
    assert first_days["overall"]["progress"] == 0
    assert first_days["overall"]["by_status"]["not_started"]["count"] == Commitment.objects.count()
    assert first_days["recent_activity"] == []


def test_stale_as_of_counts_from_the_trail_then(story):
    Commitment.objects.filter(code="MAR-02").update(created_at=at("2025-08-29"))

    def stale(when):
        body = api_client(manager()).get(url("commitments"), {"as_of": when, "stale": "true"})
        return [r["code"] for r in body.json()["results"]]

    assert "MAR-02" not in stale("2025-10-01")
    assert "MAR-02" in stale("2026-03-31")


# --- the pages ------------------------------------------------------------------------------------


def test_the_commitment_page_as_of_says_so_and_offers_no_edits(client, story):
    client.force_login(story[INDIA])
    page = client.get("/commitments/MAR-01/", {"as_of": "2026-03-31"}).content.decode()

    assert 'id="as-of"' in page and "As of" in page
    assert "Sign arrangement" in page and "Sign the revised arrangement" not in page
    assert "JP-B" in page and "IN-B" not in page
    assert "<form" not in page.split('id="live"')[1].split("</main>")[0]
    assert "Change marking" not in page

    today = client.get("/commitments/MAR-01/").content.decode()
    assert 'id="as-of"' not in today and "status-form" in today


def test_the_list_and_dashboard_pages_as_of(client, story):
    client.force_login(manager())
    listing = client.get("/commitments/", {"as_of": "2026-03-31", "awaiting_side": "india"})
    assert [c.code for c in listing.context["page"]] == ["MAR-01"]
    assert listing.context["page"][0].status == Status.ON_TRACK
    assert "/commitments/MAR-01/?as_of=2026-03-31" in listing.content.decode()

    dashboard = client.get("/", {"as_of": "2026-03-31"}).content.decode()
    assert 'id="as-of"' in dashboard
    assert "/commitments/?as_of=2026-03-31&amp;sides_agree=false" in dashboard


# --- release markings in the past -----------------------------------------------------------------


def test_the_past_honours_markings_including_those_tightened_since(client, people):
    india, japan = people[INDIA], people[JAPAN]
    with frozen("2025-10-01"):
        update_status("MAR-01", india, Status.ON_TRACK, "NATIONAL-NOTE", marking=Marking.INDIA_ONLY)
        add_milestone(india, "LATER-RESTRICTED", datetime.date(2026, 1, 1))
    with frozen("2025-11-01"):
        m = milestone("LATER-RESTRICTED")
        services.milestone_update(
            milestone=m, actor=india, expected_version=m.version, marking=Marking.INDIA_ONLY
        )

    for reader, sees in ((japan, False), (india, True)):
        client.force_login(reader)
        page = client.get("/commitments/MAR-01/", {"as_of": "2025-10-15"}).content.decode()
        body = api_client(reader).get(url("commitments", "MAR-01"), {"as_of": "2025-10-15"})
        assert ("NATIONAL-NOTE" in page) is sees
        assert ("NATIONAL-NOTE" in body.content.decode()) is sees
        # Bilateral on 15 October, India only since: the past does not undo the restriction.
        assert ("LATER-RESTRICTED" in page) is sees
        dashboard = api_client(reader).get(url("dashboard"), {"as_of": "2026-02-01"})
        assert ("LATER-RESTRICTED" in dashboard.content.decode()) is sees


# --- any sequence of status updates, read back at every instant -----------------------------------


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lead_side=st.sampled_from(LeadSide.values), updates=UPDATES)
def test_the_past_after_any_sequence_of_status_updates_is_the_reference_models(lead_side, updates):
    authors = {
        INDIA: analyst("maritime", username="past-in", side=INDIA),
        JAPAN: analyst("maritime", username="past-jp", side=JAPAN),
    }
    start = at("2025-09-01")
    with transaction.atomic():
        led_by(lead_side, "MAR-01")
        for n, (side, status) in enumerate(updates):
            with time_machine.travel(start + datetime.timedelta(days=n), tick=False):
                update_status("MAR-01", authors[side], status, f"{side} says {status}")
        for n in range(len(updates) + 1):
            instant = start + datetime.timedelta(days=n, seconds=-1)
            past = history.past(Commitment.objects.filter(code="MAR-01"), instant).get()
            official, india, japan, awaiting = reference(lead_side, updates[:n])
            assert (past.status, past.india_status, past.japan_status, past.awaiting_side) == (
                official,
                india,
                japan,
                awaiting,
            ), updates[:n]
        transaction.set_rollback(True)
