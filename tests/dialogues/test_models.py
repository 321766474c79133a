"""Dialogue mechanisms' cadence and the rules the database keeps for action items."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from dialogues.choices import ActionItemState, Cadence, MeetingState
from dialogues.models import ActionItem, DialogueMechanism, Meeting, lapsed_before, next_due

pytestmark = pytest.mark.usefixtures("loaded")

DECLARED = date(2025, 8, 29)


def mechanism(cadence: str = Cadence.ANNUAL) -> DialogueMechanism:
    found = DialogueMechanism.objects.select_related("declaration").get(slug="nsa-consultations")
    found.cadence = cadence
    return found


def test_an_annual_mechanism_is_due_a_year_after_the_last_meeting_held():
    nsa = mechanism()

    assert nsa.next_due(date(2026, 3, 10)) == date(2027, 3, 10)
    assert not nsa.is_overdue(date(2026, 3, 10), today=date(2027, 3, 10))
    assert nsa.is_overdue(date(2026, 3, 10), today=date(2027, 3, 11))


def test_with_no_meeting_held_the_cadence_runs_from_the_declaration():
    nsa = mechanism()
    assert nsa.declaration.date == DECLARED

    assert nsa.next_due(None) == date(2026, 8, 29)
    assert not nsa.is_overdue(None, today=date(2026, 8, 29))
    assert nsa.is_overdue(None, today=date(2026, 8, 30))


@pytest.mark.parametrize(
    ("cadence", "due"),
    [
        (Cadence.ANNUAL, date(2026, 8, 29)),
        (Cadence.SEMIANNUAL, date(2026, 2, 28)),
        (Cadence.QUARTERLY, date(2025, 11, 29)),
    ],
)
def test_each_cadence_counts_its_months_from_the_declaration(cadence, due):
    assert mechanism(cadence).next_due(None) == due


def test_an_ad_hoc_mechanism_is_never_due_nor_overdue():
    ad_hoc = mechanism(Cadence.AD_HOC)

    assert ad_hoc.next_due(None) is None
    assert ad_hoc.next_due(date(2026, 1, 1)) is None
    assert not ad_hoc.is_overdue(None, today=date(2099, 12, 31))
    assert not ad_hoc.is_overdue(date(2026, 1, 1), today=date(2099, 12, 31))


@given(
    cadence=st.sampled_from(Cadence.values),
    since=st.dates(date(2020, 1, 1), date(2040, 12, 31)),
    today=st.dates(date(2020, 1, 1), date(2042, 12, 31)),
)
def test_the_cutoff_the_database_uses_agrees_with_the_cadence_on_every_day(cadence, since, today):
    """The dashboard asks SQL `since < lapsed_before(...)`; it must match `next_due < today`."""
    due = next_due(cadence, since)
    cutoff = lapsed_before(cadence, today)

    assert (cutoff is not None and since < cutoff) == (due is not None and due < today)


@pytest.mark.parametrize(
    ("cadence", "held", "due"),
    [
        (Cadence.QUARTERLY, date(2026, 1, 31), date(2026, 4, 30)),
        (Cadence.QUARTERLY, date(2025, 11, 30), date(2026, 2, 28)),
        (Cadence.QUARTERLY, date(2027, 11, 30), date(2028, 2, 29)),
        (Cadence.SEMIANNUAL, date(2026, 8, 31), date(2027, 2, 28)),
        (Cadence.ANNUAL, date(2028, 2, 29), date(2029, 2, 28)),
    ],
)
def test_a_meeting_at_a_month_end_is_due_at_the_end_of_the_shorter_month(cadence, held, due):
    target = mechanism(cadence)

    assert target.next_due(held) == due
    assert not target.is_overdue(held, today=due)
    assert target.is_overdue(held, today=date.fromordinal(due.toordinal() + 1))


@pytest.fixture
def meeting():
    return Meeting.objects.create(
        mechanism=mechanism(), date=date(2026, 3, 10), state=MeetingState.HELD, side="india"
    )


@pytest.mark.parametrize(
    ("state", "completed_on"),
    [
        (ActionItemState.DONE, None),
        (ActionItemState.OPEN, date(2026, 3, 20)),
        (ActionItemState.DROPPED, date(2026, 3, 20)),
    ],
)
def test_the_database_keeps_done_and_the_completion_date_together(meeting, state, completed_on):
    item = ActionItem(
        meeting=meeting, title="Draft terms", state=state, completed_on=completed_on, side="india"
    )

    with pytest.raises(ValidationError, match="done action item has a completion date"):
        item.full_clean()
    with pytest.raises(IntegrityError, match="actionitem_done_has_date"), transaction.atomic():
        item.save()

    assert not ActionItem.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    ("state", "completed_on"),
    [
        (ActionItemState.DONE, date(2026, 3, 20)),
        (ActionItemState.OPEN, None),
        (ActionItemState.DROPPED, None),
    ],
)
def test_consistent_action_items_are_saved(meeting, state, completed_on):
    item = ActionItem(
        meeting=meeting, title="Draft terms", state=state, completed_on=completed_on, side="india"
    )
    item.full_clean()
    item.save()

    item.refresh_from_db()
    assert (item.state, item.completed_on) == (state, completed_on)


def test_the_database_refuses_an_unknown_meeting_state():
    with pytest.raises(IntegrityError, match="meeting_state_valid"), transaction.atomic():
        Meeting.objects.create(
            mechanism=mechanism(), date=date(2026, 3, 10), state="adjourned", side="india"
        )
