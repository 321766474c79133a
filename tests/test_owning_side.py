"""Each government answers for its own part of the record (issue 23): every milestone, meeting,
action item and status report belongs to a side, and only that side's users change it —
through the services, the API, the pages and the admin alike, both directions, whatever their
roles; the operator (issue 25), of neither side, changes nothing. Publication needs the owner,
and an item is never made national-only while someone who owns or is assigned it could no
longer read it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from access import permissions
from access.choices import Marking
from commitments import services
from commitments.models import Commitment, Milestone
from dialogues import services as dialogue_services
from dialogues.choices import ActionItemState, MeetingState
from dialogues.models import ActionItem, Meeting
from tests.api_base import api_client, url
from tests.factories import analyst, chief, commitment, days, manager, nsa, superuser

pytestmark = pytest.mark.usefixtures("loaded")

# (the side that owns the item, the other side): every rule is tried both ways.
DIRECTIONS = [("india", "japan"), ("japan", "india")]
BOTH = pytest.mark.parametrize(("own", "other"), DIRECTIONS, ids=["india→japan", "japan→india"])


@pytest.fixture
def people():
    """Per side: an analyst of maritime and dialogue (staff, for the admin), a manager, and a
    chief (analyst and manager of every pillar); and the operator, the superuser, of neither
    side."""
    found = {}
    for side in ("india", "japan"):
        found[side] = analyst("maritime", "dialogue", side=side, is_staff=True)
        found[f"{side}_manager"] = manager(side=side)
        found[f"{side}_chief"] = chief(side=side, username=f"chief-{side}")
    found["operator"] = superuser(side="")
    return found


def milestone_of(user, code="MAR-01", **fields) -> Milestone:
    return services.milestone_create(
        commitment=commitment(code),
        actor=user,
        title="Liaison officer posted",
        due_date=days(30),
        **fields,
    )


def meeting_of(user, **fields) -> Meeting:
    return dialogue_services.meeting_create(
        mechanism=nsa(),
        actor=user,
        date=datetime.date(2026, 3, 10),
        place="Tokyo",
        state=MeetingState.HELD,
        outcome_summary="Agreed a roadmap.",
        **fields,
    )


def item_of(user, meeting=None, **fields) -> ActionItem:
    return dialogue_services.action_item_create(
        meeting=meeting or meeting_of(user), actor=user, title="Draft the terms", **fields
    )


def fresh(item):
    return type(item).objects.get(pk=item.pk)


# --- every record has an owning side ------------------------------------------------------


@BOTH
def test_a_new_item_belongs_to_the_side_of_whoever_adds_it(people, own, other):
    meeting = meeting_of(people[own])
    assert milestone_of(people[own]).side == own
    assert meeting.side == own
    assert item_of(people[own], meeting).side == own
    assert permissions.owns(people[own], meeting) and not permissions.owns(people[other], meeting)


def test_the_operator_of_no_side_adds_no_item(people, client):
    operator = people["operator"]
    for add in (lambda: milestone_of(operator), lambda: meeting_of(operator)):
        with pytest.raises(PermissionDenied, match="acts for neither government"):
            add()
    meeting = meeting_of(people["india"])
    with pytest.raises(PermissionDenied, match="acts for neither government"):
        item_of(operator, meeting)

    response = api_client(operator).post(
        url("milestones"),
        {"commitment": "MAR-01", "title": "Step", "due_date": str(days(3))},
        format="json",
    )
    assert response.status_code == 403
    assert "neither government" in response.json()["error"]["message"]
    client.force_login(operator)
    page = client.post(
        reverse("milestone-add", args=["MAR-01"]),
        {"title": "Step", "due_date": str(days(3)), "weight": 1, "marking": "bilateral"},
    )
    assert page.status_code == 403
    assert not Milestone.objects.filter(title="Step").exists()


@BOTH
def test_the_api_shows_each_items_side(people, own, other):
    milestone = milestone_of(people[own])
    meeting = meeting_of(people[own])
    item = item_of(people[own], meeting)
    reader = api_client(people[other])
    assert reader.get(url("milestones", milestone.pk)).json()["side"] == own
    assert reader.get(url("meetings", meeting.pk)).json()["side"] == own
    assert reader.get(url("action-items", item.pk)).json()["side"] == own


@BOTH
def test_the_pages_show_each_items_side(people, client, own, other):
    milestone = milestone_of(people[own])
    meeting = meeting_of(people[own])
    item_of(people[own], meeting)
    client.force_login(people[other])
    label = own.capitalize()
    page = client.get(reverse("commitment-detail", args=["MAR-01"])).content.decode()
    row = page[page.index(f'id="milestone-{milestone.pk}"') :]
    assert f"owning-side-{own}" in row[: row.index("</tr>")]
    assert f"by {label}" in page
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert page.count(f"owning-side-{own}") == 2  # the meeting and its action item


# --- only the owning side changes its own records: the services ---------------------------


MILESTONE_WRITES = {
    "edit": lambda m, u: services.milestone_update(
        milestone=m, actor=u, expected_version=m.version, title="Renamed"
    ),
    "re-date": lambda m, u: services.milestone_update(
        milestone=m, actor=u, expected_version=m.version, due_date=days(90)
    ),
    "complete": lambda m, u: services.milestone_complete(
        milestone=m, actor=u, expected_version=m.version
    ),
    "reopen": lambda m, u: services.milestone_reopen(
        milestone=m, actor=u, expected_version=m.version
    ),
    "delete": lambda m, u: services.milestone_delete(
        milestone=m, actor=u, expected_version=m.version
    ),
    "re-mark": lambda m, u: services.marking_change(
        item=m, actor=u, marking=Marking.PUBLIC, pillar_id=m.commitment.pillar_id
    ),
}


@BOTH
@pytest.mark.parametrize("who", ["analyst", "manager", "chief", "operator"])
@pytest.mark.parametrize("write", MILESTONE_WRITES)
def test_the_other_side_changes_none_of_a_sides_milestones(people, own, other, who, write):
    done = write == "reopen"
    milestone = milestone_of(people[own], completed_on=days(-1) if done else None)
    actor = {
        "analyst": people[other],
        "manager": people[f"{other}_manager"],
        "chief": people[f"{other}_chief"],
    }.get(who, people["operator"])
    before = fresh(milestone)

    with pytest.raises(PermissionDenied):
        MILESTONE_WRITES[write](fresh(milestone), actor)

    after = fresh(milestone)
    assert (after.title, after.due_date, after.completed_on, after.marking, after.version) == (
        before.title,
        before.due_date,
        before.completed_on,
        before.marking,
        before.version,
    )


@BOTH
@pytest.mark.parametrize("write", MILESTONE_WRITES)
def test_the_owning_side_changes_its_milestones(people, own, other, write):
    milestone = milestone_of(people[own], completed_on=days(-1) if write == "reopen" else None)
    actor = people[f"{own}_manager"] if write == "re-mark" else people[own]

    MILESTONE_WRITES[write](fresh(milestone), actor)

    if write == "delete":
        assert not Milestone.objects.filter(pk=milestone.pk).exists()
    else:
        assert fresh(milestone).version > milestone.version or write == "re-mark"


DIALOGUE_WRITES = {
    "meeting": lambda i, u: dialogue_services.meeting_update(
        meeting=i, actor=u, expected_version=i.version, place="Delhi"
    ),
    "meeting re-mark": lambda i, u: services.marking_change(
        item=i, actor=u, marking=Marking.PUBLIC, pillar_id=i.mechanism.pillar_id
    ),
    "item": lambda i, u: dialogue_services.action_item_update(
        action_item=i, actor=u, expected_version=i.version, due_date=days(40)
    ),
    "item done": lambda i, u: dialogue_services.action_item_update(
        action_item=i, actor=u, expected_version=i.version, state=ActionItemState.DONE
    ),
    "item re-mark": lambda i, u: services.marking_change(
        item=i, actor=u, marking=Marking.PUBLIC, pillar_id=i.meeting.mechanism.pillar_id
    ),
}


@BOTH
@pytest.mark.parametrize("who", ["analyst", "chief", "operator"])
@pytest.mark.parametrize("write", DIALOGUE_WRITES)
def test_the_other_side_changes_none_of_a_sides_meetings_and_action_items(
    people, own, other, who, write
):
    meeting = meeting_of(people[own])
    target = meeting if write.startswith("meeting") else item_of(people[own], meeting)
    actor = {"analyst": people[other], "chief": people[f"{other}_chief"]}.get(
        who, people["operator"]
    )

    with pytest.raises(PermissionDenied):
        DIALOGUE_WRITES[write](fresh(target), actor)

    assert fresh(target).version == target.version
    assert fresh(target).marking == Marking.BILATERAL


@BOTH
def test_an_assignee_of_the_other_side_does_not_close_the_action_item(people, own, other):
    """Kept strict: the owning side changes its records, closing them included; the assignee
    of the other government reports through its own side."""
    item = item_of(people[own], owner=people[other])

    with pytest.raises(PermissionDenied):
        DIALOGUE_WRITES["item done"](fresh(item), people[other])
    assert fresh(item).state == ActionItemState.OPEN

    DIALOGUE_WRITES["item done"](fresh(item), people[own])
    assert fresh(item).state == ActionItemState.DONE


@BOTH
def test_a_chief_writes_only_their_own_sides_assessment(people, own, other):
    with pytest.raises(PermissionDenied):
        services.status_update_create(
            commitment=commitment("MAR-01"),
            author=people[f"{own}_chief"],
            side=other,
            status="at_risk",
            note="Theirs.",
            expected_version=None,
        )
    entry = services.status_update_create(
        commitment=commitment("MAR-01"),
        author=people[f"{own}_chief"],
        status="at_risk",
        note="Ours.",
        expected_version=None,
    )
    assert entry.side == own
    with pytest.raises(PermissionDenied):  # nor re-marks the other side's report
        services.marking_change(
            item=entry,
            actor=people[f"{other}_chief"],
            marking=Marking.PUBLIC,
            pillar_id=commitment("MAR-01").pillar_id,
        )


# --- the API: 403, the item unchanged -----------------------------------------------------


def if_match(item) -> dict:
    return {"HTTP_IF_MATCH": f'"{fresh(item).version}"'}


@BOTH
def test_the_api_refuses_the_other_side_a_403_and_changes_nothing(people, own, other):
    milestone = milestone_of(people[own])
    meeting = meeting_of(people[own])
    item = item_of(people[own], meeting)
    client = api_client(people[other])
    writes = [
        (
            milestone,
            lambda: client.patch(
                url("milestones", milestone.pk),
                {"title": "X"},
                format="json",
                **if_match(milestone),
            ),
        ),
        (
            milestone,
            lambda: client.patch(
                url("milestones", milestone.pk),
                {"completed_on": str(days(0))},
                format="json",
                **if_match(milestone),
            ),
        ),
        (milestone, lambda: client.delete(url("milestones", milestone.pk), **if_match(milestone))),
        (
            meeting,
            lambda: client.patch(
                url("meetings", meeting.pk), {"place": "X"}, format="json", **if_match(meeting)
            ),
        ),
        (
            item,
            lambda: client.patch(
                url("action-items", item.pk), {"state": "done"}, format="json", **if_match(item)
            ),
        ),
    ]
    for target, write in writes:
        response = write()
        assert response.status_code == 403, response.content
        assert own.capitalize() in response.json()["error"]["message"]
        assert fresh(target).version == target.version
    marking = api_client(people[f"{other}_manager"]).post(
        "/api/v1/markings/",
        {"object_type": "milestone", "id": milestone.pk, "marking": "public"},
        format="json",
    )
    assert marking.status_code == 403
    assert fresh(milestone).marking == Marking.BILATERAL

    own_client = api_client(people[own])
    answer = own_client.patch(
        url("milestones", milestone.pk), {"title": "Ours"}, format="json", **if_match(milestone)
    )
    assert answer.status_code == 200
    assert answer.json()["side"] == own


# --- the pages: no control shown, a forged post refused -----------------------------------


@BOTH
def test_the_commitment_page_offers_the_other_side_no_control_and_refuses_its_posts(
    people, client, own, other
):
    milestone = milestone_of(people[own])
    edit = reverse("milestone-edit", args=["MAR-01", milestone.pk])
    done = reverse("milestone-done", args=["MAR-01", milestone.pk])
    marking = reverse("marking-set", args=["milestone", milestone.pk])

    client.force_login(people[own])
    page = client.get(reverse("commitment-detail", args=["MAR-01"])).content.decode()
    assert edit in page and done in page and marking in page

    client.force_login(people[other])
    page = client.get(reverse("commitment-detail", args=["MAR-01"])).content.decode()
    assert edit not in page and done not in page and marking not in page
    assert client.get(edit).status_code == 403
    assert (
        client.post(
            edit,
            {
                "title": "Forged",
                "due_date": str(days(5)),
                "weight": 1,
                "marking": "bilateral",
                "version": milestone.version,
            },
        ).status_code
        == 403
    )
    assert client.post(done, {"version": milestone.version}).status_code == 403
    client.force_login(people[f"{other}_manager"])
    client.post(marking, {"marking": "public", "next": "/"})
    after = fresh(milestone)
    assert (after.title, after.completed_on, after.marking) == (
        milestone.title,
        None,
        Marking.BILATERAL,
    )


@BOTH
def test_the_meeting_page_offers_the_other_side_no_control_and_refuses_its_posts(
    people, client, own, other
):
    meeting = meeting_of(people[own])
    item = item_of(people[own], meeting)
    meeting_edit = reverse("meeting-edit", args=[meeting.pk])
    item_edit = reverse("action-item-edit", args=[item.pk])

    client.force_login(people[own])
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert meeting_edit in page and item_edit in page

    client.force_login(people[other])
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert meeting_edit not in page and item_edit not in page
    assert "Add the action item" in page  # it adds its own instead
    forged_meeting = {
        "date": "2026-03-11",
        "place": "Forged",
        "state": "held",
        "outcome_summary": "Forged.",
        "marking": "bilateral",
        "version": meeting.version,
    }
    assert client.post(meeting_edit, forged_meeting).status_code == 403
    assert (
        client.post(
            item_edit, {"part": "state", "state": "done", "version": item.version}
        ).status_code
        == 403
    )
    assert (
        client.post(
            item_edit,
            {"title": "Forged", "state": "open", "marking": "bilateral", "version": item.version},
        ).status_code
        == 403
    )
    assert client.get(item_edit).status_code == 403
    assert (fresh(meeting).version, fresh(item).version) == (meeting.version, item.version)


# --- the admin: the change refused --------------------------------------------------------


@BOTH
def test_the_admin_refuses_the_other_side(people, client, own, other):
    milestone = milestone_of(people[own])
    meeting = meeting_of(people[own])
    item = item_of(people[own], meeting)
    client.force_login(people[other])
    milestone_change = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    posted = {
        "title": "Forged",
        "due_date": str(milestone.due_date),
        "owner": "",
        "weight": 1,
        "completed_on": "",
        "marking": "bilateral",
        "expected_version": milestone.version,
    }
    assert client.post(milestone_change, posted).status_code == 403
    delete = reverse("admin:commitments_milestone_delete", args=[milestone.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    meeting_change = reverse("admin:dialogues_meeting_change", args=[meeting.pk])
    assert (
        client.post(
            meeting_change,
            {
                "date": "2026-03-11",
                "place": "Forged",
                "state": "held",
                "outcome_summary": "",
                "marking": "bilateral",
                "expected_version": meeting.version,
                "action_items-TOTAL_FORMS": 0,
                "action_items-INITIAL_FORMS": 0,
            },
        ).status_code
        == 403
    )
    item_change = reverse("admin:dialogues_actionitem_change", args=[item.pk])
    assert (
        client.post(
            item_change,
            {
                "title": "Forged",
                "state": "open",
                "marking": "bilateral",
                "expected_version": item.version,
            },
        ).status_code
        == 403
    )
    bulk = client.post(
        reverse("admin:commitments_milestone_changelist"),
        {"action": "delete_selected", "_selected_action": [milestone.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert fresh(milestone).title == milestone.title
    assert (fresh(meeting).version, fresh(item).version) == (meeting.version, item.version)

    # The owning side's staff changes it there.
    client.force_login(people[own])
    posted["title"] = "Ours"
    assert client.post(milestone_change, posted).status_code == 302
    assert fresh(milestone).title == "Ours"


# --- publication needs the owner ----------------------------------------------------------


@BOTH
def test_only_the_owning_sides_manager_publishes_its_bilateral_items(people, own, other):
    milestone = milestone_of(people[own])
    report = services.status_update_create(
        commitment=commitment("MAR-01"),
        author=people[own],
        status="at_risk",
        note="Our words.",
        expected_version=None,
    )
    pillar = commitment("MAR-01").pillar_id
    for target in (milestone, report):
        with pytest.raises(PermissionDenied):
            services.marking_change(
                item=fresh(target),
                actor=people[f"{other}_manager"],
                marking="public",
                pillar_id=pillar,
            )
        assert fresh(target).marking == Marking.BILATERAL
        services.marking_change(
            item=fresh(target),
            actor=people[f"{own}_manager"],
            marking="public",
            pillar_id=pillar,
        )
        assert fresh(target).marking == Marking.PUBLIC


@BOTH
def test_no_item_is_made_national_only_while_someone_of_the_other_side_owns_it(people, own, other):
    national = f"{own}_only"
    milestone = milestone_of(people[own], owner=people[other])
    item = item_of(people[own], owner=people[other])
    pillar = commitment("MAR-01").pillar_id
    for target, write in [
        (
            milestone,
            lambda: services.marking_change(
                item=fresh(milestone), actor=people[own], marking=national, pillar_id=pillar
            ),
        ),
        (
            milestone,
            lambda: services.milestone_update(
                milestone=fresh(milestone),
                actor=people[own],
                expected_version=milestone.version,
                marking=national,
            ),
        ),
        (
            item,
            lambda: services.marking_change(
                item=fresh(item),
                actor=people[own],
                marking=national,
                pillar_id=item.meeting.mechanism.pillar_id,
            ),
        ),
        (
            item,
            lambda: dialogue_services.action_item_update(
                action_item=fresh(item),
                actor=people[own],
                expected_version=item.version,
                marking=national,
            ),
        ),
    ]:
        with pytest.raises(ValidationError) as refused:
            write()
        assert people[other].username in refused.value.message_dict["marking"][0]
        assert fresh(target).marking == Marking.BILATERAL

    # Through the API, a 400 on `marking` naming the owner.
    response = api_client(people[own]).post(
        "/api/v1/markings/",
        {"object_type": "milestone", "id": milestone.pk, "marking": national},
        format="json",
    )
    assert response.status_code == 400
    assert people[other].username in str(response.json()["error"]["fields"]["marking"])

    # A commitment's responsible user of the other side keeps its context readable too.
    Commitment.objects.filter(code="MAR-01").update(**{f"responsible_{other}": people[other]})
    with pytest.raises(ValidationError) as refused:
        services.marking_change(
            item=commitment("MAR-01"),
            actor=people[f"{own}_manager"],
            marking=national,
            pillar_id=pillar,
        )
    assert people[other].username in refused.value.message_dict["marking"][0]
    # ...however the marking is sent: a commitment's PATCH with `marking` too (by a chief of
    # the side, who both edits the pillar and manages).
    with pytest.raises(ValidationError) as refused:
        services.commitment_update(
            commitment=commitment("MAR-01"),
            actor=chief(username=f"holders-{own}", side=own),
            expected_version=commitment("MAR-01").version,
            marking=national,
        )
    assert people[other].username in refused.value.message_dict["marking"][0]
    assert commitment("MAR-01").marking == Marking.BILATERAL

    # Reassigned to their own side, it may be.
    services.milestone_update(
        milestone=fresh(milestone),
        actor=people[own],
        expected_version=milestone.version,
        owner=people[own],
        marking=national,
    )
    assert fresh(milestone).marking == national
