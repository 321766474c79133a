"""Search finds comment text the reader may read, and only that (issue 26): the commitments list
(page and API) finds a commitment by its comments and its milestones'; the meetings, milestones
and action items of the API find theirs. A comment the reader may not read (national-only of the
other side, on an item they cannot see, deleted) never makes its item match. Both directions."""

import pytest
from django.test import Client

from access.choices import Marking, Role
from commitments import services
from dialogues import services as dialogue_services
from dialogues.models import DialogueMechanism
from discussion.comment_services import comment_create, comment_delete
from tests.api_base import api_client
from tests.discussion.common import BOTH, NATIONAL
from tests.factories import UserFactory, analyst, commitment, days, superuser

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def people():
    found = {
        side: analyst("maritime", "dialogue", username=f"s-{side}", side=side)
        for side in ("india", "japan")
    }
    found["public"] = UserFactory(side="", role=Role.VIEWER, username="s-public")
    found["operator"] = superuser(username="s-operator")
    return found


def page_codes(user, word: str) -> set[str]:
    client = Client()
    client.force_login(user)
    response = client.get("/commitments/", {"search": word})
    assert response.status_code == 200
    return {c.code for c in response.context["page"].object_list}


def api_found(user, path: str, word: str, key: str = "id") -> set:
    response = api_client(user).get(path, {"search": word})
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def commitment_codes(user, word: str) -> set[str]:
    """The commitments found for `word`, on the page and in the API (which must agree)."""
    on_page = page_codes(user, word)
    assert api_found(user, "/api/v1/commitments/", word, key="code") == on_page
    return on_page


@BOTH
def test_a_commitment_is_found_by_a_comment_its_reader_may_read_and_only_then(people, own, other):
    comment_create(target=commitment("MAR-01"), actor=people[own], body="Talked of quokkaflux.")
    comment_create(
        target=commitment("MAR-02"),
        actor=people[own],
        body="Our own view: zebrawhisper.",
        marking=NATIONAL[own],
    )

    assert commitment_codes(people[other], "quokkaflux") == {"MAR-01"}
    assert commitment_codes(people[other], "zebrawhisper") == set()
    assert commitment_codes(people[own], "zebrawhisper") == {"MAR-02"}
    # Every word must match, each in the commitment's own text or in a comment.
    assert commitment_codes(people[other], "quokkaflux MAR-01") == {"MAR-01"}
    assert commitment_codes(people[other], "quokkaflux MAR-02") == set()
    # Bilateral is not for readers of no side.
    for nobody in ("public", "operator"):
        assert commitment_codes(people[nobody], "quokkaflux") == set()


@BOTH
def test_a_public_comment_is_found_by_everyone_and_a_deleted_one_by_nobody(people, own, other):
    comment_create(
        target=commitment("MAR-04"),
        actor=people[own],
        body="For all: cassowarytide.",
        marking=Marking.PUBLIC,
    )
    draft = comment_create(
        target=commitment("MAR-03"), actor=people[own], body="Draft lyrebirdsong."
    )
    comment_delete(comment=draft, actor=people[own], expected_version=None)

    for reader in (own, other, "public", "operator"):
        assert commitment_codes(people[reader], "cassowarytide") == {"MAR-04"}, reader
        assert commitment_codes(people[reader], "lyrebirdsong") == set(), reader


@BOTH
def test_a_milestones_comment_finds_the_milestone_and_its_commitment_for_its_readers(
    people, own, other
):
    shared, hidden = (
        services.milestone_create(
            commitment=commitment(code), actor=people[own], title="Step", due_date=days(9), **mark
        )
        for code, mark in (("MAR-01", {}), ("MAR-02", {"marking": NATIONAL[own]}))
    )
    comment_create(target=shared, actor=people[own], body="Noted wombatgrain.")
    # On an item the other side cannot see: never wider than it, so never theirs.
    comment_create(target=hidden, actor=people[own], body="Noted dingoflare.")

    milestones = "/api/v1/milestones/"
    assert api_found(people[other], milestones, "wombatgrain") == {shared.pk}
    assert commitment_codes(people[other], "wombatgrain") == {"MAR-01"}
    assert api_found(people[other], milestones, "dingoflare") == set()
    assert commitment_codes(people[other], "dingoflare") == set()
    assert api_found(people[own], milestones, "dingoflare") == {hidden.pk}
    assert commitment_codes(people[own], "dingoflare") == {"MAR-02"}


@BOTH
def test_meetings_and_action_items_are_found_by_their_comments_for_their_readers(
    people, own, other
):
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    meeting = dialogue_services.meeting_create(
        mechanism=mechanism, actor=people[own], date=days(-2)
    )
    item = dialogue_services.action_item_create(meeting=meeting, actor=people[own], title="Act")
    comment_create(target=meeting, actor=people[own], body="Agenda platypusfern.")
    comment_create(target=item, actor=people[own], body="Inside emuquartz.", marking=NATIONAL[own])

    meetings, items = "/api/v1/meetings/", "/api/v1/action-items/"
    assert api_found(people[other], meetings, "platypusfern") == {meeting.pk}
    assert api_found(people[other], meetings, "emuquartz") == set()
    assert api_found(people[other], items, "emuquartz") == set()
    assert api_found(people[own], items, "emuquartz") == {item.pk}
    # A meeting is found by its action items' comments too (they are on its page).
    assert api_found(people[own], meetings, "emuquartz") == {meeting.pk}
    # The public reader reads neither.
    assert api_found(people["public"], meetings, "platypusfern") == set()


def test_past_views_do_not_search_comments(people):
    comment_create(target=commitment("MAR-01"), actor=people["india"], body="Now: koalaspark.")
    today = days(0).isoformat()
    client = Client()
    client.force_login(people["india"])

    response = client.get("/commitments/", {"search": "koalaspark", "as_of": today})

    assert response.status_code == 200 and response.context["total"] == 0
    assert page_codes(people["india"], "koalaspark") == {"MAR-01"}
