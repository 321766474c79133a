"""The admin writes through the same services and rules as every other edge."""

import pytest
from django.urls import reverse

from access.choices import Side
from commitments.choices import Status
from commitments.models import StatusUpdate
from tests.factories import analyst, commitment, india_led, manager, viewer

pytestmark = pytest.mark.usefixtures("loaded")


def change_url(obj) -> str:
    return reverse("admin:commitments_commitment_change", args=[obj.pk])


def form_data(obj, **changes) -> dict:
    data = {
        "title": obj.title,
        "description": obj.description,
        "lead_side": obj.lead_side,
        "lead_organisations": [o.pk for o in obj.lead_organisations.all()],
        "responsible_india": obj.responsible_india_id or "",
        "responsible_japan": obj.responsible_japan_id or "",
        "priority": obj.priority,
        "start_date": "",
        "target_date": "",
        "expected_version": obj.version,
        # the read-only inlines still post their management forms
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
        "status_updates-TOTAL_FORMS": 0,
        "status_updates-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_an_analyst_edits_a_commitment_of_an_assigned_pillar(client):
    target = commitment("MAR-01")
    client.force_login(analyst("maritime", is_staff=True))

    response = client.post(change_url(target), form_data(target, title="A clearer title"))

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.title == "A clearer title"
    assert target.version == 2


def test_a_shared_term_in_the_admin_form_is_proposed_awaiting_the_other_side(client):
    target = commitment("MAR-01")
    client.force_login(analyst("maritime", is_staff=True, side=Side.INDIA))

    response = client.post(
        change_url(target),
        form_data(target, title="A clearer title", target_date="2027-03-31"),
        follow=True,
    )

    assert "Target date: proposed, awaiting Japan&#x27;s confirmation" in (
        response.content.decode()
    )
    target.refresh_from_db()
    assert (target.title, target.target_date) == ("A clearer title", None)
    assert target.term_changes.get().fields == {"target_date": "2027-03-31"}


def test_a_stale_admin_form_is_refused_and_says_why(client):
    target = commitment("MAR-02")
    client.force_login(analyst("maritime", is_staff=True))
    stale = form_data(target, title="Someone's older edit")
    client.post(change_url(target), form_data(target, description="A newer description"))

    response = client.post(change_url(target), stale)

    assert response.status_code == 200
    assert "Someone else changed this since you opened it" in response.content.decode()
    target.refresh_from_db()
    assert target.title != "Someone's older edit"
    assert target.description == "A newer description"


@pytest.mark.parametrize(
    "make_user", [lambda: analyst("defence", is_staff=True), lambda: viewer(is_staff=True)]
)
def test_others_can_read_but_not_change(client, make_user):
    target = commitment("MAR-03")
    client.force_login(make_user())

    assert client.get(change_url(target)).status_code == 200
    response = client.post(change_url(target), form_data(target, title="Hijacked"))

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.title != "Hijacked"


def test_a_manager_reassigns_the_responsible_user(client):
    target = commitment("IND-02")
    owner = analyst("industry")
    client.force_login(manager(is_staff=True))

    response = client.post(change_url(target), form_data(target, responsible_india=owner.pk))

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.responsible_india == owner


def test_a_manager_cannot_set_the_other_sides_responsible_user(client):
    target = commitment("IND-02")
    client.force_login(manager(is_staff=True, side=Side.INDIA))

    response = client.post(
        change_url(target),
        form_data(target, responsible_japan=analyst("industry", side=Side.JAPAN).pk),
    )

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.responsible_japan is None


def test_status_is_changed_by_adding_to_the_trail(client):
    india_led("MAR-04")
    target = commitment("MAR-04")
    author = analyst("maritime", is_staff=True)
    client.force_login(author)

    response = client.post(
        reverse("admin:commitments_statusupdate_add"),
        {
            "commitment": target.pk,
            "to_status": Status.AT_RISK,
            "note": "Dates slipped.",
            "evidence_url": "",
        },
    )

    assert response.status_code == 302
    update = StatusUpdate.objects.get(commitment=target)
    assert (update.author, update.side, update.to_status) == (author, Side.INDIA, Status.AT_RISK)
    target.refresh_from_db()
    assert target.status == Status.AT_RISK


def test_the_admin_updates_the_status_for_the_side_chosen_and_refuses_another_sides_analyst(client):
    target = commitment("MAR-04")
    client.force_login(analyst("maritime", is_staff=True))

    response = client.post(
        reverse("admin:commitments_statusupdate_add"),
        {"commitment": target.pk, "side": Side.JAPAN, "to_status": Status.AT_RISK, "note": "x"},
    )

    assert response.status_code == 403
    assert not StatusUpdate.objects.filter(commitment=target).exists()


def test_the_trail_has_no_change_or_delete_in_the_admin(client):
    target = commitment("MAR-05")
    author = analyst("maritime", is_staff=True)
    client.force_login(author)
    client.post(
        reverse("admin:commitments_statusupdate_add"),
        {
            "commitment": target.pk,
            "to_status": Status.ON_TRACK,
            "note": "Fine.",
            "evidence_url": "",
        },
    )
    update = StatusUpdate.objects.get(commitment=target)

    delete = client.post(
        reverse("admin:commitments_statusupdate_delete", args=[update.pk]), {"post": "yes"}
    )
    change = client.post(
        reverse("admin:commitments_statusupdate_change", args=[update.pk]),
        {"commitment": target.pk, "to_status": Status.COMPLETED, "note": "x"},
    )

    assert delete.status_code == 403
    assert change.status_code == 403
    assert StatusUpdate.objects.get(pk=update.pk).assessment == Status.ON_TRACK


def test_an_analyst_outside_the_pillar_cannot_add_a_status_update(client):
    target = commitment("MAR-06")
    client.force_login(analyst("defence", is_staff=True))

    response = client.post(
        reverse("admin:commitments_statusupdate_add"),
        {
            "commitment": target.pk,
            "to_status": Status.AT_RISK,
            "note": "Not mine.",
            "evidence_url": "",
        },
    )

    assert response.status_code == 403
    assert not StatusUpdate.objects.filter(commitment=target).exists()


def test_a_service_refusal_is_shown_and_nothing_is_saved(client):
    from commitments import services
    from tests.factories import days

    target = commitment("MAR-07")
    author = analyst("maritime", is_staff=True)
    services.milestone_create(commitment=target, actor=author, title="Survey", due_date=days(3))
    target.refresh_from_db()
    client.force_login(author)

    response = client.post(
        change_url(target), form_data(target, start_date=str(days(10))), follow=True
    )

    assert "Milestone “Survey” is due before this start date." in response.content.decode()
    target.refresh_from_db()
    assert target.start_date is None
