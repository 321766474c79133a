"""Webhooks under faults, with a real Celery worker process: killed in the middle of a delivery,
and Redis (the broker) dying and coming back empty. The receiver, deduplicating by `webhook-id`
as Standard Webhooks receivers do, gets each event exactly once."""

import contextlib
import subprocess
import time
import uuid

import pytest

from access.choices import Side
from commitments import services
from commitments.choices import Status
from declaration_tracker.celery import app
from tests.commitments.test_reminder_delivery import (
    broker_url_swapped,
    celery_worker,
    wait_until,
)
from tests.factories import analyst, commitment, manager
from tests.services_private import stop_process
from tests.test_faults import redis_server
from tests.webhooks.receiver import Receiver
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.tasks import webhooks_deliver

__all__ = ["redis_server"]  # the fixture, used by name

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 2


def webhook_worker(log_path) -> subprocess.Popen:
    """A worker process delivering webhooks to loopback, presuming an attempt lost after
    LEASE_SECONDS."""
    return celery_worker(
        log_path,
        "webhooks-test",
        TRACKER_WEBHOOKS_ALLOW_LOOPBACK="1",
        TRACKER_WEBHOOK_LEASE_SECONDS=str(LEASE_SECONDS),
        TRACKER_WEBHOOK_RETRY_DELAYS="1,1,1",
    )


@pytest.fixture
def subscribed(settings):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    app.control.purge()

    def make(receiver):
        subscription = webhook_services.subscription_create(
            actor=manager(username=f"fault-{uuid.uuid4().hex[:6]}", side=Side.INDIA),
            url=receiver.url,
            events=["commitment.side_reported"],
        )
        receiver.secret = subscription.secret
        return subscription

    yield make
    app.control.purge()


def update_status(note: str) -> None:
    services.status_update_create(
        commitment=commitment("MAR-01"),
        author=analyst("maritime", username=f"fault-in-{uuid.uuid4().hex[:6]}", side=Side.INDIA),
        status=Status.AT_RISK,
        note=note,
        expected_version=None,
    )


def beat() -> bool:
    """What beat does every 30 seconds: ask for the due events to be delivered (at most once a
    second here; nothing if the broker is still away)."""
    time.sleep(1)
    with contextlib.suppress(Exception):
        webhooks_deliver.delay()
    return True


def delivered() -> bool:
    return WebhookEvent.objects.filter(state=WebhookEvent.State.DELIVERED).exists()


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_receiver_gets_it_once(
    subscribed, tmp_path
):
    receiver = Receiver(stall_first=True).start()
    log_path = tmp_path / "worker.log"
    workers = []
    try:
        subscribed(receiver)
        workers.append(webhook_worker(log_path))
        update_status("Sent while the worker dies.")  # committed: the worker is nudged at once
        wait_until(receiver.stalled.is_set, timeout=30, what="a delivery held", log_path=log_path)
        workers[0].kill()  # mid-delivery: the request is out, no answer recorded
        workers[0].wait(timeout=10)
        receiver.release.set()
        assert not delivered()
        attempt = WebhookDelivery.objects.get()
        assert attempt.response_status is None and attempt.error.startswith("interrupted")

        workers.append(webhook_worker(log_path))
        # Beat's periodic delivery, once the lost attempt's lease has run out.
        wait_until(
            lambda: beat() and delivered(),
            timeout=40,
            what="the event delivered by the new worker",
            log_path=log_path,
        )
    finally:
        for worker in workers:
            stop_process(worker)
        receiver.stop()

    event = WebhookEvent.objects.get()
    assert event.state == WebhookEvent.State.DELIVERED
    assert len(receiver.distinct_ids()) == 1  # one event, one webhook-id
    assert receiver.refused == []
    statuses = list(event.deliveries.order_by("attempted_at", "id").values_list("response_status"))
    assert statuses[-1] == (204,) and (204,) not in statuses[:-1]


def test_redis_dying_loses_no_event_and_sends_none_twice(subscribed, redis_server, tmp_path):
    receiver = Receiver().start()
    log_path = tmp_path / "worker.log"
    workers = []
    try:
        with broker_url_swapped(redis_server.url(0)):
            subscribed(receiver)
            workers.append(webhook_worker(log_path))
            update_status("Before Redis dies.")
            wait_until(delivered, timeout=30, what="the first event", log_path=log_path)

            redis_server.kill()
            update_status("While Redis is down.")  # the nudge is lost; the outbox keeps the event
            assert WebhookEvent.objects.filter(state=WebhookEvent.State.PENDING).count() == 1

            redis_server.start()  # back, and empty
            if workers[-1].poll() is not None:  # the restart policy, if the worker exited
                workers.append(webhook_worker(log_path))
            wait_until(
                lambda: (
                    beat()
                    and not WebhookEvent.objects.filter(state=WebhookEvent.State.PENDING).exists()
                ),
                # The worker reconnects with growing back-off after the broker's death; on a
                # loaded machine (the whole suite on two cores) that took over 60 s.
                timeout=120,
                what="the event written while Redis was down, delivered",
                log_path=log_path,
            )
    finally:
        for worker in workers:
            stop_process(worker)
        receiver.stop()

    assert len(receiver.received) == 2 and len(receiver.distinct_ids()) == 2
    notes = [r["message"]["data"]["sides"]["india"]["note"] for r in receiver.received]
    assert notes == ["Before Redis dies.", "While Redis is down."]
