"""`bench.data`: a marked synthetic data set that keeps the tracker's invariants."""

import datetime
import io
import itertools
from collections import Counter

import pytest
from django.core.management import CommandError
from django.utils import timezone

import bench.data
from access.choices import Role, Side
from bench.data import (
    SYNTHETIC_MARK,
    USERNAME_PREFIX,
)
from commitments.choices import Status
from commitments.models import Commitment, Milestone, StatusUpdate, User
from commitments.services import commitment_progress_from_milestones
from dashboard.figures import dashboard_figures_cached
from dialogues.models import ActionItem, DialogueMechanism, Meeting
from tests.factories import manager

pytestmark = pytest.mark.usefixtures("loaded")


def generate(**options) -> str:
    out = io.StringIO()
    bench.data.generate(scale=1, stdout=out, **options)
    return out.getvalue()


def synthetic_counts() -> dict[str, int]:
    return {
        "users": User.objects.filter(username__startswith=USERNAME_PREFIX).count(),
        "commitments": Commitment.objects.filter(title__startswith=SYNTHETIC_MARK).count(),
        "milestones": Milestone.objects.filter(title__startswith=SYNTHETIC_MARK).count(),
        "status updates": StatusUpdate.objects.filter(note__startswith=SYNTHETIC_MARK).count(),
        "mechanisms": DialogueMechanism.objects.filter(name__startswith=SYNTHETIC_MARK).count(),
        "meetings": Meeting.objects.filter(outcome_summary__startswith=SYNTHETIC_MARK).count(),
        "action items": ActionItem.objects.filter(title__startswith=SYNTHETIC_MARK).count(),
    }


def real_rows() -> list[tuple]:
    return list(
        Commitment.objects.exclude(title__startswith=SYNTHETIC_MARK)
        .order_by("code")
        .values_list("code", "title", "status", "progress", "version")
    )


def test_scale_one_writes_about_the_declarations_size_all_of_it_marked():
    real = real_rows()
    everything_before = {
        "users": User.objects.count(),
        "milestones": Milestone.objects.count(),
        "status updates": StatusUpdate.objects.count(),
    }

    output = generate()

    counts = synthetic_counts()
    assert counts["users"] == 50
    assert counts["commitments"] == 60
    assert counts["milestones"] == 600
    assert counts["status updates"] == 3_000
    assert counts["mechanisms"] == 7
    assert counts["meetings"] == 20
    assert counts["action items"] > 0
    # Nothing unmarked was added, and the declaration's own commitments are untouched.
    assert User.objects.count() == everything_before["users"] + 50
    assert Milestone.objects.count() == everything_before["milestones"] + 600
    assert StatusUpdate.objects.count() == everything_before["status updates"] + 3_000
    assert real_rows() == real
    assert "60 commitments" in output and "3,000 status updates" in output
    assert " s." in output  # the elapsed time


def test_users_are_split_between_the_sides_with_roles_addresses_and_pillars():
    generate()
    users = list(
        User.objects.filter(username__startswith=USERNAME_PREFIX).prefetch_related(
            "groups", "pillars"
        )
    )

    assert Counter(u.time_zone for u in users) == {"Asia/Kolkata": 25, "Asia/Tokyo": 25}
    assert {u.side for u in users} == {Side.INDIA, Side.JAPAN}
    assert all(u.last_name == SYNTHETIC_MARK and u.email.endswith(".example.org") for u in users)
    assert all(not u.has_usable_password() for u in users)
    roles = Counter(g.name for u in users for g in u.groups.all())
    # The people whose work is measured; side administrators are not among them.
    assert set(roles) == {Role.MANAGER, Role.ANALYST, Role.VIEWER} and sum(roles.values()) == 50
    analysts = [u for u in users if u.groups.all()[0].name == Role.ANALYST]
    assert all(u.pillars.all() for u in analysts)
    assert all(u.organisation.side == u.side for u in users)
    for user in users[:10]:
        user.full_clean()


def test_codes_fit_the_validator_and_the_pillar_and_spread_over_the_six_pillars():
    generate()
    commitments = list(
        Commitment.objects.filter(title__startswith=SYNTHETIC_MARK).select_related("pillar")
    )

    assert Counter(c.pillar.slug for c in commitments) == {
        slug: 10
        for slug in ("defence", "maritime", "industry", "technology", "multilateral", "dialogue")
    }
    for commitment in commitments:
        commitment.full_clean()  # the code validator, its pillar's prefix, the constraints
        assert len(commitment.code.split("-")[1]) == 3  # the declaration's own codes have two


def test_versions_follow_the_trail_and_progress_follows_the_milestones():
    generate()
    commitments = Commitment.objects.filter(title__startswith=SYNTHETIC_MARK).prefetch_related(
        "status_updates", "milestones"
    )
    today = timezone.localdate()
    done = total = 0

    for commitment in commitments:
        trail = sorted(commitment.status_updates.all(), key=lambda update: update.version)
        assert [e.version for e in trail] == list(range(2, commitment.version + 1))
        assert trail[-1].version == commitment.version
        assert (trail[0].from_status, trail[0].from_progress) == (Status.NOT_STARTED, 0)
        for before, after in itertools.pairwise(trail):
            assert after.from_status == before.to_status
            assert after.from_progress == before.to_progress
            assert after.created_at > before.created_at
        assert (trail[-1].to_status, trail[-1].to_progress) == (
            commitment.status,
            commitment.progress,
        )
        assert 0 <= commitment.progress <= 100
        assert commitment.progress == commitment_progress_from_milestones(commitment)
        for milestone in commitment.milestones.all():
            assert abs((milestone.due_date - today).days) <= 366
            assert 1 <= milestone.weight <= 100
            assert milestone.owner_id is None or milestone.owner.username.startswith(
                USERNAME_PREFIX
            )
            assert milestone.completed_on is None or milestone.completed_on <= today
            done += milestone.completed_on is not None
            total += 1
    assert 0.2 < done / total < 0.4  # about 30% done


def test_meetings_and_action_items_hang_on_synthetic_mechanisms_only():
    real_meetings = Meeting.objects.exclude(outcome_summary__startswith=SYNTHETIC_MARK).count()
    generate()

    assert not Meeting.objects.filter(
        outcome_summary__startswith=SYNTHETIC_MARK,
        mechanism__slug__in=DialogueMechanism.objects.exclude(
            name__startswith=SYNTHETIC_MARK
        ).values("slug"),
    ).exists()
    assert Meeting.objects.exclude(outcome_summary__startswith=SYNTHETIC_MARK).count() == (
        real_meetings
    )
    for item in ActionItem.objects.filter(title__startswith=SYNTHETIC_MARK):
        assert (item.state == "done") == (item.completed_on is not None)
        assert item.commitment is None or item.commitment.title.startswith(SYNTHETIC_MARK)


def test_a_second_run_refuses_and_adds_nothing():
    generate()
    before = synthetic_counts()

    with pytest.raises(CommandError, match=r"already holds synthetic data.*drop the database"):
        generate()

    assert synthetic_counts() == before


def test_users_and_milestones_can_be_set_directly_and_dates_centred_on_a_given_day():
    day = datetime.date(2026, 12, 1)
    generate(users=12, milestones=90, today=day)

    counts = synthetic_counts()
    assert (counts["users"], counts["milestones"], counts["commitments"]) == (12, 90, 60)
    due = Milestone.objects.filter(title__startswith=SYNTHETIC_MARK).values_list(
        "due_date", flat=True
    )
    assert all(abs((d - day).days) <= 365 for d in due)


def test_the_dashboard_counts_the_synthetic_commitments_at_once():
    """Written in bulk, not through the services, and said so: the cached figures are retired."""
    reader = manager()
    before = dashboard_figures_cached(reader)["overall"]["commitments"]
    generate()
    assert dashboard_figures_cached(reader)["overall"]["commitments"] == before + 60
