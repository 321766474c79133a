"""Rules that used to be written in several places and disagreed: each now has one home, and
every place that shows or enforces it agrees."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from commitments import services as commitment_services
from commitments.events import EventType
from commitments.models import StatusUpdate
from commitments.selectors import owner_candidates
from dialogues import services as dialogue_services
from dialogues.choices import ActionItemState
from dialogues.models import DialogueMechanism
from dialogues.selectors import mechanism_list, mechanisms_overdue
from notifications.models import ReminderPreference
from notifications.services import reminder_preference_set
from tests.api_base import api_client, make_action_item, make_meeting
from tests.factories import UserFactory, analyst, commitment, manager, superuser
from webhooks import services as webhook_services
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.usefixtures("loaded")

NOT_ESTABLISHED = "joint-staffs-dialogue"


# --------------------------------------------------------------------- a mechanism's schedule


def test_a_mechanism_not_yet_established_has_no_due_date_on_its_page_in_the_api_or_dashboard(
    client,
):
    mechanism = DialogueMechanism.objects.get(slug=NOT_ESTABLISHED)
    assert not mechanism.established
    today = datetime.date(2030, 1, 1)  # years after the declaration: any cadence has lapsed
    listed = mechanism_list(today).get(slug=NOT_ESTABLISHED)
    assert listed.next_due(listed.last_held) is None
    assert not listed.is_overdue(listed.last_held, today)
    assert NOT_ESTABLISHED not in [m["slug"] for m in mechanisms_overdue(today)]

    reader = manager()
    body = api_client(reader).get(f"/api/v1/dialogues/{NOT_ESTABLISHED}/").json()
    assert (body["next_due"], body["overdue"]) == (None, False)
    client.force_login(reader)
    page = client.get(reverse("dialogue-detail", args=[NOT_ESTABLISHED]))
    assert page.status_code == 200
    assert page.context["mechanism"].due is None
    assert page.context["mechanism"].overdue is False


def test_an_established_mechanism_is_due_and_overdue_alike_in_python_sql_and_the_api():
    today = datetime.date(2030, 1, 1)
    listed = mechanism_list(today).get(slug="nsa-consultations")
    assert listed.established
    due = listed.next_due(listed.last_held)
    assert due is not None and due < today
    assert listed.is_overdue(listed.last_held, today)
    overdue = {m["slug"]: m for m in mechanisms_overdue(today)}
    assert overdue["nsa-consultations"]["next_due"] == due


# --------------------------------------------------------------------- who may own an item


def test_owner_candidates_are_users_with_a_role_and_the_current_owner():
    with_role = analyst("maritime")
    operator = superuser()  # acts for neither side: owns nothing
    nobody = UserFactory()  # signed up, no role yet
    gone = analyst("maritime", is_active=False)
    found = set(owner_candidates())
    assert with_role in found
    assert nobody not in found and gone not in found and operator not in found
    assert nobody in set(owner_candidates(keep=(nobody.pk,)))


def test_a_user_without_a_role_cannot_be_given_a_milestone_by_service_form_or_api(client):
    author = analyst("maritime")
    nobody = UserFactory()
    with pytest.raises(ValidationError) as refused:
        commitment_services.milestone_create(
            commitment=commitment("MAR-01"),
            actor=author,
            title="Port call",
            due_date=datetime.date(2027, 1, 1),
            owner=nobody,
        )
    assert "owner" in refused.value.message_dict

    response = api_client(author).post(
        "/api/v1/milestones/",
        {
            "commitment": "MAR-01",
            "title": "Port call",
            "due_date": "2027-01-01",
            "owner": nobody.username,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "owner" in str(response.json())

    client.force_login(author)
    page = client.post(
        reverse("milestone-add", args=["MAR-01"]),
        {"title": "Port call", "due_date": "2027-01-01", "owner": nobody.pk, "weight": 1},
    )
    assert page.status_code == 200
    assert "owner" in page.context["milestone_form"].errors
    assert not commitment("MAR-01").milestones.filter(title="Port call").exists()

    # A user with a role is accepted, through the same service.
    helper = analyst("maritime")
    milestone = commitment_services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=author,
        title="Port call",
        due_date=datetime.date(2027, 1, 1),
        owner=helper,
    )
    assert milestone.owner == helper


def test_an_action_item_keeps_an_owner_who_lost_their_role_but_cannot_be_given_to_one():
    editor = analyst("dialogue")
    owner = analyst("dialogue")
    item = make_action_item(make_meeting(), owner=owner)
    owner.groups.clear()
    # Editing something else keeps the current owner.
    edited = dialogue_services.action_item_update(
        action_item=item, actor=editor, expected_version=item.version, title="Renamed", owner=owner
    )
    assert (edited.title, edited.owner) == ("Renamed", owner)
    with pytest.raises(ValidationError) as refused:
        dialogue_services.action_item_update(
            action_item=edited,
            actor=editor,
            expected_version=edited.version,
            owner=UserFactory(),
        )
    assert "owner" in refused.value.message_dict


# --------------------------------------------------------------------- reminder preferences


def test_the_preferences_service_refuses_lead_days_outside_1_to_60_and_saves_valid_ones():
    user = analyst("maritime")
    for bad in ([0], [61], [7, 0]):
        with pytest.raises(ValidationError) as refused:
            reminder_preference_set(user=user, kinds=[], lead_days=bad, email=True)
        assert "lead_days" in refused.value.message_dict
    assert not ReminderPreference.objects.filter(user=user).exists()
    saved = reminder_preference_set(
        user=user, kinds=["due_soon"], lead_days=[1, 30, 30], email=False
    )
    assert (saved.lead_days, saved.email) == ([30, 1], False)
    assert "due_today" in saved.muted_kinds and "due_soon" not in saved.muted_kinds


def test_the_admin_saves_preferences_through_the_same_rule():
    admin_user = superuser()
    user = analyst("maritime")
    preference = ReminderPreference(user=user, muted_kinds=[], lead_days=[0], email=True)
    model_admin = site._registry[ReminderPreference]
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    with pytest.raises(Exception, match="from 1 to 60"):
        model_admin.save_model(request, preference, form=None, change=False)
    assert not ReminderPreference.objects.filter(user=user).exists()
    preference.lead_days = [14]
    model_admin.save_model(request, preference, form=None, change=False)
    assert ReminderPreference.objects.get(user=user).lead_days == [14]


# --------------------------------------------------------------------- an action item done


def test_a_done_action_item_edited_without_a_date_keeps_its_completion_date():
    editor = analyst("dialogue")
    item = make_action_item(make_meeting())
    done = dialogue_services.action_item_update(
        action_item=item,
        actor=editor,
        expected_version=item.version,
        state=ActionItemState.DONE,
        completed_on=datetime.date(2026, 5, 1),
    )
    kept = dialogue_services.action_item_update(
        action_item=done,
        actor=editor,
        expected_version=done.version,
        title="Renamed",
        state=ActionItemState.DONE,
        completed_on=None,
    )
    assert kept.completed_on == datetime.date(2026, 5, 1)
    reopened = dialogue_services.action_item_update(
        action_item=kept, actor=editor, expected_version=kept.version, state=ActionItemState.OPEN
    )
    assert reopened.completed_on is None


# --------------------------------------------------------------------- a milestone done or reopened


def _on_the_page(client, user, milestone, completed_on):
    """The page's "Mark done" (it has no reopen)."""
    client.force_login(user)
    path = reverse("milestone-done", args=[milestone.commitment.code, milestone.pk])
    assert client.post(path, {"version": milestone.version}).status_code == 302


def _through_the_api(client, user, milestone, completed_on):
    response = api_client(user).patch(
        f"/api/v1/milestones/{milestone.pk}/",
        {"completed_on": completed_on and str(completed_on)},
        format="json",
        HTTP_IF_MATCH=f'"{milestone.version}"',
    )
    assert response.status_code == 200, response.json()


def _in_the_admin(client, user, milestone, completed_on):
    client.force_login(user)
    data = {
        "title": milestone.title,
        "due_date": str(milestone.due_date),
        "owner": "",
        "weight": milestone.weight,
        "completed_on": str(completed_on or ""),
        "marking": milestone.marking,
        "expected_version": milestone.version,
    }
    path = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    assert client.post(path, data).status_code == 302


def _reopened_by_the_service(client, user, milestone, completed_on):
    commitment_services.milestone_reopen(
        milestone=milestone, actor=user, expected_version=milestone.version
    )


def _outcomes(client, ways: dict, *, done_before: bool, completed_on) -> dict:
    """Each way's (trail message, webhook event) for one milestone of its own commitment."""
    webhook_services.subscription_create(
        actor=manager(username="hook-owner"),
        url="http://127.0.0.1:9/hook",
        events=list(EventType.values),
    )
    user = analyst("maritime", is_staff=True)
    found = {}
    for code, (way, write) in zip(("MAR-03", "MAR-04", "MAR-05"), ways.items(), strict=True):
        milestone = commitment_services.milestone_create(
            commitment=commitment(code),
            actor=user,
            title=f"Through {way}",
            due_date=datetime.date.today() + datetime.timedelta(days=10),
            completed_on=datetime.date.today() if done_before else None,
        )
        write(client, user, milestone, completed_on)
        milestone.refresh_from_db()
        assert (milestone.completed_on is not None) == (completed_on is not None)
        update = StatusUpdate.objects.filter(commitment__code=code).latest("created_at", "id")
        events = WebhookEvent.objects.filter(
            object_label="commitments.milestone", object_pk=str(milestone.pk)
        )
        event = events.latest("created_at", "id")
        found[way] = (update.message, event.type)
    return found


def test_a_milestone_marked_done_reads_alike_from_the_page_the_api_and_the_admin(client, settings):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    ways = {"page": _on_the_page, "api": _through_the_api, "admin": _in_the_admin}
    found = _outcomes(client, ways, done_before=False, completed_on=datetime.date.today())
    assert found == dict.fromkeys(ways, ("milestone_done", "milestone.completed"))


def test_a_milestone_reopened_reads_alike_from_the_api_the_admin_and_the_service(client, settings):
    """The page has no reopen; the service is what one would call."""
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    ways = {"api": _through_the_api, "admin": _in_the_admin, "service": _reopened_by_the_service}
    found = _outcomes(client, ways, done_before=True, completed_on=None)
    assert found == dict.fromkeys(ways, ("milestone_reopened", "milestone.changed"))
