"""Reconciliations under random sequences of the two sides' status updates and proposals of
shared terms: after every step exactly one reconciliation is open while the sides are apart
(a joint commitment's statuses differ, or terms await an answer) and none otherwise; each one
closed says how each of its questions was settled; and on any day an open one falls due or is
overdue, both sides' responsible users are reminded of it (once), a closed one never."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access.choices import Side
from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, SharedTermChange
from declaration_tracker.core.versioning import ConflictError
from discussion.models import Reconciliation
from notifications import selectors as reminder_selectors
from notifications import services as reminder_services
from notifications.models import Reminder
from tests.factories import UserFactory, chief, commitment

pytestmark = pytest.mark.usefixtures("loaded")

CODE = "MAR-04"
STATUSES = [Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK, Status.COMPLETED]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("report"), st.sampled_from(Side.values), st.sampled_from(STATUSES)),
        st.tuples(
            st.just("propose"), st.sampled_from(Side.values), st.sampled_from(["low", "high"])
        ),
        st.tuples(st.just("answer"), st.sampled_from(["confirm", "decline", "withdraw"])),
        st.tuples(st.just("remind"), st.integers(min_value=-3, max_value=40)),
    ),
    min_size=1,
    max_size=12,
)


def _apart(item: Commitment) -> bool:
    statuses = item.lead_side == "joint" and item.india_status != item.japan_status
    return statuses or SharedTermChange.objects.filter(commitment=item, state="pending").exists()


def _step(step, people):
    kind = step[0]
    item = commitment(CODE)
    if kind == "report":
        _kind, side, status = step
        if item.side_status(side) == status:
            return
        services.status_update_create(
            commitment=item,
            author=people[side],
            side=side,
            status=status,
            note="Assessed.",
            expected_version=None,
        )
    elif kind == "propose":
        _kind, side, priority = step
        if item.priority == priority:
            return
        try:
            services.commitment_update(
                commitment=item,
                actor=people[side],
                expected_version=item.version,
                priority=priority,
            )
        except ConflictError:
            return  # the other side's proposal awaits this side's answer first: refused
    elif kind == "answer":
        pending = SharedTermChange.objects.filter(commitment=item, state="pending").first()
        if pending is None:
            return
        proposer = pending.proposed_by_side
        other = Side.JAPAN if proposer == Side.INDIA else Side.INDIA
        if step[1] == "withdraw":
            services.terms_withdraw(change=pending, actor=people[proposer])
        elif step[1] == "confirm":
            services.terms_confirm(change=pending, actor=people[other])
        else:
            services.terms_decline(change=pending, actor=people[other], note="No.")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_reconciliations_follow_the_sides_through_any_sequence(sequence):
    people = {side: chief(username=f"prop-rec-{side}", side=side) for side in Side.values}
    responsible = {
        side: UserFactory(username=f"prop-resp-{side}", side=side, role="Analyst")
        for side in Side.values
    }
    Commitment.objects.filter(code=CODE).update(
        responsible_india=responsible[Side.INDIA], responsible_japan=responsible[Side.JAPAN]
    )
    Reconciliation.objects.filter(commitment__code=CODE).delete()
    SharedTermChange.objects.filter(commitment__code=CODE).delete()
    Commitment.objects.filter(code=CODE).update(
        india_status=Status.NOT_STARTED,
        japan_status=Status.NOT_STARTED,
        status=Status.NOT_STARTED,
        awaiting_side="",
        awaiting_since=None,
        india_report=None,
        japan_report=None,
        priority="medium",
    )
    Reminder.objects.all().delete()
    for step in sequence:
        if step[0] == "remind":
            _check_reminders(step[1], responsible)
            continue
        _step(step, people)
        item = commitment(CODE)
        opened = list(Reconciliation.objects.filter(commitment=item, closed_at__isnull=True))
        assert len(opened) == (1 if _apart(item) else 0), step
        if opened:
            statuses = item.lead_side == "joint" and item.india_status != item.japan_status
            assert opened[0].about_status == statuses
        for closed in Reconciliation.objects.filter(commitment=item, closed_at__isnull=False):
            assert not closed.about_status and not closed.about_terms
            assert closed.settled and all(entry["how"] for entry in closed.settled)
            if any(entry["about"] == "status" for entry in closed.settled):
                assert [e for e in closed.settled if e["about"] == "status"][-1]["how"] in (
                    "agreed",
                    "one_leads",
                )


def _check_reminders(days_from_due: int, responsible):
    """Move the open reconciliation's due date so that today is `days_from_due` after it, and
    sweep: both responsible users hear if today is a reminder day, and never of a closed one."""
    open_one = Reconciliation.objects.filter(commitment__code=CODE, closed_at__isnull=True).first()
    today = datetime.date(2026, 6, 15)
    now = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
    if open_one is not None:
        Reconciliation.objects.filter(pk=open_one.pk).update(
            due_on=today - datetime.timedelta(days=days_from_due)
        )
    before = set(Reminder.objects.values_list("pk", flat=True))
    reminder_services.reminders_claim(reminder_selectors.reminders_due(now), now=now)
    new = Reminder.objects.exclude(pk__in=before).filter(item_key__startswith="reconciliation:")
    heard = {(r.recipient.username, r.item_key) for r in new}
    closed_keys = {
        f"reconciliation:{pk}"
        for pk in Reconciliation.objects.filter(closed_at__isnull=False).values_list(
            "pk", flat=True
        )
    }
    assert not {key for _who, key in heard} & closed_keys
    reminding_day = days_from_due in (0, 1, 8, 15, 22, 29, 36) or -days_from_due in (1, 7, 14)
    already = Reminder.objects.filter(pk__in=before, day=today).exists()
    if open_one is not None and reminding_day and not already:
        key = f"reconciliation:{open_one.pk}"
        assert {(user.username, key) for user in responsible.values()} <= heard
    elif open_one is None:
        assert heard == set()
