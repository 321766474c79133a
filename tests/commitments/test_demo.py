"""`seed_demo`: marked demo users and data that can be added again without piling up."""

import io
from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import models
from django.test import RequestFactory

from access.choices import Role, Side
from commitments.choices import MilestoneState
from commitments.models import Commitment, Declaration, Milestone, StatusUpdate, User
from declaration.demo import DEMO_MARK
from dialogues.models import ActionItem, DialogueMechanism, Meeting

pytestmark = pytest.mark.usefixtures("loaded")

PASSWORD = "demo-pass-for-tests"


def log_in_request():
    """django-axes checks every log-in against its lock-outs, so it needs the request."""
    return RequestFactory().post("/accounts/login/")


def seed(password: str = PASSWORD) -> str:
    out = io.StringIO()
    call_command("seed_demo", password=password, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "milestones": Milestone.objects.count(),
        "status updates": StatusUpdate.objects.count(),
        "meetings": Meeting.objects.count(),
        "action items": ActionItem.objects.count(),
    }


def test_seeding_twice_adds_the_demo_data_once():
    empty = counts()

    seed()
    first = counts()
    output = seed()

    assert all(first[kind] > empty[kind] for kind in first), (empty, first)
    assert counts() == first
    assert "Demo data in place" in output


def test_the_demo_users_have_their_roles_and_log_in_with_the_password():
    seed()

    def login(username: str) -> User:
        user = authenticate(log_in_request(), username=username, password=PASSWORD)
        assert user is not None, f"{username} cannot log in"
        return user

    def roles(user: User) -> set[str]:
        return set(user.groups.values_list("name", flat=True))

    admin = login("admin")
    # The operator: of neither government, holding no role.
    assert admin.is_superuser and admin.is_staff
    assert (admin.side, admin.organisation, roles(admin)) == ("", None, set())

    analyst2 = login("analyst2")
    assert (roles(analyst2), analyst2.side) == ({Role.ANALYST}, Side.INDIA)
    assert "technology" in set(analyst2.pillars.values_list("slug", flat=True))

    analyst = login("analyst")
    assert roles(analyst) == {Role.ANALYST}
    assert set(analyst.pillars.values_list("slug", flat=True)) == {"defence", "maritime"}
    assert analyst.side == Side.INDIA

    analyst_jp = login("analyst_jp")
    assert roles(analyst_jp) == {Role.ANALYST}
    assert analyst_jp.side == Side.JAPAN
    assert analyst_jp.time_zone == "Asia/Tokyo"

    assert "maritime" in set(analyst_jp.pillars.values_list("slug", flat=True))
    for username, role, side in [
        ("manager", Role.MANAGER, Side.INDIA),
        ("manager_jp", Role.MANAGER, Side.JAPAN),
        ("viewer", Role.VIEWER, Side.INDIA),
        ("viewer_jp", Role.VIEWER, Side.JAPAN),
    ]:
        user = login(username)
        assert (roles(user), user.side) == ({role}, side), username
    for username in (
        "analyst",
        "analyst2",
        "analyst_jp",
        "manager",
        "manager_jp",
        "viewer",
        "viewer_jp",
    ):
        assert not User.objects.get(username=username).is_superuser
    assert authenticate(log_in_request(), username="analyst", password="wrong-password") is None


def test_the_demo_milestones_show_every_state():
    seed()

    states = {m.state_on(date.today()) for m in Milestone.objects.all()}

    assert {MilestoneState.OVERDUE, MilestoneState.DUE_SOON, MilestoneState.DONE} <= states


def test_the_demo_data_is_marked():
    users = set(User.objects.all())
    milestones = set(Milestone.objects.all())
    updates = set(StatusUpdate.objects.all())
    meetings = set(Meeting.objects.all())
    items = set(ActionItem.objects.all())

    seed()

    new_milestones = set(Milestone.objects.all()) - milestones
    new_updates = set(StatusUpdate.objects.all()) - updates
    new_meetings = set(Meeting.objects.all()) - meetings
    new_items = set(ActionItem.objects.all()) - items
    assert new_milestones and new_updates and new_meetings and new_items
    assert [m.title for m in new_milestones if not m.title.startswith(DEMO_MARK)] == []
    assert [m for m in new_meetings if not m.outcome_summary.startswith(DEMO_MARK)] == []
    assert [a.title for a in new_items if not a.title.startswith(DEMO_MARK)] == []
    # Status notes the demo writes start with the mark; progress roll-ups name a demo milestone.
    assert [u.note for u in new_updates if DEMO_MARK not in u.note] == []
    assert any(u.note.startswith(DEMO_MARK) for u in new_updates)
    assert [u.username for u in set(User.objects.all()) - users if u.last_name != DEMO_MARK] == []


def test_seeding_without_a_declaration_is_refused():
    # Inside this test's transaction only: remove the declaration and what protects it.
    assert not StatusUpdate.objects.exists()
    Commitment.objects.all().delete()
    DialogueMechanism.objects.all().delete()
    Declaration.objects.all().delete()

    with pytest.raises(CommandError, match="Load the declaration first"):
        seed()

    assert not User.objects.filter(username__in=["admin", "analyst", "viewer"]).exists()


def test_seeding_needs_a_password():
    with pytest.raises(CommandError, match="password"):
        call_command("seed_demo")


def test_seed_demo_leaves_a_real_account_with_a_demo_name_alone(loaded):
    from django.core.management import CommandError, call_command

    from tests.factories import superuser

    real = superuser(username="admin", last_name="Real")
    real.set_password("the-real-password")
    real.save()

    with pytest.raises(CommandError, match="'admin' exists and is not a demo user"):
        call_command("seed_demo", password="demo-pass-2025")

    real.refresh_from_db()
    assert real.check_password("the-real-password")


def test_the_demo_has_a_few_disagreements_and_a_pending_confirmation_on_maritime():
    seed()

    apart = {
        c.code: (c.india_status, c.japan_status, c.awaiting_side)
        for c in Commitment.objects.exclude(india_status=models.F("japan_status"))
    }

    assert apart == {
        "MAR-02": ("at_risk", "on_track", "india"),
        "MAR-03": (Commitment.objects.get(code="MAR-03").status, "at_risk", "india"),
        "MAR-05": ("completed", "not_started", "japan"),
    }
    assert Commitment.objects.get(code="MAR-05").status == "not_started"  # proposed only
    # Everywhere else the other government confirmed each demo status update.
    assert not Commitment.objects.exclude(code__in=apart).exclude(awaiting_side="").exists()
