"""Signed webhooks: subscribing, every event type delivered and verified by a receiver using the
`standardwebhooks` library, retries and the log, refusals of internal targets, markings."""

import datetime
import json

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from access.choices import Marking, Side
from commitments import services
from commitments.choices import Status
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import DialogueMechanism
from tests.api_base import api_client
from tests.commitments.test_history import update_status as history_update_status
from tests.factories import analyst, commitment, days, manager, viewer
from tests.webhooks.receiver import Receiver
from webhooks import delivery
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

pytestmark = pytest.mark.usefixtures("loaded")

ALL_TYPES = [
    "commitment.status_changed",
    "commitment.side_reported",
    "commitment.changed",
    "milestone.created",
    "milestone.changed",
    "milestone.completed",
    "meeting.created",
    "meeting.changed",
    "action_item.changed",
]


@pytest.fixture
def loopback(settings):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.TRACKER_WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    return settings


@pytest.fixture
def receiver():
    found = Receiver().start()
    yield found
    found.stop()


@pytest.fixture
def people():
    return {
        "in_manager": manager(username="hook-in-mgr", side=Side.INDIA, email="in@example.org"),
        "jp_manager": manager(username="hook-jp-mgr", side=Side.JAPAN),
        "in_analyst": analyst("maritime", "dialogue", username="hook-in", side=Side.INDIA),
        "jp_analyst": analyst("maritime", "dialogue", username="hook-jp", side=Side.JAPAN),
    }


def subscribe(receiver, owner, reader=None, events=ALL_TYPES) -> WebhookSubscription:
    subscription = webhook_services.subscription_create(
        actor=owner, url=receiver.url, events=events, reader=reader
    )
    receiver.secret = subscription.secret
    return subscription


def deliver_all() -> None:
    while delivery.deliver_due():
        pass


def update_status(code, author, status, note="Reported.", **kw):
    return history_update_status(code, author, status, note, **kw)


# --- subscribing ------------------------------------------------------------------------------


def test_a_manager_subscribes_and_sees_the_secret_once_and_can_rotate_it(loopback, people):
    client = api_client(people["in_manager"])
    created = client.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.org/tracker", "events": ["milestone.created"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["reader"] == "hook-in-mgr"
    read = client.get(f"/api/v1/webhooks/{body['id']}/").json()
    assert "secret" not in read and read["events"] == ["milestone.created"]
    listed = client.get("/api/v1/webhooks/").content.decode()
    assert body["secret"] not in listed
    rotated = client.post(f"/api/v1/webhooks/{body['id']}/rotate-secret/").json()["secret"]
    assert rotated.startswith("whsec_") and rotated != body["secret"]
    assert WebhookSubscription.objects.get().secret == rotated


@pytest.mark.parametrize("who", ["viewer", "analyst"])
def test_others_than_managers_are_refused(loopback, who):
    user = viewer() if who == "viewer" else analyst("maritime")
    client = api_client(user)
    assert client.get("/api/v1/webhooks/").status_code == 403
    assert (
        client.post(
            "/api/v1/webhooks/",
            {"url": "https://hooks.example.org/", "events": ["milestone.created"]},
            format="json",
        ).status_code
        == 403
    )


def test_a_manager_cannot_read_through_the_other_governments_eyes(loopback, receiver, people):
    client = api_client(people["jp_manager"])
    refused = client.post(
        "/api/v1/webhooks/",
        {
            "url": "https://hooks.example.org/",
            "events": ["milestone.created"],
            "reader": "hook-in",
        },
        format="json",
    )
    assert refused.status_code == 400 and "reader" in refused.json()["error"]["fields"]
    # Nor see the other government's subscriptions.
    subscribe(receiver, people["in_manager"])
    assert client.get("/api/v1/webhooks/").json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/",  # not https in production
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "ftp://hooks.example.org/",
        "https://user:pw@hooks.example.org/",
    ],
)
def test_internal_or_plain_targets_are_refused_naming_url(settings, people, url):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = False
    response = api_client(people["in_manager"]).post(
        "/api/v1/webhooks/", {"url": url, "events": ["milestone.created"]}, format="json"
    )
    assert response.status_code == 400, url
    assert "url" in response.json()["error"]["fields"]
    assert WebhookSubscription.objects.count() == 0


def test_an_unknown_event_type_is_a_400_naming_events(loopback, people):
    response = api_client(people["in_manager"]).post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.org/", "events": ["commitment.exploded"]},
        format="json",
    )
    assert response.status_code == 400 and "events" in response.json()["error"]["fields"]


# --- delivering -------------------------------------------------------------------------------


def test_every_event_type_reaches_the_receiver_signed_and_verified(loopback, receiver, people):
    india, japan = people["in_analyst"], people["jp_analyst"]
    subscribe(receiver, people["in_manager"])

    update_status("MAR-01", india, Status.ON_TRACK)  # side_reported
    update_status("MAR-01", japan, Status.ON_TRACK)  # side_reported, status_changed (agreed)
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"), actor=india, title="Survey ports", due_date=days(30)
    )
    milestone = services.milestone_update(
        milestone=milestone, actor=india, expected_version=milestone.version, title="Survey"
    )
    services.milestone_complete(
        milestone=milestone,
        actor=india,
        expected_version=milestone.version,
        completed_on=timezone.localdate(),
    )
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    meeting = dialogue_services.meeting_create(mechanism=mechanism, actor=india, date=days(-1))
    meeting = dialogue_services.meeting_update(
        meeting=meeting,
        actor=india,
        expected_version=meeting.version,
        state=MeetingState.HELD,
        outcome_summary="Agreed.",
    )
    dialogue_services.action_item_create(meeting=meeting, actor=india, title="Draft SOPs")
    target = commitment("MAR-01")
    services.commitment_update(
        commitment=target, actor=india, expected_version=target.version, description="Described."
    )
    deliver_all()

    assert receiver.refused == []
    assert sorted(set(receiver.types())) == sorted(ALL_TYPES)
    for got in receiver.received:
        message = got["message"]
        assert set(message) >= {"type", "timestamp", "data"}
        assert got["id"].startswith("msg_")
    agreed = next(r for r in receiver.received if r["message"]["type"] == ALL_TYPES[0])
    data = agreed["message"]["data"]
    api = api_client(people["in_manager"]).get("/api/v1/commitments/MAR-01/").json()
    assert data["code"] == "MAR-01" and data["status"] == "on_track"
    assert set(data) == set(api)  # the object as the API represents it
    assert agreed["message"]["change"] == {"status": ["not_started", "on_track"]}
    assert WebhookEvent.objects.exclude(state=WebhookEvent.State.DELIVERED).count() == 0
    # One attempt each, logged with its answer.
    attempts = WebhookDelivery.objects.all()
    assert attempts.count() == len(receiver.received)
    assert {a.response_status for a in attempts} == {204}
    assert all(a.duration_ms is not None for a in attempts)


def test_a_rolled_back_change_sends_nothing(loopback, receiver, people):
    subscribe(receiver, people["in_manager"])
    with pytest.raises(RuntimeError), transaction.atomic():
        update_status("MAR-01", people["in_analyst"], Status.AT_RISK)
        assert WebhookEvent.objects.count() == 1
        raise RuntimeError("undo")
    assert WebhookEvent.objects.count() == 0
    deliver_all()
    assert receiver.received == []


def test_only_the_types_subscribed_to(loopback, receiver, people):
    subscribe(receiver, people["in_manager"], events=["milestone.created"])
    update_status("MAR-01", people["in_analyst"], Status.AT_RISK)
    services.milestone_create(
        commitment=commitment("MAR-01"), actor=people["in_analyst"], title="S", due_date=days(3)
    )
    deliver_all()
    assert receiver.types() == ["milestone.created"]


def test_failures_are_retried_with_one_webhook_id_then_logged_and_delivered(loopback, people):
    receiver = Receiver(answers=(500, 503, 200)).start()
    try:
        subscribe(receiver, people["in_manager"], events=["commitment.side_reported"])
        update_status("MAR-01", people["in_analyst"], Status.AT_RISK)
        deliver_all()
    finally:
        receiver.stop()
    assert len(receiver.received) == 3 and len(receiver.distinct_ids()) == 1
    bodies = {json.dumps(r["message"], sort_keys=True) for r in receiver.received}
    assert len(bodies) == 1  # the same message each time
    event = WebhookEvent.objects.get()
    assert (event.state, event.attempts) == (WebhookEvent.State.DELIVERED, 3)
    log = list(event.deliveries.order_by("attempted_at", "id"))
    assert [a.response_status for a in log] == [500, 503, 200]
    assert log[0].error == "HTTP 500" and '"received"' in log[2].response_body
    assert WebhookSubscription.objects.get().failing_since is None


def test_after_the_last_retry_the_event_is_failed_and_send_again_queues_it(loopback, people):
    receiver = Receiver(answers=(500,)).start()
    try:
        subscription = subscribe(
            receiver, people["in_manager"], events=["commitment.side_reported"]
        )
        update_status("MAR-01", people["in_analyst"], Status.AT_RISK)
        deliver_all()
        event = WebhookEvent.objects.get()
        assert (event.state, event.attempts) == (WebhookEvent.State.FAILED, 4)  # 1 + 3 retries
        receiver.answers = [200]
        client = api_client(people["in_manager"])
        log = client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()
        assert [row["response_status"] for row in log["results"]] == [500] * 4
        queued = client.post(
            f"/api/v1/webhooks/{subscription.pk}/send-again/",
            {"event": log["results"][0]["event_id"]},
            format="json",
        )
        assert queued.status_code == 202
        deliver_all()
    finally:
        receiver.stop()
    assert WebhookEvent.objects.get().state == WebhookEvent.State.DELIVERED
    assert len(receiver.distinct_ids()) == 1


def test_a_receiver_down_for_days_is_disabled_and_its_owner_told(
    loopback, receiver, people, django_capture_on_commit_callbacks
):
    subscription = subscribe(receiver, people["in_manager"], events=["commitment.side_reported"])
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        url="http://127.0.0.1:9/nothing-listens",
        failing_since=timezone.now() - datetime.timedelta(days=4),
    )
    update_status("MAR-01", people["in_analyst"], Status.AT_RISK)
    with django_capture_on_commit_callbacks(execute=True):
        deliver_all()
    subscription.refresh_from_db()
    assert not subscription.active and "failed" in subscription.disabled_reason
    assert [m.to for m in mail.outbox] == [["in@example.org"]]
    assert "disabled" in mail.outbox[0].subject
    attempt = WebhookDelivery.objects.get()
    assert attempt.response_status is None and "ConnectionRefusedError" in attempt.error


def test_a_host_resolving_to_an_internal_address_is_refused_at_delivery(settings, people):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.TRACKER_WEBHOOK_RETRY_DELAYS = []
    receiver = Receiver().start()
    try:
        subscription = subscribe(
            receiver, people["in_manager"], events=["commitment.side_reported"]
        )
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            url=receiver.url.replace("127.0.0.1", "localhost")
        )
        # As if "localhost" were an outside name that a DNS answer pointed inside.
        settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = False
        update_status("MAR-01", people["in_analyst"], Status.AT_RISK)
        deliver_all()
    finally:
        receiver.stop()
    assert receiver.received == []
    attempt = WebhookDelivery.objects.get()
    assert attempt.error.startswith("refused:") and attempt.response_status is None


def test_a_refusal_and_a_good_target_are_told_apart(settings):
    """The check can pass: an outside address is allowed, an inside one is not."""
    from webhooks import safety

    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = False
    assert safety.address_refusal("93.184.215.14") is None
    assert safety.address_refusal("2606:2800:21f:cb07:6820:80da:af6b:8b2c") is None
    for inside in ("127.0.0.1", "10.0.0.1", "172.16.0.1", "169.254.169.254", "::1", "fe80::1"):
        assert safety.address_refusal(inside), inside
    safety.url_check("https://hooks.example.org/tracker")  # no error


# --- release markings -------------------------------------------------------------------------


def test_events_carry_only_what_the_reader_may_read(loopback, people):
    indian = Receiver().start()
    japanese = Receiver().start()
    try:
        subscribe(indian, people["in_manager"])
        jp = subscribe(japanese, people["jp_manager"])
        india = people["in_analyst"]
        update_status(
            "MAR-01", india, Status.AT_RISK, "HOOK-NATIONAL-NOTE", marking=Marking.INDIA_ONLY
        )
        services.milestone_create(
            commitment=commitment("MAR-01"),
            actor=india,
            title="HOOK-NATIONAL-MILESTONE",
            due_date=days(5),
            marking=Marking.INDIA_ONLY,
        )
        deliver_all()
    finally:
        indian.stop()
        japanese.stop()
    seen_in = json.dumps([r["message"] for r in indian.received])
    seen_jp = json.dumps([r["message"] for r in japanese.received])
    assert "HOOK-NATIONAL-NOTE" in seen_in and "HOOK-NATIONAL-MILESTONE" in seen_in
    assert "HOOK-NATIONAL" not in seen_jp
    assert japanese.types() == ["commitment.side_reported"]  # no event for a hidden milestone
    assert WebhookEvent.objects.filter(subscription=jp).count() == 1


def test_an_item_restricted_before_its_first_attempt_is_withheld(loopback, people):
    receiver = Receiver().start()
    try:
        subscribe(receiver, people["jp_manager"], events=["milestone.created"])
        india = people["in_analyst"]
        milestone = services.milestone_create(
            commitment=commitment("MAR-01"), actor=india, title="LATER-HIDDEN", due_date=days(5)
        )
        services.milestone_update(
            milestone=milestone,
            actor=india,
            expected_version=milestone.version,
            marking=Marking.INDIA_ONLY,
        )
        deliver_all()
    finally:
        receiver.stop()
    assert receiver.received == []
    assert WebhookEvent.objects.get().state == WebhookEvent.State.WITHHELD


# --- the managers' pages ------------------------------------------------------------------------


def test_the_managers_page_shows_the_log_and_sends_again(loopback, people, client):
    receiver = Receiver(answers=(500,)).start()
    try:
        subscription = subscribe(
            receiver, people["in_manager"], events=["commitment.side_reported"]
        )
        update_status("MAR-01", people["in_analyst"], Status.AT_RISK)
        deliver_all()
        client.force_login(people["in_manager"])
        listing = client.get("/webhooks/").content.decode()
        assert receiver.url in listing.replace("&amp;", "&")
        page = client.get(f"/webhooks/{subscription.pk}/").content.decode()
        event = WebhookEvent.objects.get()
        assert page.count("HTTP 500") == 4 and event.webhook_id in page
        receiver.answers = [200]
        sent = client.post(f"/webhooks/{subscription.pk}/events/{event.pk}/send-again/")
        assert sent.status_code == 302
        deliver_all()
    finally:
        receiver.stop()
    assert WebhookEvent.objects.get().state == WebhookEvent.State.DELIVERED
    client.force_login(people["jp_manager"])  # another government's subscription: not found
    assert client.get(f"/webhooks/{subscription.pk}/").status_code == 404
