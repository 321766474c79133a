"""The operator (issue 25): the superuser runs the system for both governments and acts for
neither. It has no side (whatever it is given, and the database refuses one), reads what a
public reader reads, writes, confirms, reports and exports nothing (403) on every path, and
every action it takes in the admin is shown to both governments' administrators. Side
administrators list their own side's API keys only and end a user's sessions from the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from access.apikeys import api_key_create
from access.choices import Marking, Role
from audit.models import AuditEvent
from commitments import services
from commitments.choices import Status
from commitments.models import Milestone, User
from tests.api_base import api_client
from tests.factories import UserFactory, chief, commitment, days, manager, superuser, viewer
from webhooks import services as webhook_services

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db]

SIDES = [("india", "japan"), ("japan", "india")]
USERS = "/admin/commitments/user/"


def side_admin(side: str) -> User:
    return UserFactory(username=f"admin-{side}", role=Role.ADMINISTRATOR, side=side, is_staff=True)


def test_createsuperuser_makes_an_operator_of_no_side(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-operator-password")
    call_command("createsuperuser", "--noinput", username="ops", email="ops@example.org")

    ops = User.objects.get(username="ops")
    assert ops.is_superuser and ops.side == "" and ops.organisation is None


def test_an_operator_keeps_no_side_and_the_database_refuses_one():
    ops = superuser(username="ops", side="india")
    assert ops.side == ""
    ops.side = "japan"
    ops.save()
    ops.refresh_from_db()
    assert ops.side == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.filter(pk=ops.pk).update(side="india")
    # Made a superuser, a user of a side loses it.
    person = viewer(side="japan", username="promoted")
    person.is_superuser = True
    person.save()
    person.refresh_from_db()
    assert person.side == ""


@pytest.fixture
def marked():
    """A milestone of MAR-01 for each marking, India's and Japan's national ones included."""
    india, japan = chief(side="india", username="c-in"), chief(side="japan", username="c-jp")
    made = {}
    for marking, actor in [
        (Marking.PUBLIC, india),
        (Marking.BILATERAL, india),
        (Marking.INDIA_ONLY, india),
        (Marking.JAPAN_ONLY, japan),
    ]:
        made[marking] = services.milestone_create(
            commitment=commitment("MAR-01"),
            actor=actor,
            title=f"SENTINEL-{marking}",
            due_date=days(10),
            marking=marking,
        )
    return made


def test_the_operator_reads_what_a_public_reader_reads_on_every_path(client, marked):
    ops = superuser(username="ops")
    client.force_login(ops)
    api = api_client(ops)

    page = client.get("/commitments/MAR-01/").content.decode()
    listed = api.get("/api/v1/milestones/", {"commitment": "MAR-01"}).json()["results"]
    admin_list = client.get("/admin/commitments/milestone/").content.decode()
    feed = api.get("/api/v1/changes/").content.decode()

    titles = {item["title"] for item in listed}
    assert "SENTINEL-public" in page and "SENTINEL-public" in titles
    assert "SENTINEL-public" in admin_list
    for hidden in (Marking.BILATERAL, Marking.INDIA_ONLY, Marking.JAPAN_ONLY):
        sentinel = f"SENTINEL-{hidden}"
        assert sentinel not in page and sentinel not in titles, hidden
        assert sentinel not in admin_list and sentinel not in feed, hidden
        assert api.get(f"/api/v1/milestones/{marked[hidden].pk}/").status_code == 404
        assert client.get(
            f"/admin/commitments/milestone/{marked[hidden].pk}/change/"
        ).status_code in (
            302,  # the admin's "does not exist" goes back to the list
            404,
        )


def test_the_operator_writes_confirms_reports_and_exports_nothing(client, marked):
    ops = superuser(username="ops")
    client.force_login(ops)
    api = api_client(ops)
    public = marked[Marking.PUBLIC]
    trail = StatusCount.now()
    milestones = Milestone.objects.count()

    refused = {
        "api milestone": api.post(
            "/api/v1/milestones/",
            {"commitment": "MAR-01", "title": "Ops", "due_date": "2027-01-15"},
            format="json",
        ),
        "api milestone change": api.patch(
            f"/api/v1/milestones/{public.pk}/",
            {"title": "Ops"},
            format="json",
            HTTP_IF_MATCH=f'"{public.version}"',
        ),
        "api status": api.post(
            "/api/v1/commitments/MAR-01/status-updates/",
            {"status": Status.ON_TRACK, "note": "Ops", "side": "india"},
            format="json",
        ),
        "api confirm": api.post(
            "/api/v1/commitments/MAR-01/confirm/", {"side": "japan"}, format="json"
        ),
        "page status": client.post(
            "/commitments/MAR-01/status/",
            {"status": Status.ON_TRACK, "note": "Ops", "side": "india", "version": 1},
        ),
        "page milestone": client.post(
            "/commitments/MAR-01/milestones/", {"title": "Ops", "due_date": "2027-01-15"}
        ),
        "admin milestone add": client.get("/admin/commitments/milestone/add/"),
        "admin commitment change": client.post(
            f"/admin/commitments/commitment/{commitment('MAR-01').pk}/change/",
            {"title": "Ops"},
        ),
        "summit report": client.get("/reports/summit.pdf?pillar=dialogue"),
        "summit workbook": client.get("/reports/summit.xlsx?pillar=dialogue"),
        "brief": client.get("/dialogues/nsa-consultations/brief.pdf"),
        "export": client.get("/commitments/export.csv"),
        "api export": api.get("/api/v1/commitments/", {"format": "csv"}),
        "audit log": client.get("/audit/"),
        "webhooks": client.get("/webhooks/"),
    }

    wrong = {name: r.status_code for name, r in refused.items() if r.status_code != 403}
    assert wrong == {}
    assert Milestone.objects.count() == milestones
    assert StatusCount.now() == trail
    assert commitment("MAR-01").title != "Ops"


class StatusCount:
    @staticmethod
    def now() -> int:
        return commitment("MAR-01").status_updates.count()


def test_the_operator_offers_no_write_on_the_page_and_owns_nothing(client, marked):
    ops = superuser(username="ops")
    client.force_login(ops)

    page = client.get("/commitments/MAR-01/").content.decode()
    dashboard = client.get("/").content.decode()

    assert 'action="/commitments/MAR-01/status/"' not in page
    assert 'action="/commitments/MAR-01/milestones/"' not in page
    assert "/reports/summit.pdf" not in dashboard
    from commitments.selectors import owner_candidates

    assert ops not in owner_candidates()


@pytest.mark.parametrize("own, other", SIDES)
def test_the_operators_actions_are_shown_to_both_governments_administrators(client, own, other):
    ops = superuser(username="ops")
    person = viewer(side=own, username=f"person-{own}")
    ours, theirs = side_admin(own), side_admin(other)
    theirs_manager = manager(side=other, username=f"mgr-{other}")
    every_day = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    task = PeriodicTask.objects.create(
        name=f"operator-test-{own}", task="operations.tasks.nothing", interval=every_day
    )
    client.force_login(ops)

    # A user's roles, a periodic task and an API key, changed by the operator in the admin.
    from tests.test_side_administrators import change_form

    analysts = person.groups.model.objects.get(name=Role.ANALYST)
    assert (
        client.post(
            f"{USERS}{person.pk}/change/",
            change_form(
                person,
                groups=[analysts.pk],
                side=own,
                date_joined_0=person.date_joined.strftime("%Y-%m-%d"),
                date_joined_1=person.date_joined.strftime("%H:%M:%S"),
            ),
        ).status_code
        == 302
    )
    client.post(
        "/admin/django_celery_beat/periodictask/",
        {"action": "disable_tasks", "_selected_action": [task.pk]},
    )
    key, _secret = api_key_create(person, name="person's script")
    client.post("/admin/access/apikey/", {"action": "revoke", "_selected_action": [key.pk]})

    events = AuditEvent.objects.filter(actor=ops)
    assert {e.content_type.model for e in events} >= {"user", "periodictask", "apikey"}
    assert {e.marking for e in events} == {Marking.BILATERAL}
    # Secrets are never copied into the log.
    assert all("hashed" not in str(e.changes) for e in events)
    for reader in (ours, theirs, theirs_manager):
        client.force_login(reader)
        log = client.get("/audit/", {"operator": "true"}).content.decode()
        assert f"person-{own}" in log, reader
        assert task.name in log, reader
        assert f"{key.prefix}…" in log, reader


@pytest.mark.parametrize("own, other", SIDES)
def test_a_side_administrators_own_changes_stay_with_their_side(client, own, other):
    from tests.test_side_administrators import change_form

    person = viewer(side=own, username=f"person-{own}")
    ours, theirs = side_admin(own), side_admin(other)
    analysts = person.groups.model.objects.get(name=Role.ANALYST)
    client.force_login(ours)
    client.post(f"{USERS}{person.pk}/change/", change_form(person, groups=[analysts.pk]))

    client.force_login(ours)
    assert f"person-{own}" in client.get("/audit/").content.decode()
    client.force_login(theirs)
    assert f"person-{own}" not in client.get("/audit/").content.decode()


@pytest.mark.parametrize("own, other", SIDES)
def test_a_side_administrator_lists_and_revokes_their_own_sides_api_keys_only(client, own, other):
    ours = viewer(side=own, username=f"ours-{own}")
    theirs = viewer(side=other, username=f"theirs-{other}")
    our_key, _ = api_key_create(ours, name=f"script of {own}")
    their_key, _ = api_key_create(theirs, name=f"script of {other}")
    client.force_login(side_admin(own))

    listing = client.get("/admin/access/apikey/").content.decode()
    assert f"script of {own}" in listing and f"script of {other}" not in listing
    assert client.get(f"/admin/access/apikey/{their_key.pk}/change/").status_code in (302, 404)
    client.post(
        "/admin/access/apikey/",
        {"action": "revoke", "_selected_action": [our_key.pk, their_key.pk]},
    )
    our_key.refresh_from_db()
    their_key.refresh_from_db()
    assert our_key.revoked_at is not None
    assert their_key.revoked_at is None
    # The operator looks after every key.
    client.force_login(superuser(username="ops"))
    listing = client.get("/admin/access/apikey/").content.decode()
    assert f"script of {own}" in listing and f"script of {other}" in listing


@pytest.mark.parametrize("own, other", SIDES)
def test_a_side_administrator_ends_a_users_sessions_from_their_page(client, own, other):
    from django.test import Client

    person = viewer(side=own, username=f"person-{own}")
    elsewhere = Client()
    elsewhere.force_login(person)
    assert elsewhere.get("/").status_code == 200
    client.force_login(side_admin(other))
    assert client.get(f"{USERS}{person.pk}/sessions/").status_code == 404
    assert client.post(f"{USERS}{person.pk}/sessions/").status_code == 404
    assert elsewhere.get("/").status_code == 200

    client.force_login(side_admin(own))
    page = client.get(f"{USERS}{person.pk}/sessions/")
    assert page.status_code == 200
    assert "End all sessions" in page.content.decode()
    assert (
        f'href="{USERS}{person.pk}/sessions/"'
        in client.get(f"{USERS}{person.pk}/change/").content.decode()
    )
    ended = client.post(f"{USERS}{person.pk}/sessions/")

    assert ended.status_code == 302
    assert elsewhere.get("/").status_code == 302  # signed out, sent to sign in
    assert AuditEvent.objects.filter(
        object_id=str(person.pk), changes__sessions=["active", "ended"]
    ).exists()


def test_the_operator_watches_webhooks_health_without_their_contents(client):
    owner = manager(side="india", username="hook-owner")
    webhook_services.subscription_create(
        actor=owner,
        url="https://receiver.example.org/hook",
        events=["commitment.changed"],
        description="SENTINEL India's own receiver",
    )
    client.force_login(superuser(username="ops"))

    listing = client.get("/admin/webhooks/webhooksubscription/")

    assert listing.status_code == 200
    html = listing.content.decode()
    assert "receiver.example.org" in html
    assert "SENTINEL" not in html
    assert client.get("/admin/webhooks/webhooksubscription/add/").status_code == 403
