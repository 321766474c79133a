"""Comments on the record (issue 26): a thread on every commitment, milestone, meeting and action
item, each comment under its own marking through the one gate, never released more widely than
the item it is on; written by the analysts and managers of a side, changed and deleted by their
author only (the previous text kept in the audit log, a tombstone in the thread); both
directions, on the pages (htmx and plain posts), the API and the audit log."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from access.choices import Marking, Role
from audit.models import AuditEvent
from commitments import services
from discussion.attachment_services import attachment_add
from discussion.comment_services import comment_create, comment_delete, comment_update
from discussion.forms import markings_for_edit
from discussion.models import Comment
from tests.api_base import api_client, assert_error
from tests.discussion.common import BOTH, NATIONAL, browser
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

THREAD = "/api/v1/commitments/MAR-01/comments/"


@pytest.fixture
def people():
    found = {}
    for side in ("india", "japan"):
        found[side] = analyst("maritime", username=f"c-{side}", side=side)
        found[f"{side}_manager"] = manager(username=f"c-{side}-mgr", side=side)
        found[f"{side}_viewer"] = viewer(username=f"c-{side}-viewer", side=side)
    found["public"] = UserFactory(side="", role=Role.VIEWER, username="c-public")
    found["operator"] = superuser(username="c-operator")
    return found


def texts(response) -> set[str]:
    return {comment["body"] for comment in response.json()["results"]}


@BOTH
def test_the_other_side_reads_a_bilateral_comment_and_never_a_national_one(people, own, other):
    comment_create(target=commitment("MAR-01"), actor=people[own], body="Shared view.")
    secret = comment_create(
        target=commitment("MAR-01"),
        actor=people[own],
        body="SENTINEL national view.",
        marking=NATIONAL[own],
    )
    public = comment_create(
        target=commitment("MAR-01"),
        actor=people[f"{own}_manager"],
        body="For everyone.",
        marking=Marking.PUBLIC,
    )

    theirs = api_client(people[other])
    assert texts(theirs.get(THREAD)) == {"Shared view.", "For everyone."}
    assert theirs.get(f"/api/v1/comments/{secret.pk}/").status_code == 404
    page = browser(people[other]).get("/commitments/MAR-01/").content.decode()
    assert "Shared view." in page and "SENTINEL" not in page
    audit = browser(people[f"{other}_manager"]).get("/audit/", {"kind": "comment"})
    assert b"SENTINEL" not in audit.content and audit.status_code == 200
    # Its own side reads it everywhere.
    assert "SENTINEL national view." in texts(api_client(people[own]).get(THREAD))
    assert b"SENTINEL" in browser(people[own]).get("/commitments/MAR-01/").content
    assert b"SENTINEL" in browser(people[f"{own}_manager"]).get("/audit/").content
    # The public reader and the operator: the public comment only.
    for outsider in ("public", "operator"):
        assert texts(api_client(people[outsider]).get(THREAD)) == {"For everyone."}
        assert api_client(people[outsider]).get(f"/api/v1/comments/{public.pk}/").status_code == 200


@BOTH
def test_a_comment_is_never_wider_than_the_item_it_is_on(people, own, other):
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=people[own],
        title="National step",
        due_date=days(9),
        marking=NATIONAL[own],
    )
    url = f"/api/v1/milestones/{milestone.pk}/comments/"

    made = api_client(people[own]).post(url, {"body": "Noted."}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["marking"] == NATIONAL[own]  # the item's own, by default
    wider = api_client(people[own]).post(
        url, {"body": "Tell them.", "marking": "bilateral"}, format="json"
    )
    assert_error(wider, 400, fields=["marking"])
    # The other side does not find the milestone, so neither its thread nor a way to post.
    assert api_client(people[other]).get(url).status_code == 404
    assert api_client(people[other]).post(url, {"body": "x"}, format="json").status_code == 404
    assert Comment.objects.filter(milestone=milestone).count() == 1


@BOTH
def test_narrowing_the_item_narrows_its_comments(people, own, other):
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"), actor=people[own], title="Step", due_date=days(9)
    )
    comment = comment_create(target=milestone, actor=people[own], body="SENTINEL shared.")
    assert api_client(people[other]).get(f"/api/v1/comments/{comment.pk}/").status_code == 200

    services.marking_change(
        item=milestone,
        actor=people[own],
        marking=NATIONAL[own],
        pillar_id=milestone.commitment.pillar_id,
    )

    assert Comment.objects.get(pk=comment.pk).marking == NATIONAL[own]
    assert api_client(people[other]).get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert b"SENTINEL" not in browser(people[f"{other}_manager"]).get("/audit/").content


@BOTH
def test_only_the_author_edits_and_deletes_with_if_match_and_the_log_keeps_the_text(
    people, own, other
):
    comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="First words.")
    url = f"/api/v1/comments/{comment.pk}/"
    author = api_client(people[own])

    assert_error(author.patch(url, {"body": "Second."}, format="json"), 428)
    for intruder in (people[f"{own}_manager"], people[other]):
        refused = api_client(intruder).patch(
            url, {"body": "Not yours."}, format="json", HTTP_IF_MATCH='"1"'
        )
        assert refused.status_code == 403
    edited = author.patch(url, {"body": "Second words."}, format="json", HTTP_IF_MATCH='"1"')
    assert edited.status_code == 200, edited.content
    assert edited.json()["body"] == "Second words." and edited["ETag"] == '"2"'
    stale = author.patch(url, {"body": "Third."}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    event = (
        AuditEvent.objects.filter(
            content_type__model="comment", object_id=str(comment.pk), changes__has_key="body"
        )
        .order_by("id")
        .last()
    )
    assert event.changes["body"] == ["First words.", "Second words."]

    assert author.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    shown = author.get(url).json()
    assert (shown["deleted"], shown["body"]) == (True, "")
    assert Comment.objects.filter(pk=comment.pk).exists()  # a tombstone in the thread
    with pytest.raises(PermissionDenied):
        comment_delete(
            comment=Comment.objects.get(pk=comment.pk), actor=people[other], expected_version=None
        )


def test_replies_are_one_level_deep_and_no_wider_than_what_they_answer(people):
    india = people["india"]
    first = comment_create(
        target=commitment("MAR-01"), actor=india, body="Ours.", marking=Marking.INDIA_ONLY
    )
    reply = comment_create(
        target=commitment("MAR-01"),
        actor=india,
        body="Agreed.",
        parent=first,
        marking=Marking.INDIA_ONLY,
    )
    with pytest.raises(ValidationError) as deeper:
        comment_create(target=commitment("MAR-01"), actor=india, body="Deeper.", parent=reply)
    assert "parent" in deeper.value.message_dict
    with pytest.raises(ValidationError) as wider:
        comment_create(
            target=commitment("MAR-01"),
            actor=india,
            body="Wider.",
            parent=first,
            marking=Marking.BILATERAL,
        )
    assert "marking" in wider.value.message_dict
    # Japan cannot reply to what it cannot read.
    with pytest.raises(ValidationError):
        comment_create(
            target=commitment("MAR-01"),
            actor=people["japan"],
            body="?",
            parent=first,
            marking=Marking.JAPAN_ONLY,
        )


@pytest.mark.parametrize("who", ["india_viewer", "operator", "side administrator"])
def test_viewers_the_operator_and_side_administrators_do_not_comment(people, who):
    user = (
        people[who]
        if who in people
        else UserFactory(role=Role.ADMINISTRATOR, side="india", username="c-admin")
    )
    response = api_client(user).post(THREAD, {"body": "Hello."}, format="json")
    assert response.status_code == 403
    page = browser(user).post("/discussion/commitment/MAR-01/comments/", {"body": "Hello."})
    assert page.status_code == 403
    assert not Comment.objects.exists()
    assert (
        'action="/discussion/commitment/MAR-01/comments/"'
        not in browser(user).get("/commitments/MAR-01/").content.decode()
    )


def test_markdown_is_rendered_safely(people):
    comment_create(
        target=commitment("MAR-01"),
        actor=people["india"],
        body="**Signed** <script>alert(1)</script> [bad](javascript:alert(1)) "
        "[minutes](https://example.org/m)\n\n- one\n- two",
    )
    page = browser(people["japan"]).get("/commitments/MAR-01/").content.decode()
    assert "<strong>Signed</strong>" in page and "<li>one</li>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript' not in page
    assert 'href="https://example.org/m" rel="noopener noreferrer nofollow"' in page


@BOTH
def test_the_page_posts_in_place_and_shows_errors_beside_the_field(people, own, other):
    client = browser(people[own])
    url = "/discussion/commitment/MAR-01/comments/"

    empty = client.post(url, {"body": " ", "marking": "bilateral"}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 200  # htmx swaps only successful answers: errors in place
    assert 'role="alert"' in empty.content.decode() and not Comment.objects.exists()
    posted = client.post(
        url, {"body": "Minutes agreed.", "marking": "bilateral"}, HTTP_HX_REQUEST="true"
    )
    assert posted.status_code == 200
    assert 'id="comments"' in posted.content.decode()
    assert "Minutes agreed." in posted.content.decode()
    plain = client.post(url, {"body": "Again.", "marking": NATIONAL[own]})
    assert plain.status_code == 302 and plain["Location"].endswith("#comments")
    forged = client.post(url, {"body": "Theirs.", "marking": NATIONAL[other]})
    assert forged.status_code in (302, 403)
    assert not Comment.objects.filter(body="Theirs.").exists()
    # The other side reads the bilateral one on its page, not the national one.
    theirs = browser(people[other]).get("/commitments/MAR-01/").content.decode()
    assert "Minutes agreed." in theirs and "Again." not in theirs


def test_a_chief_of_the_side_edits_only_through_the_author_rule(people):
    comment = comment_create(target=commitment("MAR-01"), actor=people["india"], body="Mine.")
    with pytest.raises(PermissionDenied):
        comment_update(
            comment=comment, actor=chief(side="india"), expected_version=1, body="Changed."
        )


@BOTH
def test_the_author_edits_on_the_page_and_nobody_else_is_offered_it(people, own, other):
    comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="Draft words.")
    edit = f"/comments/{comment.pk}/edit/"
    mine = browser(people[own])
    assert f'action="{edit}"' in mine.get("/commitments/MAR-01/").content.decode()
    for someone in (people[other], people[f"{own}_manager"]):
        page = browser(someone).get("/commitments/MAR-01/").content.decode()
        assert f'action="{edit}"' not in page
        refused = browser(someone).post(
            edit, {"body": "Taken over.", "marking": "bilateral", "version": 1}
        )
        assert refused.status_code == 403

    saved = mine.post(
        edit,
        {"body": "Final words.", "marking": "bilateral", "version": 1},
        HTTP_HX_REQUEST="true",
    )

    assert saved.status_code == 200 and "Final words." in saved.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "Final words."
    stale = mine.post(
        edit, {"body": "Again.", "marking": "bilateral", "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert stale.status_code == 200 and "changed by someone else" in stale.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "Final words."


@pytest.mark.parametrize("side", ["india", "japan"])
def test_a_manager_of_either_side_comments_through_the_api(side):
    """Managers discuss as analysts do, on the page and through the API alike."""
    from rest_framework.test import APIClient

    from tests.factories import manager

    api = APIClient()
    api.force_authenticate(manager(username=f"api-commenting-manager-{side}", side=side))
    answer = api.post(
        "/api/v1/commitments/MAR-01/comments/", {"body": "A manager's view."}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["side"] == side


# --- changing a comment's marking on the page ------------------------------------------------


def options(page: str, comment) -> list[str]:
    """The markings the page's edit form offers for `comment`."""
    select = re.search(
        rf'<select id="edit-marking-{comment.pk}" name="marking"[^>]*>(.*?)</select>', page, re.S
    )
    return re.findall(r'<option value="([a-z_]+)"', select.group(1)) if select else []


@BOTH
def test_the_author_narrows_a_comment_on_the_page_and_the_other_side_loses_it(people, own, other):
    comment = comment_create(
        target=commitment("MAR-01"), actor=people[own], body="Frank words on the draft."
    )
    reply = comment_create(
        target=commitment("MAR-01"),
        actor=people[own],
        body="And a bilateral reply.",
        parent=comment,
    )
    mine = browser(people[own])
    page = mine.get("/commitments/MAR-01/").content.decode()
    # An analyst narrows (their own side's national marking), never widens nor gives the other
    # side's; a reply is offered nothing wider than what it answers.
    assert options(page, comment) == [Marking.BILATERAL, NATIONAL[own]]
    assert options(page, reply) == [Marking.BILATERAL, NATIONAL[own]]

    saved = mine.post(
        f"/comments/{comment.pk}/edit/",
        {"body": "Frank words on the draft.", "marking": NATIONAL[own], "version": 1},
        HTTP_HX_REQUEST="true",
    )

    assert saved.status_code == 200
    shown = saved.content.decode()
    assert f'id="comment-{comment.pk}" data-marking="{NATIONAL[own]}"' in shown
    assert Comment.objects.get(pk=comment.pk).marking == NATIONAL[own]
    assert Comment.objects.get(pk=reply.pk).marking == NATIONAL[own]  # narrowed with it
    theirs = browser(people[other]).get("/commitments/MAR-01/").content.decode()
    assert "Frank words" not in theirs and "bilateral reply" not in theirs
    assert api_client(people[other]).get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert "Frank words" in browser(people[own]).get("/commitments/MAR-01/").content.decode()


@BOTH
def test_an_analyst_cannot_widen_a_comment_a_manager_of_its_side_can(people, own, other):
    analysts = comment_create(
        target=commitment("MAR-01"), actor=people[own], body="Ours.", marking=NATIONAL[own]
    )
    managers = comment_create(
        target=commitment("MAR-01"),
        actor=people[f"{own}_manager"],
        body="Also ours.",
        marking=NATIONAL[own],
    )
    page = browser(people[own]).get("/commitments/MAR-01/").content.decode()
    assert options(page, analysts) == [NATIONAL[own]]

    forged = browser(people[own]).post(
        f"/comments/{analysts.pk}/edit/",
        {"body": "Ours.", "marking": Marking.BILATERAL, "version": 1},
        HTTP_HX_REQUEST="true",
    )

    assert forged.status_code == 200 and 'role="alert"' in forged.content.decode()
    assert Comment.objects.get(pk=analysts.pk).marking == NATIONAL[own]
    boss = browser(people[f"{own}_manager"])
    offered = options(boss.get("/commitments/MAR-01/").content.decode(), managers)
    assert offered == [Marking.PUBLIC, Marking.BILATERAL, NATIONAL[own]]
    widened = boss.post(
        f"/comments/{managers.pk}/edit/",
        {"body": "Also ours.", "marking": Marking.BILATERAL, "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert widened.status_code == 200
    assert Comment.objects.get(pk=managers.pk).marking == Marking.BILATERAL
    theirs = browser(people[other]).get("/commitments/MAR-01/").content.decode()
    assert "Also ours." in theirs and "Ours.</p>" not in theirs


@BOTH
def test_an_edit_refused_shows_its_reason_beside_the_comment_and_keeps_the_text(people, own, other):
    comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="Keep me.")
    mine = browser(people[own])

    refused = mine.post(
        f"/comments/{comment.pk}/edit/",
        {"body": "Edited text.", "marking": NATIONAL[other], "version": 1},
        HTTP_HX_REQUEST="true",
    )

    page = refused.content.decode()
    assert refused.status_code == 200
    edit_form = page[page.index(f'id="comment-{comment.pk}"') : page.index("</article>")]
    assert 'role="alert"' in edit_form and '<details class="comment-edit" open>' in edit_form
    assert "Edited text." in edit_form  # what they wrote, to correct and send again
    assert Comment.objects.get(pk=comment.pk).marking == Marking.BILATERAL
    # A plain browser is sent back to the page with the reason as a message.
    plain = mine.post(
        f"/comments/{comment.pk}/edit/",
        {"body": "Edited text.", "marking": NATIONAL[other], "version": 1},
        follow=True,
    )
    assert 'role="alert"' in plain.content.decode() or plain.context["messages"]


def test_on_a_national_milestone_a_comment_is_offered_nothing_wider(people):
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=people["japan"],
        title="Japan's step",
        due_date=days(9),
        marking=Marking.JAPAN_ONLY,
    )
    comment = comment_create(target=milestone, actor=people["japan"], body="Inside.")
    page = (
        browser(people["japan"])
        .get(f"/commitments/MAR-01/milestones/{milestone.pk}/edit/")
        .content.decode()
    )

    assert options(page, comment) == [Marking.JAPAN_ONLY]
    # A manager may widen, but not beyond the item (whose page is its analysts').
    boss = people["japan_manager"]
    managers = comment_create(target=milestone, actor=boss, body="Also inside.")
    assert [value for value, _label in markings_for_edit(managers, boss, milestone)] == [
        Marking.JAPAN_ONLY
    ]


@BOTH
def test_a_comment_the_other_side_replied_to_is_never_made_national(people, own, other):
    """Replies are narrowed with their comment: made national, the other side's reply would be
    taken from it (or, marked national by it, given to this side). Refused, on the page and
    in the API, whether the reply is shared, the other side's own, or deleted."""
    comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="Ours.")
    shared = comment_create(
        target=commitment("MAR-01"), actor=people[other], body="Shared reply.", parent=comment
    )
    secret = comment_create(
        target=commitment("MAR-01"),
        actor=people[other],
        body="SENTINEL their own reply.",
        marking=NATIONAL[other],
        parent=comment,
    )
    page = browser(people[own]).get("/commitments/MAR-01/").content.decode()
    assert options(page, comment) == [Marking.BILATERAL]  # nothing national offered

    for replies in ("both", "deleted"):
        refused = api_client(people[own]).patch(
            f"/api/v1/comments/{comment.pk}/",
            {"marking": NATIONAL[own]},
            format="json",
            HTTP_IF_MATCH='"1"',
        )
        assert_error(refused, 400)
        assert "replied" in str(refused.json()["error"]["fields"]["marking"]), replies
        if replies == "both":
            comment_delete(comment=shared, actor=people[other], expected_version=None)
            Comment.objects.filter(pk=secret.pk).delete()
    assert Comment.objects.get(pk=comment.pk).marking == Marking.BILATERAL
    assert Comment.objects.get(pk=shared.pk).marking == Marking.BILATERAL
    # Their own national reply never reached this side: not in its thread, not in the API.
    assert "SENTINEL" not in browser(people[own]).get("/commitments/MAR-01/").content.decode()


@BOTH
def test_a_comment_only_its_own_side_replied_to_may_be_made_national(people, own, other):
    comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="Ours.")
    reply = comment_create(
        target=commitment("MAR-01"), actor=people[f"{own}_manager"], body="Yes.", parent=comment
    )

    narrowed = comment_update(
        comment=comment, actor=people[own], expected_version=None, marking=NATIONAL[own]
    )

    assert narrowed.marking == NATIONAL[own]
    assert Comment.objects.get(pk=reply.pk).marking == NATIONAL[own]


@BOTH
def test_an_item_the_other_side_wrote_on_is_never_made_national(
    people, own, other, attachment_root
):
    """What is written on a milestone is narrowed with it: made this side's national-only, the
    other side's comment (or attachment) would be taken from it, and one it marked its own
    national-only would reach this side. Refused (a 400 on marking), whichever way it comes."""
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"), actor=people[own], title="Step", due_date=days(9)
    )
    theirs = comment_create(
        target=milestone,
        actor=people[other],
        body="SENTINEL their national view.",
        marking=NATIONAL[other],
    )
    mine = api_client(people[own])

    refused = mine.post(
        "/api/v1/markings/",
        {"object_type": "milestone", "id": milestone.pk, "marking": NATIONAL[own]},
        format="json",
    )
    patched = mine.patch(
        f"/api/v1/milestones/{milestone.pk}/",
        {"marking": NATIONAL[own]},
        format="json",
        HTTP_IF_MATCH=f'"{milestone.version}"',
    )

    for answer in (refused, patched):
        assert_error(answer, 400)
        assert "other side has written on this item" in str(answer.json()["error"]["fields"])
    assert Comment.objects.get(pk=theirs.pk).marking == NATIONAL[other]
    assert type(milestone).objects.get(pk=milestone.pk).marking == Marking.BILATERAL
    for reader in (own, f"{own}_manager"):
        page = browser(people[reader]).get("/audit/").content.decode()
        assert "SENTINEL" not in page
    # An attachment of theirs holds it back too, deleted comment or not.
    Comment.objects.filter(pk=theirs.pk).delete()
    attachment_add(
        target=milestone,
        actor=people[other],
        upload=SimpleUploadedFile("note.txt", b"Theirs.\n", content_type="text/plain"),
    )
    with pytest.raises(ValidationError):
        services.marking_change(
            item=milestone,
            actor=people[own],
            marking=NATIONAL[own],
            pillar_id=milestone.commitment.pillar_id,
        )
