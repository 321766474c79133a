"""Meetings and action items: who may write them, versions, and keeping done and dates together."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from declaration_tracker.core.versioning import StaleVersionError
from dialogues import services
from dialogues.choices import ActionItemState, MeetingState
from dialogues.models import ActionItem, DialogueMechanism, Meeting
from tests.factories import analyst, chief, commitment, days, manager, nsa, viewer

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def item(meeting, editor):
    return services.action_item_create(
        meeting=meeting, actor=editor, title="Draft terms of reference", due_date=days(10)
    )


def snapshot(obj) -> dict:
    obj = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


OUTSIDERS = {
    "analyst of another pillar": lambda: analyst("defence", "maritime"),
    "manager": manager,
    "viewer": viewer,
}


# --------------------------------------------------------------------------- meetings


def test_an_analyst_of_the_pillar_records_a_meeting(editor):
    held = services.meeting_create(
        mechanism=nsa(),
        actor=editor,
        date=date(2026, 3, 10),
        place="New Delhi",
        state=MeetingState.HELD,
        outcome_summary="Reviewed the declaration's implementation.",
    )

    held.refresh_from_db()
    assert held.mechanism == nsa()
    assert (held.date, held.place, held.state) == (date(2026, 3, 10), "New Delhi", "held")
    assert held.version == 1


def test_an_analyst_edits_only_the_mechanisms_of_their_pillars():
    defence = analyst("defence")
    joint_staffs = DialogueMechanism.objects.get(slug="joint-staffs-dialogue")

    services.meeting_create(mechanism=joint_staffs, actor=defence, date=days(30))
    with pytest.raises(PermissionDenied):
        services.meeting_create(mechanism=nsa(), actor=defence, date=days(30))

    assert joint_staffs.meetings.count() == 1
    assert not nsa().meetings.exists()


@pytest.mark.parametrize("make_user", OUTSIDERS.values(), ids=OUTSIDERS.keys())
def test_others_may_not_create_meetings(make_user):
    with pytest.raises(PermissionDenied):
        services.meeting_create(mechanism=nsa(), actor=make_user(), date=days(30))

    assert not Meeting.objects.filter(mechanism=nsa()).exists()


@pytest.mark.parametrize("make_user", OUTSIDERS.values(), ids=OUTSIDERS.keys())
def test_others_may_not_change_meetings(meeting, make_user):
    before = snapshot(meeting)

    with pytest.raises(PermissionDenied):
        services.meeting_update(
            meeting=meeting, actor=make_user(), expected_version=1, place="Osaka"
        )

    assert snapshot(meeting) == before


def test_a_superuser_may_record_meetings_anywhere():
    services.meeting_create(mechanism=nsa(), actor=chief(), date=days(30))

    assert nsa().meetings.count() == 1


def test_updating_a_meeting_moves_its_version_on(meeting, editor):
    updated = services.meeting_update(
        meeting=meeting,
        actor=editor,
        expected_version=1,
        state=MeetingState.HELD,
        outcome_summary="Agreed a work plan.",
    )

    meeting.refresh_from_db()
    assert updated.version == meeting.version == 2
    assert (meeting.state, meeting.outcome_summary) == ("held", "Agreed a work plan.")
    assert meeting.place == "Tokyo"


def test_a_stale_meeting_update_is_refused_and_changes_nothing(meeting, editor):
    services.meeting_update(meeting=meeting, actor=editor, expected_version=1, place="Osaka")
    before = snapshot(meeting)

    with pytest.raises(StaleVersionError) as error:
        services.meeting_update(
            meeting=meeting, actor=editor, expected_version=1, place="Kyoto", state="held"
        )

    assert (error.value.expected_version, error.value.current_version) == (1, 2)
    assert snapshot(meeting) == before
    assert before["place"] == "Osaka"


@pytest.mark.parametrize("field", ["version", "agenda", "created_at"])
def test_a_meeting_field_that_cannot_be_given_is_named(editor, field):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(mechanism=nsa(), actor=editor, date=days(5), **{field: 3})

    assert list(error.value.message_dict) == [field]
    assert not nsa().meetings.exists()


@pytest.mark.parametrize("field", ["mechanism", "version", "agenda"])
def test_a_meeting_field_that_cannot_be_changed_is_named(meeting, editor, field):
    before = snapshot(meeting)

    with pytest.raises(ValidationError) as error:
        services.meeting_update(meeting=meeting, actor=editor, expected_version=1, **{field: 3})

    assert list(error.value.message_dict) == [field]
    assert snapshot(meeting) == before


def test_an_invalid_meeting_state_is_refused(editor):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(mechanism=nsa(), actor=editor, date=days(5), state="adjourned")

    assert "state" in error.value.message_dict
    assert not nsa().meetings.exists()


# --------------------------------------------------------------------------- action items


def test_an_action_item_is_created_open_and_linked(meeting, editor):
    owner = analyst("dialogue")
    created = services.action_item_create(
        meeting=meeting,
        actor=editor,
        title="Share the draft agenda",
        owner=owner,
        due_date=days(7),
        commitment=commitment("DIA-01"),
    )

    created.refresh_from_db()
    assert (created.state, created.completed_on, created.version) == ("open", None, 1)
    assert created.owner == owner
    assert created.commitment.code == "DIA-01"
    assert list(meeting.action_items.all()) == [created]


@pytest.mark.parametrize("make_user", OUTSIDERS.values(), ids=OUTSIDERS.keys())
def test_others_may_not_create_action_items(meeting, make_user):
    with pytest.raises(PermissionDenied):
        services.action_item_create(meeting=meeting, actor=make_user(), title="Sneaky")

    assert not meeting.action_items.exists()


@pytest.mark.parametrize("make_user", OUTSIDERS.values(), ids=OUTSIDERS.keys())
def test_others_may_not_change_action_items(item, make_user):
    before = snapshot(item)

    with pytest.raises(PermissionDenied):
        services.action_item_update(
            action_item=item, actor=make_user(), expected_version=1, state=ActionItemState.DONE
        )

    assert snapshot(item) == before


def test_marking_an_item_done_dates_it_today_and_reopening_clears_the_date(item, editor):
    done = services.action_item_update(
        action_item=item, actor=editor, expected_version=1, state=ActionItemState.DONE
    )
    item.refresh_from_db()
    assert (item.state, item.completed_on, item.version) == ("done", timezone.localdate(), 2)
    assert done.completed_on == item.completed_on

    services.action_item_update(
        action_item=item, actor=editor, expected_version=2, state=ActionItemState.OPEN
    )
    item.refresh_from_db()
    assert (item.state, item.completed_on, item.version) == ("open", None, 3)


def test_a_given_completion_date_is_kept(item, editor):
    services.action_item_update(
        action_item=item,
        actor=editor,
        expected_version=1,
        state=ActionItemState.DONE,
        completed_on=days(-3),
    )

    item.refresh_from_db()
    assert (item.state, item.completed_on) == ("done", days(-3))


def test_dropping_a_done_item_clears_its_date(item, editor):
    services.action_item_update(
        action_item=item, actor=editor, expected_version=1, state=ActionItemState.DONE
    )
    services.action_item_update(
        action_item=item, actor=editor, expected_version=2, state=ActionItemState.DROPPED
    )

    item.refresh_from_db()
    assert (item.state, item.completed_on) == ("dropped", None)


def test_an_item_created_done_gets_a_date_and_one_created_open_with_a_date_is_refused(
    meeting, editor
):
    done = services.action_item_create(
        meeting=meeting, actor=editor, title="Already sent", state=ActionItemState.DONE
    )
    with pytest.raises(ValidationError, match="done action item has a completion date"):
        services.action_item_create(
            meeting=meeting,
            actor=editor,
            title="Still to do",
            state=ActionItemState.OPEN,
            completed_on=days(-1),
        )

    assert ActionItem.objects.get(pk=done.pk).completed_on == timezone.localdate()
    assert not ActionItem.objects.filter(title="Still to do").exists()


def test_a_completion_date_on_an_open_item_is_refused(item, editor):
    before = snapshot(item)

    with pytest.raises(ValidationError, match="done action item has a completion date"):
        services.action_item_update(
            action_item=item, actor=editor, expected_version=1, completed_on=days(-1)
        )

    assert snapshot(item) == before


def test_a_stale_action_item_update_is_refused_and_changes_nothing(item, editor):
    services.action_item_update(
        action_item=item, actor=editor, expected_version=1, title="Draft the terms"
    )
    before = snapshot(item)

    with pytest.raises(StaleVersionError):
        services.action_item_update(
            action_item=item, actor=editor, expected_version=1, state=ActionItemState.DONE
        )

    assert snapshot(item) == before
    assert (before["state"], before["completed_on"], before["version"]) == ("open", None, 2)


@pytest.mark.parametrize("field", ["version", "priority", "created_at"])
def test_an_action_item_field_that_cannot_be_given_is_named(meeting, editor, field):
    with pytest.raises(ValidationError) as error:
        services.action_item_create(meeting=meeting, actor=editor, title="New", **{field: 3})

    assert list(error.value.message_dict) == [field]
    assert not meeting.action_items.exists()


@pytest.mark.parametrize("field", ["meeting", "version", "priority"])
def test_an_action_item_field_that_cannot_be_changed_is_named(item, editor, field):
    before = snapshot(item)

    with pytest.raises(ValidationError) as error:
        services.action_item_update(
            action_item=item, actor=editor, expected_version=1, **{field: 3}
        )

    assert list(error.value.message_dict) == [field]
    assert snapshot(item) == before


def test_saying_done_again_keeps_the_original_completion_date(item, editor):
    services.action_item_update(
        action_item=item,
        actor=editor,
        expected_version=1,
        state=ActionItemState.DONE,
        completed_on=days(-3),
    )

    services.action_item_update(
        action_item=item, actor=editor, expected_version=2, state=ActionItemState.DONE
    )

    item.refresh_from_db()
    assert (item.state, item.completed_on) == ("done", days(-3))
