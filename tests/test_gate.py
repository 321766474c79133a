"""The gate holds by construction: an endpoint written without naming its reader (a page, a
DRF view set with `queryset = Model.objects.all()`, a foreign key followed, a prefetch) still
shows each government only what it may read, in both directions; and a blanked copy of an
item can never be saved over the stored one."""

import pytest
from rest_framework.test import APIClient

from access.choices import Marking, Side
from access.markings import reading_as, system_reads
from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, Milestone
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import DialogueMechanism
from tests.factories import analyst, commitment, days, manager

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.urls("tests.naive_endpoints")]

NATIONAL = {Side.INDIA: Marking.INDIA_ONLY, Side.JAPAN: Marking.JAPAN_ONLY}
CODE = {Side.INDIA: "MAR-01", Side.JAPAN: "MAR-02"}


@pytest.fixture
def world():
    """Each side plants its own national text in every markable field."""
    people = {}
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    for side in (Side.INDIA, Side.JAPAN):
        author = analyst("maritime", "dialogue", username=f"gate-{side}", side=side)
        people[side] = author
        code, marking, word = CODE[side], NATIONAL[side], f"GATE-{side.upper()}"
        services.marking_change(
            item=commitment(code),
            actor=manager(username=f"gate-mgr-{side}", side=side),
            marking=marking,
            pillar_id=commitment(code).pillar_id,
        )
        Commitment.objects.filter(code=code).update(context=f"{word}-context")
        services.status_update_create(
            commitment=commitment(code),
            author=author,
            status=Status.AT_RISK,
            note=f"{word}-note",
            expected_version=None,
            marking=marking,
        )
        services.milestone_create(
            commitment=commitment(code),
            actor=author,
            title=f"{word}-milestone",
            due_date=days(-1),
            completed_on=days(-1),
            marking=marking,
        )
        meeting = dialogue_services.meeting_create(
            mechanism=mechanism,
            actor=author,
            date=days(-3),
            state=MeetingState.HELD,
            outcome_summary=f"{word}-outcome",
            marking=marking,
        )
        dialogue_services.action_item_create(
            meeting=meeting,
            actor=author,
            title=f"{word}-action",
            description=f"{word}-description",
            commitment=commitment(code),
            marking=marking,
        )
    return people


def fetch(user, path) -> str:
    client = APIClient()
    client.force_authenticate(user)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
@pytest.mark.parametrize(
    "path", ["/naive/", "/api/naive/naive-milestones/", "/api/naive/naive-trail/"]
)
def test_a_naive_endpoint_shows_each_side_its_own_and_never_the_others(world, side, path):
    other = Side.JAPAN if side == Side.INDIA else Side.INDIA
    seen = fetch(world[side], path)

    assert f"GATE-{other.upper()}" not in seen
    assert f"GATE-{side.upper()}" in seen  # the control: the endpoint does print what it reads


def test_a_naive_count_counts_what_the_reader_may_read(world):
    in_count = fetch(world[Side.INDIA], "/naive/").split("count=")[1].split("\n")[0]
    with system_reads("the test's own count"):
        everything = Milestone.objects.count()
        national = Milestone.objects.filter(marking=Marking.JAPAN_ONLY).count()
    assert int(in_count) == everything - national


def test_an_instance_read_with_its_text_withheld_cannot_be_saved(world):
    with reading_as(world[Side.JAPAN]):
        blanked = Commitment.objects.get(code=CODE[Side.INDIA])
    assert (blanked.context, blanked.withheld) == ("", True)
    with pytest.raises(TypeError):
        blanked.save()
    assert Commitment.objects.get(code=CODE[Side.INDIA]).context == "GATE-INDIA-context"
