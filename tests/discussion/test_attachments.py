"""Attachments (issue 26): files on a commitment, milestone, meeting or action item, under a
marking of their own, stored through Django's storage API and read only through the gate.

Both directions: what India marks India-only never reaches Japan (page, htmx fragment, API
list and detail, download, audit log), and what Japan marks Japan-only never reaches India;
a bilateral one never reaches the public reader or the operator."""

import contextlib
import hashlib
import io
import os
import socket
import socketserver
import struct
import threading
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from access.choices import Marking, Side
from audit.models import AuditEvent
from commitments import services
from dialogues import services as dialogue_services
from dialogues.models import DialogueMechanism
from discussion import attachment_services
from discussion.models import Attachment, AttachmentState
from tests.api_base import api_client
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

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
NATIONAL = {Side.INDIA: Marking.INDIA_ONLY, Side.JAPAN: Marking.JAPAN_ONLY}
OTHER = {Side.INDIA: Side.JAPAN, Side.JAPAN: Side.INDIA}


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
            "/></Types>",
        )
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_storage(attachment_root):
    """Attachments in a directory of the test's own (tests/conftest.py)."""
    return attachment_root


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(client, item_url, content=PDF, name="minutes.pdf", **fields):
    data = {"file": SimpleUploadedFile(name, content, content_type="application/pdf")} | fields
    return client.post(item_url, data, format="multipart")


def milestone_of(side, marking=Marking.BILATERAL):
    author = chief(side, username=f"ms-author-{side}")
    return services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=author,
        title=f"Milestone of {side}",
        due_date=days(10),
        marking=marking,
    )


def meeting_and_item():
    admin = chief(username="meeting-chief")
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    meeting = dialogue_services.meeting_create(mechanism=mechanism, actor=admin, date=days(-3))
    item = dialogue_services.action_item_create(meeting=meeting, actor=admin, title="Do it")
    return meeting, item


# --- the story of the issue -----------------------------------------------------------------


def test_signed_minutes_as_bilateral_pdf_the_other_side_downloads_and_the_public_never_sees(
    private_storage,
):
    india = analyst("maritime", side=Side.INDIA)
    response = upload(
        api_client(india),
        "/api/v1/commitments/MAR-01/attachments/",
        title="Signed minutes",
        marking=Marking.BILATERAL,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Signed minutes"
    assert body["marking"] == "bilateral"
    assert body["side"] == "india"
    assert body["created_by"] == india.username
    assert body["size"] == len(PDF)
    assert body["content_type"] == "application/pdf"
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["download_url"].endswith(f"/api/v1/attachments/{body['id']}/download/")

    japan = viewer(side=Side.JAPAN)
    download = api_client(japan).get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="minutes.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"

    # the page lists it for Japan with its download link, and the page's link serves it too
    client = api_client(japan)
    client.force_login(japan)
    page = client.get("/commitments/MAR-01/")
    assert "Signed minutes" in page.content.decode()
    assert f"/attachments/{body['id']}/download/" in page.content.decode()
    assert client.get(f"/attachments/{body['id']}/download/").status_code == 200

    public = UserFactory(side="", role="Viewer")
    for reader in (public, superuser()):
        listed = api_client(reader).get("/api/v1/commitments/MAR-01/attachments/")
        assert listed.status_code == 200 and listed.json() == []
        assert api_client(reader).get(f"/api/v1/attachments/{body['id']}/").status_code == 404
        assert api_client(reader).get(body["download_url"]).status_code == 404
        web = api_client(reader)
        web.force_login(reader)
        assert "Signed minutes" not in web.get("/commitments/MAR-01/").content.decode()
        assert web.get(f"/attachments/{body['id']}/download/").status_code == 404
    # nothing under a URL of its own: the storage has none
    with pytest.raises(NotImplementedError):
        storages["attachments"].url(Attachment.objects.get().file.name)


# --- what may be uploaded --------------------------------------------------------------------


def test_larger_than_the_limit_is_413_with_a_clear_message_and_nothing_stored(
    settings, private_storage
):
    settings.TRACKER_ATTACHMENT_MAX_BYTES = 1000
    client = api_client(analyst("maritime"))
    big = PDF + b"0" * 1000
    response = upload(client, "/api/v1/commitments/MAR-01/attachments/", content=big)
    assert response.status_code == 413
    assert "larger than the 1 KB" in response.json()["error"]["message"]
    assert Attachment.objects.count() == 0
    assert stored_files(private_storage) == []

    web = api_client(analyst("maritime"))
    web.force_login(analyst("maritime", username="web-analyst"))
    page = web.post(
        "/commitments/MAR-01/attachments/",
        {"file": SimpleUploadedFile("big.pdf", big), "marking": "bilateral"},
        format="multipart",
    )
    assert page.status_code == 413
    assert "larger than the 1 KB" in page.content.decode()
    # htmx swaps 2xx answers only: it gets the panel with the reason beside the field
    fragment = web.post(
        "/commitments/MAR-01/attachments/",
        {"file": SimpleUploadedFile("big.pdf", big), "marking": "bilateral"},
        format="multipart",
        HTTP_HX_REQUEST="true",
    )
    assert fragment.status_code == 200
    assert "_file_error" in fragment.content.decode()
    assert "larger than the 1 KB" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (HTML, "minutes.pdf"),
        (SVG, "chart.png"),
        (SVG, "chart.svg"),
        (EXE, "report.pdf"),
        (ELF, "notes.txt"),
    ],
)
def test_web_pages_svg_and_programs_are_refused_by_their_content(private_storage, content, name):
    response = upload(
        api_client(analyst("maritime")), "/api/v1/commitments/MAR-01/attachments/", content, name
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["file"]
    assert Attachment.objects.count() == 0
    assert stored_files(private_storage) == []


def test_the_page_shows_the_refusal_beside_the_file_field():
    user = analyst("maritime")
    client = api_client(user)
    client.force_login(user)
    response = client.post(
        "/commitments/MAR-01/attachments/",
        {"file": SimpleUploadedFile("minutes.pdf", HTML), "marking": "bilateral"},
        format="multipart",
    )
    assert response.status_code == 400
    assert 'id="id_attach_commitment_' in response.content.decode()
    assert "_file_error" in response.content.decode()
    assert "web page" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PNG, "image/png"),
        (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("会議の議事録です。\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_allowed_types_are_read_from_the_content_not_the_name(content, expected):
    response = upload(
        api_client(analyst("maritime")), "/api/v1/commitments/MAR-01/attachments/", content, "x.bin"
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == expected


def test_a_plain_form_upload_redirects_back_to_the_item_with_the_file_listed():
    user = analyst("maritime")
    client = api_client(user)
    client.force_login(user)
    response = client.post(
        "/commitments/MAR-01/attachments/",
        {"file": SimpleUploadedFile("minutes.pdf", PDF), "title": "Minutes", "marking": "public"},
        format="multipart",
    )
    assert response.status_code == 302
    assert response["Location"] == "/commitments/MAR-01/"
    assert "Minutes" in client.get("/commitments/MAR-01/").content.decode()


# --- who may ---------------------------------------------------------------------------------


def test_viewers_and_the_operator_attach_nothing():
    for user in (viewer(), superuser()):
        response = upload(api_client(user), "/api/v1/commitments/MAR-01/attachments/")
        assert response.status_code == 403
    assert Attachment.objects.count() == 0


def test_only_the_uploaders_side_changes_or_removes_it_with_if_match(private_storage):
    india = analyst("maritime", side=Side.INDIA)
    created = upload(api_client(india), "/api/v1/commitments/MAR-01/attachments/").json()
    url = f"/api/v1/attachments/{created['id']}/"
    japan = manager(side=Side.JAPAN)
    assert (
        api_client(japan).patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH='"1"')
    ).status_code == 403
    assert api_client(japan).delete(url, HTTP_IF_MATCH='"1"').status_code == 403
    assert api_client(india).patch(url, {"title": "New"}, format="json").status_code == 428
    changed = api_client(india).patch(url, {"title": "New"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed.json()["title"] == "New"
    assert api_client(india).delete(url, HTTP_IF_MATCH='"1"').status_code == 412
    assert api_client(india).delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert Attachment.objects.count() == 0


def test_wider_than_a_wholly_marked_item_is_refused_on_marking():
    milestone = milestone_of(Side.INDIA, Marking.INDIA_ONLY)
    response = upload(
        api_client(analyst("maritime", side=Side.INDIA)),
        f"/api/v1/milestones/{milestone.pk}/attachments/",
        marking=Marking.BILATERAL,
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["marking"]


def test_on_all_four_kinds_of_item():
    user = chief(Side.INDIA)
    meeting, item = meeting_and_item()
    milestone = milestone_of(Side.INDIA)
    client = api_client(user)
    for url in (
        "/api/v1/commitments/MAR-01/attachments/",
        f"/api/v1/milestones/{milestone.pk}/attachments/",
        f"/api/v1/meetings/{meeting.pk}/attachments/",
        f"/api/v1/action-items/{item.pk}/attachments/",
    ):
        assert upload(client, url).status_code == 201, url
        assert len(client.get(url).json()) == 1
    client.force_login(user)
    for page in (
        "/commitments/MAR-01/",
        f"/commitments/MAR-01/milestones/{milestone.pk}/edit/",
        f"/dialogues/meetings/{meeting.pk}/",
        f"/dialogues/action-items/{item.pk}/edit/",
    ):
        assert "minutes.pdf" in client.get(page).content.decode(), page


# --- the gate, both directions ---------------------------------------------------------------


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_national_attachment_never_reaches_the_other_government(side):
    author = analyst("maritime", side=side, username=f"author-{side}")
    secret = f"SECRET-{side.upper()}-ATTACHMENT"
    created = upload(
        api_client(author),
        "/api/v1/commitments/MAR-01/attachments/",
        content=f"{secret} text".encode(),
        name=f"{secret}.txt",
        title=secret,
        marking=NATIONAL[side],
    ).json()
    own = api_client(author).get(f"/api/v1/attachments/{created['id']}/download/")
    assert own.status_code == 200
    other = OTHER[side]
    readers = [
        manager(side=other, username=f"mgr-{other}"),
        analyst("maritime", side=other, username=f"an-{other}"),
        chief(other, username=f"chief-{other}"),
        UserFactory(side="", role="Viewer"),
        superuser(),
    ]
    for reader in readers:
        client = api_client(reader)
        assert client.get(f"/api/v1/attachments/{created['id']}/").status_code == 404
        assert client.get(f"/api/v1/attachments/{created['id']}/download/").status_code == 404
        answers = [
            client.get("/api/v1/commitments/MAR-01/attachments/"),
            client.get("/api/v1/audit-events/"),
            client.get(f"/api/v1/attachments/{created['id']}/"),
        ]
        client.force_login(reader)
        answers += [
            client.get("/commitments/MAR-01/"),
            client.get("/commitments/MAR-01/attachments/"),
            client.get("/commitments/MAR-01/attachments/", HTTP_HX_REQUEST="true"),
            client.get("/audit/"),
            client.get(f"/attachments/{created['id']}/download/"),
        ]
        assert client.get(f"/attachments/{created['id']}/download/").status_code == 404
        for answer in answers:
            content = answer.content if not answer.streaming else b"".join(answer.streaming_content)
            assert secret.encode() not in content, (reader.username, answer.request["PATH_INFO"])
        # nor may they change or remove it: it is not there for them
        assert client.patch(
            f"/api/v1/attachments/{created['id']}/",
            {"title": "x"},
            format="json",
            HTTP_IF_MATCH='"1"',
        ).status_code in (403, 404)


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_narrowing_the_milestone_narrows_its_attachments_and_their_audit(side):
    milestone = milestone_of(side)
    author = chief(side, username=f"att-author-{side}")
    created = upload(
        api_client(author), f"/api/v1/milestones/{milestone.pk}/attachments/", title="Follows"
    ).json()
    assert created["marking"] == "bilateral"
    services.marking_change(
        item=milestone,
        actor=author,
        marking=NATIONAL[side],
        pillar_id=milestone.commitment.pillar_id,
    )
    attachment = Attachment.objects.get(pk=created["id"])
    assert attachment.marking == NATIONAL[side]
    assert set(
        AuditEvent.objects.filter(
            content_type__model="attachment", object_id=str(attachment.pk)
        ).values_list("marking", flat=True)
    ) == {NATIONAL[side]}
    other = api_client(manager(side=OTHER[side], username=f"other-{side}"))
    assert other.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
    assert b"Follows" not in other.get("/api/v1/audit-events/").content


# --- the audit of downloads ------------------------------------------------------------------


def test_every_download_is_audited_with_who_and_when():
    author = analyst("maritime", side=Side.INDIA)
    created = upload(api_client(author), "/api/v1/commitments/MAR-01/attachments/").json()
    reader = viewer(side=Side.JAPAN, username="japan-reader")
    api_client(reader).get(f"/api/v1/attachments/{created['id']}/download/")
    events = AuditEvent.objects.filter(
        content_type__model="attachment",
        object_id=str(created["id"]),
        changes__has_key="downloaded",
    )
    assert [(e.actor.username, e.changes["downloaded"], e.marking) for e in events] == [
        ("japan-reader", [None, "japan-reader"], "bilateral")
    ]
    assert events[0].at is not None
    # a refused download is no download
    api_client(UserFactory(side="", role="Viewer")).get(
        f"/api/v1/attachments/{created['id']}/download/"
    )
    assert events.count() == 1
    # the managers read it in the audit log
    log = api_client(manager(side=Side.INDIA)).get("/api/v1/audit-events/?kind=attachment")
    assert log.status_code == 200
    assert "japan-reader" in log.content.decode()


# --- the virus scan --------------------------------------------------------------------------


class FakeClamd(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """clamd's INSTREAM over a unix socket: infected if the stream holds the EICAR marker."""

    daemon_threads = True

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            command = b""
            while not command.endswith(b"\0"):
                command += self.rfile.read(1)
            assert command == b"zINSTREAM\0"
            data = b""
            while True:
                (length,) = struct.unpack("!L", self.rfile.read(4))
                if not length:
                    break
                data += self.rfile.read(length)
            if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data:
                self.wfile.write(b"stream: Eicar-Test-Signature FOUND\0")
            else:
                self.wfile.write(b"stream: OK\0")


@pytest.fixture
def clamd(settings):
    path = f"/tmp/fake-clamd-{os.getpid()}-{threading.get_ident()}.sock"  # noqa: S108
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    server = FakeClamd(path, FakeClamd.Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TRACKER_CLAMD_SOCKET = path
    yield path
    server.shutdown()
    server.server_close()
    os.unlink(path)


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_an_infected_file_is_quarantined_and_never_downloadable(clamd):
    client = api_client(analyst("maritime"))
    clean = upload(client, "/api/v1/commitments/MAR-01/attachments/")
    assert clean.status_code == 201
    infected = upload(
        client, "/api/v1/commitments/MAR-01/attachments/", content=EICAR, name="eicar.txt"
    )
    assert infected.status_code == 422
    assert "infected" in infected.json()["error"]["fields"]["file"][0]
    row = Attachment.objects.get(pk=infected.json()["attachment"]["id"])
    assert row.state == AttachmentState.QUARANTINED
    assert row.scan_result == "Eicar-Test-Signature"
    assert infected.json()["attachment"]["download_url"] is None
    assert client.get(f"/api/v1/attachments/{row.pk}/download/").status_code == 404


def test_an_unreachable_scanner_stores_nothing(settings, private_storage):
    settings.TRACKER_CLAMD_SOCKET = "/nonexistent/clamd.sock"
    response = upload(api_client(analyst("maritime")), "/api/v1/commitments/MAR-01/attachments/")
    assert response.status_code == 400
    assert "virus scan could not be run" in response.json()["error"]["fields"]["file"][0]
    assert Attachment.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_row_that_cannot_be_written_leaves_no_file(private_storage, monkeypatch):
    def fail(_instance):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(attachment_services, "versioned_save", fail)
    with pytest.raises(RuntimeError):
        attachment_services.attachment_add(
            target=commitment("MAR-01"),
            actor=analyst("maritime"),
            upload=SimpleUploadedFile("minutes.pdf", PDF),
            title="x",
            marking="bilateral",
        )
    assert stored_files(private_storage) == []


# --- S3 --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings, monkeypatch):
    """A real S3-compatible server on loopback (moto's server mode), a private bucket, and the
    attachments' storage on it through django-storages."""
    import boto3
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {
        "aws_access_key_id": "tracker-test",
        "aws_secret_access_key": "tracker-test-secret",
        "region_name": "us-east-1",
    }
    client = boto3.client("s3", endpoint_url=endpoint, **credentials)
    client.create_bucket(Bucket="tracker-attachments")
    settings.STORAGES = settings.STORAGES | {
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "tracker-attachments",
                "endpoint_url": endpoint,
                "access_key": credentials["aws_access_key_id"],
                "secret_key": credentials["aws_secret_access_key"],
                "region_name": "us-east-1",
                "default_acl": "private",
                "location": "attachments",
                "file_overwrite": False,
            },
        }
    }
    yield client, endpoint
    server.stop()


def test_on_s3_uploaded_through_the_api_and_downloaded_through_the_gate_only(s3, private_storage):
    import urllib.error
    import urllib.request

    client, endpoint = s3
    author = analyst("maritime", side=Side.INDIA)
    created = upload(
        api_client(author),
        "/api/v1/commitments/MAR-01/attachments/",
        title="On S3",
        marking=Marking.BILATERAL,
    )
    assert created.status_code == 201, created.content
    objects = client.list_objects_v2(Bucket="tracker-attachments")["Contents"]
    assert len(objects) == 1
    key = objects[0]["Key"]
    assert key.startswith("attachments/")
    assert client.get_object(Bucket="tracker-attachments", Key=key)["Body"].read() == PDF
    assert stored_files(private_storage) == []

    japan = api_client(viewer(side=Side.JAPAN))
    download = japan.get(created.json()["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    public = api_client(UserFactory(side="", role="Viewer"))
    assert public.get(created.json()["download_url"]).status_code == 404
    # the object is private: its plain URL on the store answers nothing to an anonymous reader
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint}/tracker-attachments/{key}")  # noqa: S310
    assert refused.value.code == 403
    assert created.json()["download_url"].startswith("http://testserver/api/v1/attachments/")


def test_removed_on_the_page_by_its_side_and_refused_to_the_other(
    private_storage, django_capture_on_commit_callbacks
):
    india = analyst("maritime", side=Side.INDIA)
    created = upload(api_client(india), "/api/v1/commitments/MAR-01/attachments/").json()
    assert len(stored_files(private_storage)) == 1
    japan = analyst("maritime", side=Side.JAPAN)
    other = api_client(japan)
    other.force_login(japan)
    page = other.get("/commitments/MAR-01/").content.decode()
    assert f"/attachments/{created['id']}/remove/" not in page  # no control for the other side
    forged = other.post(
        f"/attachments/{created['id']}/remove/", {"version": "1"}, format="multipart"
    )
    assert forged.status_code == 403
    own = api_client(india)
    own.force_login(india)
    assert (
        f"/attachments/{created['id']}/remove/" in own.get("/commitments/MAR-01/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        removed = own.post(
            f"/attachments/{created['id']}/remove/",
            {"version": "1"},
            format="multipart",
            HTTP_HX_REQUEST="true",
        )
    assert removed.status_code == 200
    assert "“minutes.pdf” removed." in removed.content.decode()
    assert "No attachment yet." in removed.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(private_storage) == []


def test_the_other_side_may_not_mark_it_national_for_itself():
    india = analyst("maritime", side=Side.INDIA)
    response = upload(
        api_client(india), "/api/v1/commitments/MAR-01/attachments/", marking=Marking.JAPAN_ONLY
    )
    assert response.status_code == 403
    assert Attachment.objects.count() == 0
