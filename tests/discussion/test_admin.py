"""Comments and attachments in the admin (issue 26): to read, through the gate. The operator (a
superuser of no side) lists what a public reader reads; a side administrator their own side's
national rows and the shared ones, never the other side's (both directions). Nothing is added,
changed or deleted there, and no file's content is served by the admin: only a link to the
gated download view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.choices import Marking, Role
from discussion.attachment_services import attachment_add
from discussion.comment_services import comment_create
from discussion.models import Attachment, Comment
from tests.discussion.common import BOTH, NATIONAL, browser
from tests.factories import UserFactory, analyst, commitment, superuser

pytestmark = pytest.mark.usefixtures("loaded", "attachment_root")

COMMENTS, ATTACHMENTS = "/admin/discussion/comment/", "/admin/discussion/attachment/"


@pytest.fixture
def planted():
    """A comment and an attachment of each marking (each side's national one by that side),
    each saying its marking in its text, title and file."""
    authors = {side: analyst("maritime", username=f"adm-{side}", side=side) for side in NATIONAL}
    made = {}
    for marking, side in [
        (Marking.PUBLIC, "india"),
        (Marking.BILATERAL, "japan"),
        (Marking.INDIA_ONLY, "india"),
        (Marking.JAPAN_ONLY, "japan"),
    ]:
        comment = comment_create(
            target=commitment("MAR-01"),
            actor=authors[side],
            body=f"SAID-{marking}",
            marking=marking,
        )
        content = f"CONTENT-{marking}\n".encode()
        attachment = attachment_add(
            target=commitment("MAR-01"),
            actor=authors[side],
            upload=SimpleUploadedFile("note.txt", content, content_type="text/plain"),
            title=f"TITLE-{marking}",
            marking=marking,
        )
        made[marking] = (comment, attachment)
    return made


def side_admin(side: str):
    return UserFactory(
        username=f"side-admin-{side}", role=Role.ADMINISTRATOR, side=side, is_staff=True
    )


def shown(client, path: str, prefix: str) -> set[str]:
    """The markings whose `prefix`-ed text a page of the admin shows."""
    page = client.get(path)
    assert page.status_code == 200, path
    text = page.content.decode()
    return {marking for marking in Marking.values if f"{prefix}-{marking}" in text}


def hidden_pages_answer_nothing(client, planted, markings) -> None:
    for marking in markings:
        comment, attachment = planted[marking]
        for path in (
            f"{COMMENTS}{comment.pk}/change/",
            f"{ATTACHMENTS}{attachment.pk}/change/",
        ):
            response = client.get(path)
            # The admin's "does not exist" goes back to its index; nothing of the row is shown.
            assert response.status_code in (302, 404), path
            assert f"-{marking}" not in response.content.decode()


@BOTH
def test_a_side_administrator_reads_their_sides_and_the_shared_rows_only(planted, own, other):
    client = browser(side_admin(own))
    theirs = {Marking.PUBLIC, Marking.BILATERAL, NATIONAL[own]}

    assert shown(client, COMMENTS, "SAID") == theirs
    assert shown(client, ATTACHMENTS, "TITLE") == theirs
    # The admin's search looks into what they may read only (searched for without the prefix:
    # the search box echoes the query).
    assert shown(client, f"{COMMENTS}?q={NATIONAL[other]}", "SAID") == set()
    assert shown(client, f"{ATTACHMENTS}?q={NATIONAL[other]}", "TITLE") == set()
    assert shown(client, f"{COMMENTS}?q={NATIONAL[own]}", "SAID") == {NATIONAL[own]}
    hidden_pages_answer_nothing(client, planted, [NATIONAL[other]])
    _comment, own_attachment = planted[NATIONAL[own]]
    page = client.get(f"{ATTACHMENTS}{own_attachment.pk}/change/").content.decode()
    assert f"TITLE-{NATIONAL[own]}" in page and own_attachment.sha256 in page


def test_the_operator_reads_what_a_public_reader_reads(planted):
    client = browser(superuser(username="adm-operator"))

    assert shown(client, COMMENTS, "SAID") == {Marking.PUBLIC}
    assert shown(client, ATTACHMENTS, "TITLE") == {Marking.PUBLIC}
    hidden_pages_answer_nothing(
        client, planted, [Marking.BILATERAL, Marking.INDIA_ONLY, Marking.JAPAN_ONLY]
    )


@BOTH
def test_no_file_is_served_by_the_admin_only_linked_to_the_gated_download(planted, own, other):
    admin = browser(side_admin(own))
    _comment, attachment = planted[Marking.BILATERAL]
    _comment, theirs = planted[NATIONAL[other]]
    download = f"/attachments/{attachment.pk}/download/"

    page = admin.get(f"{ATTACHMENTS}{attachment.pk}/change/").content.decode()
    listed = admin.get(ATTACHMENTS).content.decode()

    assert "CONTENT-" not in page and "CONTENT-" not in listed
    assert attachment.file.name not in page and attachment.file.name not in listed
    assert f'href="{download}"' in page and f'href="{download}"' in listed
    # The link goes through the gate: the file for who may read it, a 404 for who may not.
    assert b"CONTENT-bilateral" in b"".join(admin.get(download).streaming_content)
    assert admin.get(f"/attachments/{theirs.pk}/download/").status_code == 404


@pytest.mark.parametrize("who", ["india", "operator"])
def test_nothing_is_added_changed_or_deleted_in_the_admin(planted, who):
    user = side_admin("india") if who == "india" else superuser(username="adm-operator")
    client = browser(user)
    comment, attachment = planted[Marking.PUBLIC]

    for path in (f"{COMMENTS}add/", f"{ATTACHMENTS}add/"):
        assert client.get(path).status_code == 403, path
    for base, row in ((COMMENTS, comment), (ATTACHMENTS, attachment)):
        assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
        changed = client.post(f"{base}{row.pk}/change/", {"body": "Changed", "title": "Changed"})
        assert changed.status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "SAID-public"
    assert Attachment.objects.get(pk=attachment.pk).title == "TITLE-public"


@pytest.mark.parametrize("make", [lambda: analyst("maritime"), lambda: UserFactory(role="Viewer")])
def test_users_who_are_not_staff_have_no_admin(planted, make):
    client = browser(make())

    assert client.get(COMMENTS).status_code == 302  # to the admin's log-in
    assert client.get(ATTACHMENTS).status_code == 302
