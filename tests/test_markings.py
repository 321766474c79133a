"""Who may give an item which release marking, through the services, the forms and the API;
what each reader then sees of it; and that every change of a marking is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from access import visibility
from access.choices import Marking
from audit.models import AuditEvent
from commitments import services
from commitments.choices import Status
from commitments.models import Milestone, StatusUpdate
from dialogues import services as dialogue_services
from dialogues.models import DialogueMechanism
from tests.api_base import api_client, assert_error, url
from tests.factories import (
    UserFactory,
    analyst,
    chief,
    commitment,
    days,
    manager,
    superuser,
    viewer,
)

pytestmark = pytest.mark.usefixtures("loaded")
IN, BI, PU, JP = Marking.INDIA_ONLY, Marking.BILATERAL, Marking.PUBLIC, Marking.JAPAN_ONLY


@pytest.fixture
def people():
    return {
        "in_analyst": analyst("maritime", "dialogue", side="india"),
        "jp_analyst": analyst("maritime", "dialogue", side="japan"),
        "in_manager": manager(side="india"),
        "jp_manager": manager(side="japan"),
        "in_viewer": viewer(side="india"),
        "public": UserFactory(side="", role="Viewer"),
        "chief_in": chief(side="india"),
        "operator": superuser(side="india"),  # given a side, it keeps none
    }


def test_each_reader_reads_public_bilateral_and_their_own_sides_items(people):
    expected = {
        "in_analyst": {PU, BI, IN},
        "jp_analyst": {PU, BI, JP},
        "in_viewer": {PU, BI, IN},
        "public": {PU},
        "chief_in": {PU, BI, IN},
        "operator": {PU},  # of neither side: what a public reader reads
    }
    for name, markings in expected.items():
        assert visibility.reader_markings(people[name]) == markings, name


def milestone(author, marking=BI, **kw):
    return services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=author,
        title="Step",
        due_date=days(9),
        marking=marking,
        **kw,
    )


# (who, from, to, allowed): tighter by the side's editors, looser only by its managers
CHANGES = [
    ("in_analyst", BI, IN, True),
    ("in_analyst", BI, JP, False),  # not their side
    ("in_analyst", IN, BI, False),  # looser: a manager's
    ("in_analyst", BI, PU, False),
    ("in_analyst", PU, BI, True),
    ("in_manager", IN, BI, True),
    ("in_manager", IN, PU, True),
    ("in_manager", BI, PU, True),
    # Issue 23: bilateral → public only by the owning side's manager (it used to be either's).
    ("jp_manager", BI, PU, False),
    ("jp_analyst", BI, JP, False),  # an item India added: Japan cannot take it for itself
    ("chief_in", IN, BI, True),
    ("operator", PU, BI, False),  # the operator marks nothing
    ("operator", BI, PU, False),
]


@pytest.mark.parametrize(("who", "before", "after", "allowed"), CHANGES)
def test_who_may_change_a_milestones_marking(people, who, before, after, allowed):
    author = people["in_analyst"] if before != JP else people["jp_analyst"]
    item = milestone(author, marking=before)
    actor = people[who]

    def change():
        return services.marking_change(
            item=Milestone.objects.get(pk=item.pk),
            actor=actor,
            marking=after,
            pillar_id=item.commitment.pillar_id,
        )

    if allowed:
        change()
        assert Milestone.objects.get(pk=item.pk).marking == after
        event = AuditEvent.objects.filter(object_id=str(item.pk)).order_by("-id").first()
        assert event.changes["marking"] == [before, after]
        assert event.actor == actor
    else:
        with pytest.raises(PermissionDenied):
            change()
        assert Milestone.objects.get(pk=item.pk).marking == before


def test_only_a_user_of_the_side_marks_an_item_national(people):
    with pytest.raises(PermissionDenied):
        milestone(people["in_analyst"], marking=JP)
    with pytest.raises(ValidationError) as error:
        milestone(people["in_analyst"], marking="secret")
    assert "marking" in error.value.message_dict
    assert milestone(people["in_analyst"], marking=IN).marking == IN


def test_an_owner_must_be_able_to_read_what_they_own(people):
    with pytest.raises(ValidationError) as error:
        milestone(people["in_analyst"], marking=IN, owner=people["jp_analyst"])
    assert "owner" in error.value.message_dict
    assert milestone(people["in_analyst"], marking=BI, owner=people["jp_analyst"]).owner


def test_a_status_updates_marking_changes_without_touching_the_trail_otherwise(people):
    update = services.status_update_create(
        commitment=commitment("MAR-02"),
        author=people["in_analyst"],
        status=Status.AT_RISK,
        note="Budget question inside the ministry.",
        expected_version=None,
        marking=IN,
    )

    services.marking_change(
        item=update,
        actor=people["in_manager"],
        marking=BI,
        pillar_id=update.commitment.pillar_id,
    )

    stored = StatusUpdate.objects.get(pk=update.pk)
    assert (stored.marking, stored.note, stored.assessment) == (BI, update.note, Status.AT_RISK)
    event = AuditEvent.objects.filter(content_type__model="statusupdate").get()
    # The event follows the status update's marking now: made bilateral by India, both read it.
    assert (event.changes, event.marking, event.commitment_code) == (
        {"marking": [IN, BI]},
        BI,
        "MAR-02",
    )
    with pytest.raises(TypeError):
        stored.note = "edited"
        stored.save()


def test_a_status_update_shows_its_statuses_to_both_sides_but_its_note_only_to_its_readers(people):
    services.status_update_create(
        commitment=commitment("MAR-03"),
        author=people["in_analyst"],
        status=Status.OFF_TRACK,
        note="Only for India.",
        evidence_url="https://example.org/india",
        expected_version=None,
        marking=IN,
    )

    japan = api_client(people["jp_analyst"]).get(url("commitments", "MAR-03")).json()
    india = api_client(people["in_analyst"]).get(url("commitments", "MAR-03")).json()

    assert japan["sides"]["india"]["status"] == india["sides"]["india"]["status"] == "off_track"
    assert (japan["sides"]["india"]["note"], japan["sides"]["india"]["evidence_url"]) == ("", None)
    assert india["sides"]["india"]["note"] == "Only for India."
    trail = api_client(people["jp_analyst"]).get(url("commitments", "MAR-03", "status-updates"))
    update = trail.json()["results"][0]
    assert (update["assessment"], update["note"], update["marking"]) == ("off_track", "", IN)


def test_the_api_takes_a_marking_on_every_write_and_refuses_an_unknown_one(people):
    client = api_client(people["in_analyst"])
    bad = client.post(
        url("milestones"),
        {"commitment": "MAR-01", "title": "x", "due_date": str(days(5)), "marking": "secret"},
        format="json",
    )
    assert_error(bad, 400, "invalid", fields=["marking"])
    other_side = client.post(
        url("milestones"),
        {"commitment": "MAR-01", "title": "x", "due_date": str(days(5)), "marking": JP},
        format="json",
    )
    assert_error(other_side, 403, "permission_denied")
    made = client.post(
        url("milestones"),
        {"commitment": "MAR-01", "title": "Ours", "due_date": str(days(5)), "marking": IN},
        format="json",
    )
    assert made.status_code == 201 and made.json()["marking"] == IN
    refused = client.post(
        url("commitments", "MAR-01", "status-updates"),
        {"status": "on_track", "note": "x", "marking": "nope"},
        format="json",
    )
    assert_error(refused, 400, "invalid", fields=["marking"])
    assert not StatusUpdate.objects.filter(commitment__code="MAR-01").exists()


def test_a_manager_releases_an_item_through_the_api_and_an_analyst_may_not(people):
    item = milestone(people["in_analyst"], marking=IN)
    body = {"object_type": "milestone", "id": item.pk, "marking": BI}

    assert_error(
        api_client(people["in_analyst"]).post(url("markings"), body, format="json"),
        403,
        "permission_denied",
    )
    # The other side cannot even find it.
    hidden = api_client(people["jp_manager"]).post(url("markings"), body, format="json")
    assert hidden.status_code == 404
    released = api_client(people["in_manager"]).post(url("markings"), body, format="json")
    assert released.status_code == 200
    assert released.json() == {"object_type": "milestone", "id": item.pk, "marking": BI}
    assert api_client(people["jp_analyst"]).get(url("milestones", item.pk)).status_code == 200
    unknown = api_client(people["in_manager"]).post(
        url("markings"), body | {"marking": "open"}, format="json"
    )
    assert_error(unknown, 400, "invalid", fields=["marking"])


def test_the_page_offers_each_user_only_the_markings_they_may_give(client, people):
    client.force_login(people["jp_analyst"])
    html = client.get("/commitments/MAR-01/").content.decode()

    form = html[html.index('id="status-form"') :]
    form = form[: form.index("</form>")]
    # A new item may be public, bilateral or the writer's own side's: never the other side's.
    assert 'value="japan_only"' in form and 'value="bilateral"' in form
    assert 'value="public"' in form
    assert 'value="india_only"' not in form


def test_a_meetings_outcome_is_withheld_but_the_meeting_is_shared(client, people):
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    meeting = dialogue_services.meeting_create(
        mechanism=mechanism,
        actor=people["in_analyst"],
        date=days(-2),
        outcome_summary="Delhi's own reading of the talks.",
        marking=IN,
    )
    client.force_login(people["jp_analyst"])

    html = client.get(f"/dialogues/meetings/{meeting.pk}/").content.decode()

    assert "Delhi&#x27;s own reading" not in html and "Delhi's own reading" not in html
    assert "Not shared with your government." in html
    assert 'id="meeting-heading"' in html
    # Nobody edits an outcome they may not read: no form that could blank it.
    assert f'action="/dialogues/meetings/{meeting.pk}/edit/"' not in html
    refused = client.post(
        f"/dialogues/meetings/{meeting.pk}/edit/",
        {
            "date": str(days(-2)),
            "state": "held",
            "outcome_summary": "",
            "marking": "bilateral",
            "version": 1,
        },
    )
    assert refused.status_code == 403
    meeting.refresh_from_db()
    assert meeting.outcome_summary == "Delhi's own reading of the talks."


def test_a_reminder_of_an_item_since_marked_for_the_other_side_drops_out(client, people):
    from declaration_tracker.core.timezones import local_today
    from notifications.models import Digest, Reminder

    japan = people["jp_analyst"]
    item = milestone(people["in_analyst"], marking=BI)
    day = local_today(japan)
    digest = Digest.objects.create(recipient=japan, day=day)
    Reminder.objects.create(
        recipient=japan,
        digest=digest,
        day=day,
        kind="due_soon",
        item_key=f"milestone:{item.pk}",
        title="MAR-01: Shared until now",
        path="/commitments/MAR-01/",
    )
    client.force_login(japan)
    assert "Shared until now" in client.get("/notifications/").content.decode()

    services.marking_change(
        item=item, actor=people["in_analyst"], marking=IN, pillar_id=item.commitment.pillar_id
    )

    assert "Shared until now" not in client.get("/notifications/").content.decode()


def test_only_its_own_side_makes_a_shared_item_national(people):
    """Neither government takes a shared item away from the other: a milestone Japan added
    can be made Japan-only by Japan, never India-only by India, whoever asks."""
    japanese = milestone(people["jp_analyst"], marking=BI)
    assert japanese.side == "japan"

    for who in ("in_analyst", "in_manager", "chief_in", "operator"):
        with pytest.raises(PermissionDenied):
            services.marking_change(
                item=Milestone.objects.get(pk=japanese.pk),
                actor=people[who],
                marking=IN,
                pillar_id=japanese.commitment.pillar_id,
            )
    services.marking_change(
        item=Milestone.objects.get(pk=japanese.pk),
        actor=people["jp_analyst"],
        marking=JP,
        pillar_id=japanese.commitment.pillar_id,
    )
    assert Milestone.objects.get(pk=japanese.pk).marking == JP
    # A status update is its side's: the other side cannot make it its own.
    update = services.status_update_create(
        commitment=commitment("MAR-05"),
        author=people["jp_analyst"],
        status=Status.ON_TRACK,
        note="Japan's view.",
        expected_version=None,
    )
    with pytest.raises(PermissionDenied):
        services.marking_change(
            item=update,
            actor=people["in_manager"],
            marking=IN,
            pillar_id=update.commitment.pillar_id,
        )
