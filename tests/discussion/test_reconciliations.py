"""Reconciliations: the tracker opens one when the sides of a commitment are apart, both sides
see it (and nobody else), its due date is the managers', it reminds both sides, and it closes
itself when they agree, saying how."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from access.choices import Marking, Role, Side
from commitments import services
from commitments.choices import Status
from commitments.models import Commitment
from discussion import reconciliation_services
from discussion.comment_services import comment_create
from discussion.models import Comment, Reconciliation
from notifications import selectors as reminder_selectors
from notifications import services as reminder_services
from notifications.choices import ReminderKind
from notifications.models import Reminder
from tests.factories import UserFactory, analyst, chief, commitment, india_led, manager, superuser

pytestmark = pytest.mark.usefixtures("loaded")

OTHER = {Side.INDIA: Side.JAPAN, Side.JAPAN: Side.INDIA}
NATIONAL = {Side.INDIA: Marking.INDIA_ONLY, Side.JAPAN: Marking.JAPAN_ONLY}


def author(side):
    return analyst("maritime", username=f"rec-analyst-{side}", side=side)


def report(code, side, status, note="Our assessment.", marking=Marking.BILATERAL):
    return services.status_update_create(
        commitment=commitment(code),
        author=author(side),
        side=side,
        status=status,
        note=note,
        expected_version=None,
        marking=marking,
    )


def open_one(code="MAR-01"):
    return Reconciliation.objects.filter(commitment__code=code, closed_at__isnull=True).first()


def logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- opening and closing -----------------------------------------------------------------


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_joint_commitment_whose_sides_differ_opens_a_reconciliation_due_in_30_days(side):
    assert open_one() is None
    report("MAR-01", side, Status.ON_TRACK)
    found = open_one()
    assert found is not None
    assert found.about_status and not found.about_terms
    assert found.marking == Marking.BILATERAL
    assert found.due_on == timezone.localdate() + datetime.timedelta(days=30)


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_it_closes_itself_when_the_other_side_agrees_saying_how(side):
    report("MAR-01", side, Status.ON_TRACK)
    opened = open_one()
    report("MAR-01", OTHER[side], Status.ON_TRACK)
    assert open_one() is None
    opened.refresh_from_db()
    assert opened.closed_at is not None
    [entry] = opened.settled
    assert entry["about"] == "status" and entry["how"] == "agreed"
    assert entry["status"] == Status.ON_TRACK and entry["by"] == OTHER[side]
    assert commitment("MAR-01").status == Status.ON_TRACK


def test_a_later_difference_opens_a_new_one_and_at_most_one_is_open():
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    report("MAR-01", Side.INDIA, Status.COMPLETED)  # still apart: the same one stays open
    assert Reconciliation.objects.filter(commitment__code="MAR-01").count() == 1
    report("MAR-01", Side.JAPAN, Status.COMPLETED)
    report("MAR-01", Side.JAPAN, Status.AT_RISK)
    assert Reconciliation.objects.filter(commitment__code="MAR-01").count() == 2
    assert Reconciliation.objects.filter(commitment__code="MAR-01", closed_at=None).count() == 1


def test_a_commitment_led_by_one_side_opens_none_for_a_difference_of_status():
    india_led("MAR-01")
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    report("MAR-01", Side.JAPAN, Status.AT_RISK)
    assert open_one() is None


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_pending_change_of_shared_terms_opens_one_and_the_answer_closes_it(side):
    india_led("MAR-02")
    proposer = chief(username=f"rec-proposer-{side}", side=side)
    target = commitment("MAR-02")
    done = services.commitment_update(
        commitment=target, actor=proposer, expected_version=target.version, priority="low"
    )
    found = open_one("MAR-02")
    assert found is not None and found.about_terms and not found.about_status
    services.terms_decline(
        change=done.proposal,
        actor=chief(username=f"rec-answer-{side}", side=OTHER[side]),
        note="Not yet.",
    )
    assert open_one("MAR-02") is None
    found.refresh_from_db()
    assert [e["how"] for e in found.settled] == ["declined"]
    assert found.settled[0]["by"] == OTHER[side]


def test_the_daily_sweep_opens_and_closes_what_writes_around_the_services_left():
    Commitment.objects.filter(code="MAR-03").update(india_status=Status.AT_RISK)
    assert reconciliation_services.reconciliations_sync_all() == {"opened": 1, "closed": 0}
    assert open_one("MAR-03") is not None
    assert reconciliation_services.reconciliations_sync_all() == {"opened": 0, "closed": 0}
    Commitment.objects.filter(code="MAR-03").update(india_status=Status.NOT_STARTED)
    assert reconciliation_services.reconciliations_sync_all() == {"opened": 0, "closed": 1}
    closed = Reconciliation.objects.get(commitment__code="MAR-03")
    assert closed.settled[0]["how"] == "agreed" and closed.settled[0]["by"] == ""


# --- who sees it --------------------------------------------------------------------------


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_both_sides_read_the_list_and_the_page(side):
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    found = open_one()
    reader = UserFactory(username=f"rec-viewer-{side}", side=side, role=Role.VIEWER)
    client = logged_in(reader)
    listing = client.get(reverse("reconciliation-list"))
    assert listing.status_code == 200
    assert reverse("reconciliation-detail", args=[found.pk]) in listing.content.decode()
    page = client.get(reverse("reconciliation-detail", args=[found.pk]))
    assert page.status_code == 200
    assert "position-india" in page.content.decode()


def test_the_public_and_the_operator_never_see_one():
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    found = open_one()
    operator = logged_in(superuser(username="rec-operator"))
    assert operator.get(reverse("reconciliation-detail", args=[found.pk])).status_code == 404
    listing = operator.get(reverse("reconciliation-list"))
    assert reverse("reconciliation-detail", args=[found.pk]) not in listing.content.decode()
    api = APIClient()
    api.force_authenticate(superuser(username="rec-operator-api"))
    assert api.get(f"/api/v1/reconciliations/{found.pk}/").status_code == 404
    from django.test import Client

    anonymous = Client().get(reverse("reconciliation-detail", args=[found.pk]))
    assert anonymous.status_code in (302, 403, 404)


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_national_note_of_one_side_is_not_shown_to_the_other(side):
    report("MAR-01", side, Status.ON_TRACK, note=f"SECRET-{side}", marking=NATIONAL[side])
    found = open_one()
    other = logged_in(author(OTHER[side]))
    page = other.get(reverse("reconciliation-detail", args=[found.pk])).content.decode()
    assert f"SECRET-{side}" not in page
    assert "Its note is outside what you may read." in page
    own = logged_in(author(side))
    assert (
        f"SECRET-{side}"
        in own.get(reverse("reconciliation-detail", args=[found.pk])).content.decode()
    )
    api = APIClient()
    api.force_authenticate(author(OTHER[side]))
    assert f"SECRET-{side}" not in api.get(f"/api/v1/reconciliations/{found.pk}/").content.decode()


# --- the due date -------------------------------------------------------------------------


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_either_sides_manager_moves_the_due_date_and_it_is_audited(side):
    from audit.models import AuditEvent

    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    found = open_one()
    boss = manager(username=f"rec-manager-{side}", side=side)
    new = timezone.localdate() + datetime.timedelta(days=10)
    answer = logged_in(boss).post(
        reverse("reconciliation-due", args=[found.pk]),
        {"due_on": new.isoformat(), "version": found.version},
    )
    assert answer.status_code == 302
    found.refresh_from_db()
    assert found.due_on == new and found.due_set_by == boss
    assert AuditEvent.objects.filter(object_id=str(found.pk), changes__has_key="due_on").exists()


def test_an_analyst_cannot_move_it_and_a_bad_date_is_an_error_beside_the_field():
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    found = open_one()
    url = reverse("reconciliation-due", args=[found.pk])
    refused = logged_in(author(Side.JAPAN)).post(
        url, {"due_on": "2030-01-01", "version": found.version}
    )
    assert refused.status_code == 403
    boss = logged_in(manager(username="rec-boss", side=Side.JAPAN))
    before = boss.post(url, {"due_on": "2001-01-01", "version": found.version})
    assert before.status_code == 400
    assert "cannot be before the day it opened" in before.content.decode()
    garbage = boss.post(url, {"due_on": "soon", "version": found.version})
    assert garbage.status_code == 400
    assert "Give the due date as a date" in garbage.content.decode()
    stale = boss.post(url, {"due_on": "2030-01-01", "version": found.version - 1})
    assert stale.status_code == 409
    found.refresh_from_db()
    assert found.due_set_by is None


# --- reminders ----------------------------------------------------------------------------


def _heard(now):
    before = set(Reminder.objects.values_list("pk", flat=True))
    reminder_services.reminders_claim(reminder_selectors.reminders_due(now), now=now)
    return {
        (r.recipient.username, r.kind, r.detail)
        for r in Reminder.objects.exclude(pk__in=before).select_related("recipient")
        if r.item_key.startswith("reconciliation:")
    }


def test_both_sides_hear_as_it_nears_on_the_day_and_once_it_has_passed():
    india_responsible = UserFactory(username="rec-resp-in", side=Side.INDIA, role=Role.ANALYST)
    japan_responsible = UserFactory(
        username="rec-resp-jp", side=Side.JAPAN, role=Role.ANALYST, time_zone="Asia/Tokyo"
    )
    Commitment.objects.filter(code="MAR-01").update(
        responsible_india=india_responsible, responsible_japan=japan_responsible
    )
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    found = open_one()
    due = datetime.date(2026, 3, 20)
    Reconciliation.objects.filter(pk=found.pk).update(due_on=due)

    def at(day):
        return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=datetime.UTC)

    week_before = _heard(at(due - datetime.timedelta(days=7)))
    assert {(who, kind) for who, kind, _d in week_before} == {
        ("rec-resp-in", ReminderKind.DUE_SOON),
        ("rec-resp-jp", ReminderKind.DUE_SOON),
    }
    assert any("reconciliation is due" in detail for _w, _k, detail in week_before)
    assert _heard(at(due - datetime.timedelta(days=5))) == set()
    assert {k for _w, k, _d in _heard(at(due))} == {ReminderKind.DUE_TODAY}
    late = _heard(at(due + datetime.timedelta(days=1)))
    assert {(w, k) for w, k, _d in late} == {
        ("rec-resp-in", ReminderKind.OVERDUE),
        ("rec-resp-jp", ReminderKind.OVERDUE),
    }
    # Closed, it reminds nobody.
    report("MAR-01", Side.JAPAN, Status.ON_TRACK)
    assert _heard(at(due + datetime.timedelta(days=8))) == set()


def test_the_pillars_managers_of_both_sides_hear_and_the_operator_never():
    managers = {
        side: manager(username=f"rec-pillar-mgr-{side}", side=side, pillars=["maritime"])
        for side in Side.values
    }
    superuser(username="rec-op", pillars=["maritime"])
    report("MAR-01", Side.JAPAN, Status.AT_RISK)
    found = open_one()
    today = datetime.date(2026, 5, 4)
    Reconciliation.objects.filter(pk=found.pk).update(due_on=today)
    heard = _heard(datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.UTC))
    who = {w for w, _k, _d in heard}
    assert {m.username for m in managers.values()} <= who
    assert "rec-op" not in who


# --- its thread ---------------------------------------------------------------------------


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_the_sides_discuss_it_in_a_thread_of_its_own_and_national_notes_stay_home(side):
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    found = open_one()
    shared = comment_create(target=found, actor=author(side), body=f"Shared view {side}")
    own = comment_create(
        target=found, actor=author(side), body=f"HOME-ONLY-{side}", marking=NATIONAL[side]
    )
    assert shared.reconciliation_id == found.pk and own.marking == NATIONAL[side]
    url = reverse("reconciliation-detail", args=[found.pk])
    other_page = logged_in(author(OTHER[side])).get(url).content.decode()
    assert f"Shared view {side}" in other_page and f"HOME-ONLY-{side}" not in other_page
    assert f"HOME-ONLY-{side}" in logged_in(author(side)).get(url).content.decode()
    api = APIClient()
    api.force_authenticate(author(OTHER[side]))
    listed = api.get(f"/api/v1/reconciliations/{found.pk}/comments/")
    assert listed.status_code == 200
    bodies = [c["body"] for c in listed.json()["results"]]
    assert f"Shared view {side}" in bodies and f"HOME-ONLY-{side}" not in bodies
    assert Comment.objects.filter(reconciliation=found).count() == 2


def test_a_comment_on_a_reconciliation_cannot_be_public():
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    found = open_one()
    api = APIClient()
    api.force_authenticate(author(Side.INDIA))
    answer = api.post(
        f"/api/v1/reconciliations/{found.pk}/comments/",
        {"body": "For all to read", "marking": Marking.PUBLIC},
        format="json",
    )
    assert answer.status_code == 400
    assert "marking" in answer.json()["error"]["fields"]


# --- the API ------------------------------------------------------------------------------


def test_the_api_lists_them_with_both_positions_and_a_manager_moves_the_date_with_if_match():
    report("MAR-01", Side.INDIA, Status.ON_TRACK)
    found = open_one()
    api = APIClient()
    api.force_authenticate(author(Side.JAPAN))
    listed = api.get("/api/v1/reconciliations/", {"state": "open"})
    assert listed.status_code == 200
    [row] = [r for r in listed.json()["results"] if r["id"] == found.pk]
    assert row["commitment"] == "MAR-01"
    assert row["positions"]["india"]["status"] == Status.ON_TRACK
    assert row["positions"]["japan"]["status"] == Status.NOT_STARTED
    assert row["state"] == "open" and row["about"] == ["status"]
    url = f"/api/v1/reconciliations/{found.pk}/"
    assert api.patch(url, {"due_on": "2030-01-01"}, format="json").status_code == 403
    boss = APIClient()
    boss.force_authenticate(manager(username="rec-api-boss", side=Side.JAPAN))
    missing = boss.patch(url, {"due_on": "2030-01-01"}, format="json")
    assert missing.status_code == 428
    stale = boss.patch(url, {"due_on": "2030-01-01"}, format="json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 412
    etag = boss.get(url)["ETag"]
    bad = boss.patch(url, {"due_on": "whenever"}, format="json", HTTP_IF_MATCH=etag)
    assert bad.status_code == 400 and "due_on" in bad.json()["error"]["fields"]
    moved = boss.patch(url, {"due_on": "2030-01-01"}, format="json", HTTP_IF_MATCH=etag)
    assert moved.status_code == 200, moved.content
    assert moved.json()["due_on"] == "2030-01-01"
