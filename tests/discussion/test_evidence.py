"""A status update's evidence may be an attachment or a link (issue 26): the status form offers
the commitment's attachments its writer may read (a datalist beside the evidence field), the
service takes an attachment of the same commitment by its download path (the page's or the
API's, relative or under SITE_URL) that everyone who reads the note may read, and the trail
shows its title only to who may read the attachment. Both directions."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.choices import Marking
from commitments import services
from commitments.choices import Status
from commitments.models import StatusUpdate
from discussion.attachment_services import attachment_add, attachment_update
from tests.api_base import api_client
from tests.discussion.common import BOTH, NATIONAL, browser
from tests.factories import analyst, commitment, days

pytestmark = pytest.mark.usefixtures("loaded", "attachment_root")

STATUS_API = "/api/v1/commitments/MAR-01/status-updates/"


@pytest.fixture
def people():
    return {side: analyst("maritime", username=f"ev-{side}", side=side) for side in NATIONAL}


def attach(user, title, target=None, marking=Marking.BILATERAL):
    return attachment_add(
        target=target or commitment("MAR-01"),
        actor=user,
        upload=SimpleUploadedFile("minutes.txt", b"Signed.\n", content_type="text/plain"),
        title=title,
        marking=marking,
    )


def path(attachment) -> str:
    return f"/attachments/{attachment.pk}/download/"


def offered(page: str) -> dict[str, str]:
    """The evidence list's options on a commitment's page: path → label."""
    found = re.search(r'<datalist id="evidence-attachments">(.*?)</datalist>', page, re.S)
    assert found, "no evidence list beside the field"
    return dict(re.findall(r'<option value="([^"]+)">([^<]*)</option>', found.group(1)))


def report(client, evidence: str, marking=Marking.BILATERAL, **extra):
    data = {"status": Status.ON_TRACK, "note": "As agreed.", "evidence_url": evidence}
    return client.post(STATUS_API, data | {"marking": marking} | extra, format="json")


@BOTH
def test_the_status_form_offers_the_attachments_of_the_commitment_its_writer_may_read(
    people, own, other
):
    shared = attach(people[own], "Signed minutes")
    national = attach(people[own], "Our brief", marking=NATIONAL[own])
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"), actor=people[own], title="Step", due_date=days(9)
    )
    on_milestone = attach(people[own], "Step report", target=milestone)
    elsewhere = attach(people[own], "Other commitment", target=commitment("MAR-02"))

    mine = offered(browser(people[own]).get("/commitments/MAR-01/").content.decode())
    theirs = offered(browser(people[other]).get("/commitments/MAR-01/").content.decode())

    assert set(mine) == {path(shared), path(national), path(on_milestone)}
    assert mine[path(shared)] == "Signed minutes (Bilateral)"
    assert set(theirs) == {path(shared), path(on_milestone)}
    assert path(elsewhere) not in mine
    assert "Our brief" not in browser(people[other]).get("/commitments/MAR-01/").content.decode()


@BOTH
def test_an_attachment_as_evidence_on_the_page_and_its_title_in_the_trail_for_both(
    people, own, other
):
    shared = attach(people[own], "Signed minutes")

    saved = browser(people[own]).post(
        "/commitments/MAR-01/status/",
        {
            "status": Status.ON_TRACK,
            "note": "Minutes signed.",
            "evidence_url": path(shared),
            "marking": Marking.BILATERAL,
            "version": commitment("MAR-01").version,
        },
        HTTP_HX_REQUEST="true",
    )

    assert saved.status_code == 200
    assert StatusUpdate.objects.get(note="Minutes signed.").evidence_url == path(shared)
    for reader in (own, other):
        page = browser(people[reader]).get("/commitments/MAR-01/").content.decode()
        assert f'<a href="{path(shared)}" download>Signed minutes</a>' in page, reader


@BOTH
def test_the_api_takes_an_attachments_download_url_and_stores_its_page_path(
    people, own, other, settings
):
    settings.SITE_URL = "http://testserver"
    shared = attach(people[own], "Signed minutes")
    client = api_client(people[own])
    download_url = client.get(f"/api/v1/attachments/{shared.pk}/").json()["download_url"]
    assert download_url == f"http://testserver/api/v1/attachments/{shared.pk}/download/"

    created = report(client, download_url)

    assert created.status_code == 201, created.content
    assert created.json()["evidence_url"] == path(shared)
    assert report(client, f"/api/v1/attachments/{shared.pk}/download/").status_code == 201
    # A web link stays what it was.
    linked = report(client, "https://example.org/minutes")
    assert linked.json()["evidence_url"] == "https://example.org/minutes"


@BOTH
def test_evidence_a_writer_may_not_give_is_a_400_naming_the_field(people, own, other):
    theirs = attach(people[other], "Their brief", marking=NATIONAL[other])
    national = attach(people[own], "Our brief", marking=NATIONAL[own])
    elsewhere = attach(people[own], "Other commitment", target=commitment("MAR-02"))
    client = api_client(people[own])
    trail = StatusUpdate.objects.count()

    for evidence, says in [
        (path(theirs), "which you may read"),  # the other side's national one: as if none
        (path(elsewhere), "of this commitment"),
        ("/attachments/999999/download/", "which you may read"),
        ("/commitments/MAR-01/", "Give a web link"),
        ("//example.org/x", "Give a web link"),
        ("javascript:alert(1)", "Give a web link"),
        # Narrower than the note: not everyone who reads the note could open it.
        (path(national), "not everyone who may read this note"),
    ]:
        refused = report(client, evidence)
        assert refused.status_code == 400, evidence
        assert says in str(refused.json()["error"]["fields"]["evidence_url"]), evidence
    assert StatusUpdate.objects.count() == trail
    # Under the note's own national marking, the national attachment may be its evidence.
    assert report(client, path(national), marking=NATIONAL[own]).status_code == 201


@BOTH
def test_the_trail_shows_an_attachments_title_only_to_who_may_read_it(people, own, other):
    shared = attach(people[own], "Draft minutes")
    assert report(api_client(people[own]), path(shared)).status_code == 201
    national = attach(people[own], "Our brief", marking=NATIONAL[own])
    report(api_client(people[own]), path(national), marking=NATIONAL[own])
    # Narrowed later by its side: the bilateral status update still cites it.
    attachment_update(
        attachment=shared, actor=people[own], expected_version=None, marking=NATIONAL[own]
    )

    mine = browser(people[own]).get("/commitments/MAR-01/").content.decode()
    theirs = browser(people[other]).get("/commitments/MAR-01/").content.decode()

    assert "Draft minutes" in mine and "Our brief" in mine
    assert "Draft minutes" not in theirs and "Our brief" not in theirs
    assert "Evidence: an attachment" in theirs  # the bilateral note's, without title or link
    assert path(shared) not in theirs and path(national) not in theirs
