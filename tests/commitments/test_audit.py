"""The audit log: who changed what, from what to what — recorded on every path, edited by none."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from access.choices import Role
from audit.models import AuditEvent
from commitments import services
from commitments.choices import Priority, Status
from commitments.models import Milestone, Pillar
from declaration_tracker.core.versioning import StaleVersionError
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from tests.api_base import api_client, url
from tests.factories import (
    analyst,
    chief,
    commitment,
    days,
    india_led,
    manager,
    nsa,
    superuser,
    viewer,
)

pytestmark = pytest.mark.usefixtures("loaded")


def last(**filters) -> AuditEvent:
    return AuditEvent.objects.filter(**filters).order_by("-id").first()


def test_a_status_change_records_who_and_each_field_before_and_after():
    india_led("MAR-01")
    author = analyst("maritime", username="ana")
    target = commitment("MAR-01")

    services.status_update_create(
        commitment=target,
        author=author,
        status=Status.AT_RISK,
        note="Funding slipped",
        progress=30,
        expected_version=target.version,
    )

    event = last(commitment_code="MAR-01")
    assert event.actor == author
    assert event.action == AuditEvent.Action.CHANGED
    assert event.changes == {
        "status": ["not_started", "at_risk"],
        "india_status": ["not_started", "at_risk"],
        "progress": [0, 30],
    }


def test_a_status_update_awaiting_the_other_side_records_the_assessment_and_who_is_awaited():
    author = analyst("maritime", username="ana")
    target = commitment("MAR-01")  # joint: the official status waits for Japan

    services.status_update_create(
        commitment=target, author=author, status=Status.AT_RISK, note="x", expected_version=None
    )

    event = last(commitment_code="MAR-01")
    assert event.actor == author
    assert event.changes == {
        "india_status": ["not_started", "at_risk"],
        "awaiting_side": ["", "japan"],
    }


def test_an_api_edit_is_recorded_under_the_tokens_user_and_the_request():
    editor = analyst("maritime", username="api-editor")
    client = api_client(editor)
    target = commitment("MAR-02")

    response = client.patch(
        url("commitments", "MAR-02"),
        {"title": "A sharper title", "description": "Sharper."},
        format="json",
        HTTP_IF_MATCH=f'"{target.version}"',
    )

    assert response.status_code == 200, response.content
    event = last(commitment_code="MAR-02")
    assert event.actor == editor
    assert event.origin == "PATCH /api/v1/commitments/MAR-02/"
    assert event.changes == {
        "title": [target.title, "A sharper title"],
        "description": [target.description, "Sharper."],
    }


def test_owners_are_recorded_by_name_and_lead_organisations_as_lists():
    boss = manager(username="boss")
    owner = analyst("maritime", username="owner")
    target = commitment("MAR-03")
    organisations = sorted(target.lead_organisations.all(), key=str)
    before = [str(o) for o in organisations]

    # India's manager sets India's owners: Japan's lead organisations stay.
    services.commitment_update(
        commitment=target,
        actor=boss,
        expected_version=target.version,
        responsible_india=owner,
        lead_organisations=[],
    )

    events = AuditEvent.objects.filter(commitment_code="MAR-03", actor=boss).order_by("id")
    changes = {field: values for event in events for field, values in event.changes.items()}
    assert changes["responsible_india"] == [None, str(owner)]
    kept = sorted(str(o) for o in organisations if o.side == "japan")
    assert before != kept
    assert changes["lead_organisations"] == [before, kept]


def test_milestones_are_recorded_from_creation_to_deletion_on_their_commitment():
    author = analyst("maritime")
    target = commitment("MAR-04")

    milestone = services.milestone_create(
        commitment=target, actor=author, title="Draft MoU", due_date=days(30), owner=author
    )
    milestone = services.milestone_update(
        milestone=milestone, actor=author, expected_version=milestone.version, title="Sign MoU"
    )
    services.milestone_delete(milestone=milestone, actor=author, expected_version=milestone.version)

    events = AuditEvent.objects.filter(object_id=str(milestone.pk), commitment_code="MAR-04")
    by_action = {e.action: e for e in events.filter(content_type__model="milestone")}
    assert set(by_action) == {"created", "changed", "deleted"}
    assert by_action["created"].changes["title"] == [None, "Draft MoU"]
    assert by_action["created"].changes["owner"] == [None, str(author)]
    assert by_action["changed"].changes == {"title": ["Draft MoU", "Sign MoU"]}
    assert by_action["deleted"].changes["title"] == ["Sign MoU", None]
    assert all(e.actor == author for e in by_action.values())
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_meetings_and_action_items_are_recorded():
    author = analyst("dialogue")
    meeting = dialogue_services.meeting_create(
        mechanism=nsa(), actor=author, date=days(-1), state=MeetingState.HELD, place="Delhi"
    )
    meeting = dialogue_services.meeting_update(
        meeting=meeting, actor=author, expected_version=meeting.version, place="New Delhi"
    )
    item = dialogue_services.action_item_create(
        meeting=meeting, actor=author, title="Share the agenda", commitment=commitment("DIA-01")
    )

    assert last(content_type__model="meeting").changes == {"place": ["Delhi", "New Delhi"]}
    created = last(content_type__model="actionitem")
    assert created.actor == author
    assert created.object_id == str(item.pk)
    assert created.commitment_code == "DIA-01"
    assert created.changes["title"] == [None, "Share the agenda"]


def test_role_and_pillar_changes_are_recorded_from_either_side():
    admin = superuser(username="root-admin")
    person = viewer(username="person")
    maritime = Pillar.objects.get(slug="maritime")

    from audit.recording import acting

    with acting(admin):
        person.groups.add(Group.objects.get(name=Role.ANALYST))
        maritime.assigned_users.add(person)
        Group.objects.get(name=Role.VIEWER).user_set.remove(person)

    events = AuditEvent.objects.filter(content_type__model="user", object_id=str(person.pk))
    changes = [e.changes for e in events.order_by("id") if e.actor == admin]
    assert {"groups": [[Role.VIEWER], sorted([Role.ANALYST, Role.VIEWER])]} in changes
    assert {"pillars": [[], [str(maritime)]]} in changes
    assert {"groups": [sorted([Role.ANALYST, Role.VIEWER]), [Role.ANALYST]]} in changes


def test_the_admin_records_a_role_change_under_the_signed_in_superuser(client):
    admin = superuser(username="root2")
    person = viewer(username="person2")
    client.force_login(admin)
    page = client.get(f"/admin/commitments/user/{person.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "username": person.username,
            "email": person.email,
            "side": person.side,
            "time_zone": person.time_zone,
            "is_active": "on",
            "groups": [Group.objects.get(name=Role.MANAGER).pk],
            "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("password", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)

    response = client.post(f"/admin/commitments/user/{person.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = last(content_type__model="user", object_id=str(person.pk))
    assert event.actor == admin
    assert event.origin == f"POST /admin/commitments/user/{person.pk}/change/"
    assert ["Manager"] in event.changes["groups"] or [Role.MANAGER] in event.changes["groups"]


def test_a_refused_write_leaves_no_event():
    author = analyst("maritime")
    target = commitment("MAR-05")
    before = AuditEvent.objects.count()

    with pytest.raises(StaleVersionError):
        services.commitment_update(
            commitment=target, actor=author, expected_version=target.version - 1, title="Late"
        )

    assert AuditEvent.objects.count() == before


def test_nobody_can_edit_or_delete_an_event_not_even_with_sql():
    author = analyst("maritime")
    target = commitment("MAR-06")
    services.commitment_update(
        commitment=target, actor=author, expected_version=target.version, title="Changed once"
    )
    event = last(commitment_code="MAR-06")

    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="forged")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.object_repr = "forged"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    for statement in (
        "UPDATE commitments_auditevent SET object_repr = 'forged' WHERE id = %s",
        "DELETE FROM commitments_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).object_repr != "forged"


def test_managers_read_the_log_with_before_and_after_escaped(client):
    author = analyst("maritime", username="writer")
    target = commitment("MAR-07")
    services.commitment_update(
        commitment=target,
        actor=author,
        expected_version=target.version,
        title="<script>alert(1)</script>",
    )
    client.force_login(manager())

    page = client.get("/audit/", {"commitment": "mar-07"})

    body = page.content.decode()
    assert page.status_code == 200
    assert "writer" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert target.title in body
    assert "Not started" in body  # the declaration's loading recorded the status, shown in words
    # the writer's change first, then the declaration's loading, by the system
    events = list(page.context["page"])
    assert events[0].actor == author
    assert {e.actor for e in events[1:]} == {None} and "system" in body


def test_the_log_filters_by_person_object_and_date_and_explains_a_bad_filter(client):
    author = analyst("maritime", username="filterer")
    target = commitment("MAR-01")
    services.commitment_update(
        commitment=target, actor=author, expected_version=target.version, title="Filtered"
    )
    client.force_login(manager())

    mine = client.get("/audit/", {"actor": "filterer", "kind": "commitment"})
    later = client.get("/audit/", {"actor": "filterer", "since": days(1).isoformat()})
    bad = client.get("/audit/", {"since": "2026-02-30", "kind": "spaceship"})

    assert mine.context["page"].paginator.count == 1
    assert later.context["page"].paginator.count == 0
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert set(errors) == {"since", "kind"}
    assert bad.context["page"].paginator.count == 0


def test_the_log_is_for_managers_only(client):
    client.force_login(analyst("maritime"))
    assert client.get("/audit/").status_code == 403
    client.force_login(manager())
    assert client.get("/audit/").status_code == 200


def test_the_admin_shows_events_but_offers_no_change_or_delete(client):
    author = analyst("maritime")
    target = commitment("MAR-02")
    services.commitment_update(
        commitment=target, actor=author, expected_version=target.version, title="Seen in admin"
    )
    event = last(commitment_code="MAR-02")
    client.force_login(superuser())

    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    change = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"object_repr": "forged"})
    assert change.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).object_repr != "forged"


def test_other_systems_pull_the_log_through_the_api_filtered():
    # India proposes a priority; Japan's analyst confirms it, which changes the commitment.
    proposer = analyst("maritime", username="api-proposer", side="india")
    author = analyst("maritime", username="api-writer", side="japan")
    target = commitment("MAR-03")
    other = next(p for p in Priority.values if p != target.priority)
    proposal = services.commitment_update(
        commitment=target, actor=proposer, expected_version=target.version, priority=other
    ).proposal
    services.terms_confirm(change=proposal, actor=author)

    page = api_client(manager()).get(
        url("audit-events"), {"commitment": "MAR-03", "actor": "api-writer", "kind": "commitment"}
    )

    assert page.status_code == 200
    [event] = page.json()["results"]
    assert event["actor"] == "api-writer"
    assert event["object_type"] == "commitment"
    assert event["commitment"] == "MAR-03"
    # MAR-03's priority was the tracker's inference; set by a user, it no longer is.
    assert "priority" in target.inferred_fields
    assert event["changes"] == {
        "priority": [target.priority, other],
        "inferred_fields": [
            target.inferred_fields,
            [f for f in target.inferred_fields if f != "priority"],
        ],
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": "yesterday"}, "since"), ({"kind": "spaceship"}, "kind")],
)
def test_a_bad_api_filter_is_a_400_naming_it(params, field):
    response = api_client(manager()).get(url("audit-events"), params)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_the_api_log_cannot_be_written():
    client = api_client(chief())
    event = AuditEvent.objects.order_by("-id").first()

    assert client.post(url("audit-events"), {}, format="json").status_code == 405
    assert client.delete(url("audit-events", event.pk)).status_code == 405
    assert client.patch(url("audit-events", event.pk), {}, format="json").status_code == 405


def test_someone_who_changed_something_is_deactivated_not_deleted():
    from django.db.models import ProtectedError

    author = analyst("maritime", username="leaver")
    target = commitment("MAR-04")
    services.commitment_update(
        commitment=target, actor=author, expected_version=target.version, title="Left a trace"
    )

    with pytest.raises(ProtectedError):
        author.delete()
    author.is_active = False
    author.save()

    assert last(commitment_code="MAR-04").actor == author
    assert last(content_type__model="user", object_id=str(author.pk)).changes == {
        "is_active": [True, False]
    }
