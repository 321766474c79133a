"""Webhooks of the discussion (issue 26): `comment.created`, `comment.changed`,
`comment.deleted` and `attachment.added`, each carrying the comment or attachment as the API
represents it to the subscription's reader, and only to readers of its marking — when the event
is written, when its body is built, and at every later attempt. Both directions, and a reader of
no side (public items only)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.choices import Marking, Role, Side
from discussion import attachment_services
from discussion.comment_services import comment_create, comment_delete, comment_update
from tests.api_base import api_client
from tests.discussion.helpers import step, step_remarked
from tests.factories import UserFactory, analyst, commitment, manager
from tests.webhooks.receiver import Receiver
from webhooks import delivery
from webhooks import services as webhook_services
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.usefixtures("loaded")

BOTH = pytest.mark.parametrize(
    ("own", "other"), [(Side.INDIA, Side.JAPAN), (Side.JAPAN, Side.INDIA)], ids=["india", "japan"]
)
NATIONAL = {Side.INDIA: Marking.INDIA_ONLY, Side.JAPAN: Marking.JAPAN_ONLY}
TYPES = ["comment.created", "comment.changed", "comment.deleted", "attachment.added"]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def loopback(settings, tmp_path):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.TRACKER_WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    settings.STORAGES = settings.STORAGES | {
        "attachments": {
            "BACKEND": "discussion.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        }
    }
    settings.TRACKER_CLAMD_SOCKET = ""
    return settings


@pytest.fixture
def people():
    found = {}
    for side in (Side.INDIA, Side.JAPAN):
        found[side] = analyst("maritime", username=f"dh-{side}", side=side)
        found[f"{side}_manager"] = manager(username=f"dh-{side}-mgr", side=side)
    found["public"] = UserFactory(side="", role=Role.VIEWER, username="dh-public")
    return found


@pytest.fixture
def receivers(people):
    """A receiver for India's manager, one for Japan's, and one whose subscription (India's
    manager's) reads as a user of no side."""
    found = {key: Receiver().start() for key in (Side.INDIA, Side.JAPAN, "public")}
    for key, receiver in found.items():
        owner = people[f"{key}_manager"] if key != "public" else people[f"{Side.INDIA}_manager"]
        reader = people["public"] if key == "public" else None
        subscription = webhook_services.subscription_create(
            actor=owner, url=receiver.url, events=TYPES, reader=reader
        )
        receiver.secret = subscription.secret
    yield found
    for receiver in found.values():
        receiver.stop()


def deliver_all() -> None:
    while delivery.deliver_due():
        pass


def seen(receiver) -> str:
    return json.dumps([got["message"] for got in receiver.received], ensure_ascii=False)


def narrow(comment, author, marking):
    return comment_update(
        comment=comment, actor=author, expected_version=comment.version, marking=marking
    )


def upload(name="minutes.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@BOTH
def test_a_national_comment_never_reaches_the_other_side_nor_the_public(
    people, receivers, own, other
):
    comment = comment_create(
        target=commitment("MAR-01"),
        actor=people[own],
        body="HOOK-NATIONAL-COMMENT",
        marking=NATIONAL[own],
    )
    deliver_all()

    assert receivers[own].types() == ["comment.created"]
    message = receivers[own].received[0]["message"]
    assert message["data"]["body"] == "HOOK-NATIONAL-COMMENT"
    # The comment exactly as the API gives it to the subscription's reader.
    api = api_client(people[f"{own}_manager"]).get(f"/api/v1/comments/{comment.pk}/").json()
    assert message["data"] == api and "change" not in message
    for outsider in (other, "public"):
        assert receivers[outsider].received == []
        assert "HOOK-NATIONAL" not in seen(receivers[outsider])
    # No event at all was written for them.
    assert WebhookEvent.objects.filter(object_label="discussion.comment").count() == 1


@BOTH
def test_a_bilateral_comment_reaches_both_sides_and_a_public_one_everyone(
    people, receivers, own, other
):
    comment_create(target=commitment("MAR-01"), actor=people[own], body="HOOK-BILATERAL")
    deliver_all()
    for side in (own, other):
        assert receivers[side].types() == ["comment.created"]
        assert "HOOK-BILATERAL" in seen(receivers[side])
    assert receivers["public"].received == []

    comment_create(
        target=commitment("MAR-01"),
        actor=people[own],
        body="HOOK-PUBLIC",
        marking=Marking.PUBLIC,
    )
    deliver_all()
    for key in (own, other, "public"):
        assert "HOOK-PUBLIC" in seen(receivers[key])
    assert "HOOK-BILATERAL" not in seen(receivers["public"])


@BOTH
def test_an_edit_and_a_deletion_carry_what_changed_and_the_tombstone(people, receivers, own, other):
    comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="First words.")
    comment = comment_update(
        comment=comment,
        actor=people[own],
        expected_version=comment.version,
        body="HOOK-SECOND-WORDS",
    )
    deliver_all()
    comment_delete(comment=comment, actor=people[own], expected_version=comment.version)
    deliver_all()

    for side in (own, other):
        messages = [got["message"] for got in receivers[side].received]
        assert [m["type"] for m in messages] == [
            "comment.created",
            "comment.changed",
            "comment.deleted",
        ]
        changed = messages[1]
        assert changed["change"] == {"fields": ["body"]}
        assert changed["data"]["body"] == "HOOK-SECOND-WORDS"
        deleted = messages[2]["data"]
        assert deleted["deleted"] is True and deleted["body"] == "" and deleted["id"] == comment.pk


@BOTH
def test_a_comment_narrowed_before_delivery_is_withheld_from_who_lost_it(
    people, receivers, own, other
):
    comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="HOOK-NARROWED")
    narrow(comment, people[own], NATIONAL[own])
    deliver_all()
    assert receivers[own].types() == ["comment.created", "comment.changed"]
    assert receivers[other].received == []
    withheld = WebhookEvent.objects.filter(subscription__created_by=people[f"{other}_manager"])
    assert [(e.type, e.state) for e in withheld] == [
        ("comment.created", WebhookEvent.State.WITHHELD)
    ]


@BOTH
def test_a_body_frozen_before_a_narrowing_is_not_sent_again(people, own, other):
    receiver = Receiver(answers=(500, 204)).start()
    try:
        subscription = webhook_services.subscription_create(
            actor=people[f"{other}_manager"], url=receiver.url, events=["comment.created"]
        )
        receiver.secret = subscription.secret
        comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="HOOK-FROZEN")
        assert delivery.deliver_due(limit=1) == 1  # the first attempt fails (500)
        event = WebhookEvent.objects.get(subscription=subscription)
        assert "HOOK-FROZEN" in event.body and event.state == WebhookEvent.State.PENDING
        narrow(comment, people[own], NATIONAL[own])
        deliver_all()
    finally:
        receiver.stop()
    assert len(receiver.received) == 1  # the failed attempt only
    event.refresh_from_db()
    assert event.state == WebhookEvent.State.WITHHELD


@BOTH
def test_comments_narrowed_with_their_milestone_are_withheld(people, receivers, own, other):
    milestone = step(people[own])
    comment_create(target=milestone, actor=people[own], body="HOOK-ON-MILESTONE")
    step_remarked(milestone, people[own], NATIONAL[own])
    deliver_all()
    assert "HOOK-ON-MILESTONE" in seen(receivers[own])
    assert "HOOK-ON-MILESTONE" not in seen(receivers[other])


@BOTH
def test_an_attachment_reaches_only_the_readers_of_its_marking(people, receivers, own, other):
    secret = attachment_services.attachment_add(
        target=commitment("MAR-01"),
        actor=people[own],
        upload=upload(),
        title="HOOK-NATIONAL-MINUTES",
        marking=NATIONAL[own],
    )
    shared = attachment_services.attachment_add(
        target=commitment("MAR-01"), actor=people[own], upload=upload(), title="HOOK-SHARED"
    )
    deliver_all()

    assert receivers[own].types() == ["attachment.added", "attachment.added"]
    data = {got["message"]["data"]["id"]: got["message"]["data"] for got in receivers[own].received}
    assert data[secret.pk]["title"] == "HOOK-NATIONAL-MINUTES"
    assert data[shared.pk]["download_url"].endswith(f"/api/v1/attachments/{shared.pk}/download/")
    assert data[shared.pk]["sha256"] == shared.sha256
    assert receivers[other].types() == ["attachment.added"]
    assert receivers[other].received[0]["message"]["data"]["title"] == "HOOK-SHARED"
    assert "HOOK-NATIONAL" not in seen(receivers[other])
    assert receivers["public"].received == []


def test_the_discussion_event_types_are_offered_and_checked(people):
    client = api_client(people[f"{Side.INDIA}_manager"])
    made = client.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.org/tracker", "events": TYPES},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["events"] == TYPES
    refused = client.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.org/tracker", "events": ["comment.exploded"]},
        format="json",
    )
    assert refused.status_code == 400 and "events" in refused.json()["error"]["fields"]
