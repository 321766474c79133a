"""`GET /metrics` (issue 25, in part): Prometheus's text format, no sign-in, a bearer token when
TRACKER_METRICS_TOKEN is set; requests by view (django-prometheus), task runs counted across
processes in the shared cache, the webhook and report queues — and nothing either government
wrote, nor anyone's name."""

import datetime

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from access.choices import Side
from commitments import services
from commitments.choices import Status
from declaration_tracker.celery import app
from dialogues import services as dialogue_services
from dialogues.models import DialogueMechanism
from notifications.tasks import digest_send_task
from operations import metrics
from operations.tasks import heartbeat
from reports.models import ReportJob
from tests.commitments.test_reminder_delivery import celery_worker, wait_until
from tests.factories import analyst, commitment, days, manager, superuser, viewer
from tests.services_private import stop_process
from tests.webhooks.receiver import Receiver
from webhooks import delivery
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

pytestmark = pytest.mark.usefixtures("loaded")

TOKEN = "a-metrics-token-for-the-tests"


def scrape(client: Client | None = None, **headers) -> dict[tuple, float]:
    """Every sample of /metrics, by (name, sorted labels)."""
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


def samples(text: str) -> dict[tuple, float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict, name: str, **labels) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def test_requests_are_counted_by_view_method_and_status(db):
    before = scrape()
    assert Client().get("/health/").status_code == 503  # no worker's heartbeat here
    found = scrape()

    by_view = "django_http_requests_total_by_view_transport_method_total"
    by_status = "django_http_responses_total_by_status_view_method_total"
    labels = {"view": "health", "transport": "http", "method": "GET"}
    assert value(found, by_view, **labels) == (value(before, by_view, **labels) or 0) + 1
    labels = {"view": "health", "method": "GET", "status": "503"}
    assert value(found, by_status, **labels) == (value(before, by_status, **labels) or 0) + 1
    # The scrape itself is a request like any other.
    assert value(found, by_view, view="metrics", transport="http", method="GET") >= 1


def test_every_known_task_has_its_counts_and_the_queues_their_gauges_from_the_start(db):
    found = scrape()
    for task in ("operations.heartbeat", "commitments.reminders_sweep", "webhooks.deliver_due"):
        for outcome in ("success", "failure", "retry"):
            labels = {"task": task, "outcome": outcome}
            assert value(found, "tracker_celery_task_runs_total", **labels) == 0
    assert not any(dict(labels).get("task", "").startswith("celery.") for _, labels in found)
    assert value(found, "tracker_reminder_sweeps_total") == 0
    for name in ("tracker_webhook_backlog", "tracker_webhook_overdue", "tracker_report_queue"):
        assert value(found, name) == 0


@pytest.mark.django_db(transaction=True)
def test_tasks_a_real_worker_runs_are_counted_by_outcome_and_read_by_the_web(tmp_path):
    """The worker is another process: its counts reach this one's /metrics only through the
    shared cache (Redis)."""
    log_path = tmp_path / "worker.log"
    app.control.purge()
    worker = celery_worker(log_path, "metrics-test")
    try:
        heartbeat.delay()
        heartbeat.delay()
        app.send_task("commitments.reminders_sweep")
        # A report job that cannot exist (not a UUID): the task raises.
        app.send_task("reports.report_job_run", args=["not-a-job"])

        def counted() -> bool:
            found = scrape()
            return (
                value(
                    found,
                    "tracker_celery_task_runs_total",
                    task="operations.heartbeat",
                    outcome="success",
                )
                == 2
                and value(found, "tracker_reminder_sweeps_total") == 1
                and value(
                    found,
                    "tracker_celery_task_runs_total",
                    task="reports.report_job_run",
                    outcome="failure",
                )
                == 1
            )

        wait_until(counted, timeout=60, what="the worker's task counts", log_path=log_path)
    finally:
        stop_process(worker)
        app.control.purge()
    found = scrape()
    runs = "tracker_celery_task_runs_total"
    assert value(found, runs, task="operations.heartbeat", outcome="failure") == 0
    assert value(found, runs, task="commitments.reminders_sweep", outcome="success") == 1
    assert value(found, runs, task="reports.report_job_run", outcome="success") == 0


def test_a_retry_is_counted_apart(db):
    from celery.signals import task_retry

    task_retry.send(sender=digest_send_task, request=None, reason="SMTP down", einfo=None)
    found = scrape()
    runs = "tracker_celery_task_runs_total"
    assert value(found, runs, task="commitments.digest_send", outcome="retry") == 1
    assert value(found, runs, task="commitments.digest_send", outcome="failure") == 0


def test_an_unreachable_cache_leaves_the_task_counts_out_not_zeroed(db, monkeypatch):
    metrics.task_count("operations.heartbeat", "success")
    monkeypatch.setattr(metrics.cache, "get_many", lambda keys: {})  # as TolerantRedisCache
    found = scrape()
    assert not any(name.startswith("tracker_celery_task_runs") for name, _ in found)
    assert value(found, "tracker_reminder_sweeps_total") is None
    assert value(found, "tracker_webhook_backlog") == 0  # the database's figures still come


def test_an_unreachable_database_leaves_its_figures_out_and_the_rest_comes(db, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(metrics, "queue_figures", unreachable)
    found = scrape()
    assert not any(name.startswith("tracker_webhook") for name, _ in found)
    assert value(found, "tracker_report_queue") is None
    assert value(found, "tracker_reminder_sweeps_total") == 0


def subscription(owner) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        url="https://receiver.example/hooks",
        events=["milestone.created"],
        reader=owner,
        created_by=owner,
        secret="whsec_test",
    )


def event(subscription, state="pending", due=None) -> WebhookEvent:
    return WebhookEvent.objects.create(
        subscription=subscription,
        type="milestone.created",
        object_label="commitments.milestone",
        object_pk="1",
        state=state,
        next_attempt_at=due or timezone.now(),
    )


def test_the_webhook_backlog_deliveries_and_report_queue(db):
    owner = manager()
    hooked = subscription(owner)
    event(hooked)
    event(hooked, due=timezone.now() + datetime.timedelta(minutes=5))  # a retry still to come
    event(hooked, due=timezone.now() - datetime.timedelta(hours=1))  # overdue, as /health/ says
    sent = event(hooked, state="delivered")
    given_up = event(hooked, state="failed")
    for status, answered in ((sent, 200), (sent, 204), (given_up, 500), (given_up, None)):
        WebhookDelivery.objects.create(event=status, response_status=answered)
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ReportJob.objects.create(kind="summit", language="en", requested_by=owner)
    ReportJob.objects.create(kind="summit", language="en", requested_by=owner, created_at=hour_ago)
    ReportJob.objects.create(
        kind="summit", language="en", requested_by=owner, state=ReportJob.State.DONE
    )

    found = scrape()
    assert value(found, "tracker_webhook_backlog") == 3
    assert value(found, "tracker_webhook_overdue") == 1
    assert value(found, "tracker_webhook_events", state="pending") == 3
    assert value(found, "tracker_webhook_events", state="delivered") == 1
    assert value(found, "tracker_webhook_events", state="failed") == 1
    assert value(found, "tracker_webhook_events", state="withheld") == 0
    assert value(found, "tracker_webhook_deliveries_total", outcome="success") == 2
    assert value(found, "tracker_webhook_deliveries_total", outcome="failure") == 2
    assert value(found, "tracker_report_queue") == 2
    assert value(found, "tracker_report_queue_late") == 1

    WebhookEvent.objects.filter(state="pending").update(state="delivered")
    assert value(scrape(), "tracker_webhook_backlog") == 0


# --- the token ---------------------------------------------------------------------------------


@override_settings(TRACKER_METRICS_TOKEN=TOKEN)
def test_with_a_token_set_only_its_bearer_scrapes(db):
    def status(client=None, **headers) -> int:
        return (client or Client()).get("/metrics", **headers).status_code

    refused = Client().get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"tracker_" not in refused.content and b"django_http" not in refused.content
    assert status(HTTP_AUTHORIZATION="Bearer not-the-token") == 401
    assert status(HTTP_AUTHORIZATION=f"Token {TOKEN}") == 401
    assert status(HTTP_AUTHORIZATION=f"Bearer {TOKEN}x") == 401
    signed_in = Client()
    signed_in.force_login(superuser())  # a session is not the token
    assert status(signed_in) == 401
    assert status(HTTP_AUTHORIZATION=f"Bearer {TOKEN}") == 200
    assert status(HTTP_AUTHORIZATION=f"bearer {TOKEN}") == 200
    assert value(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"), "tracker_webhook_backlog") == 0


@override_settings(SECURE_SSL_REDIRECT=True)
def test_prometheus_scrapes_over_plain_http_where_pages_are_redirected_to_https(db):
    assert Client().get("/metrics").status_code == 200
    assert Client().get("/accounts/login/").status_code == 301


def test_without_a_token_set_anyone_scrapes_without_signing_in(db):
    assert Client().get("/metrics").status_code == 200
    assert Client().head("/metrics").status_code == 200
    assert Client().post("/metrics").status_code == 405


# --- no content ----------------------------------------------------------------------------------

SECRETS = (
    "Quokka joint patrol zebra-7731",
    "Outcome summary: tangerine accord 5512",
    "Action: periwinkle follow-up 9043",
    "Status note: marmalade assessment 2218",
    "Context: obsidian background 6604",
    "Hook description: saffron receiver 3391",
)


def test_the_metrics_show_no_content_of_either_government_nor_any_name(db, settings):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.TRACKER_WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    india = analyst("maritime", "dialogue", username="metrics-india-kestrel", side=Side.INDIA)
    japan = analyst("maritime", "dialogue", username="metrics-japan-heron", side=Side.JAPAN)
    owner = manager(username="metrics-manager-osprey", email="osprey@example.org")
    receiver = Receiver(answers=(500, 204)).start()
    try:
        hooked = webhook_services.subscription_create(
            actor=owner,
            url=receiver.url,
            events=["milestone.created", "meeting.created", "commitment.side_reported"],
            reader=india,
            description=SECRETS[5],
        )
        receiver.secret = hooked.secret
        milestone = services.milestone_create(
            commitment=commitment("MAR-01"),
            actor=india,
            title=SECRETS[0],
            due_date=days(9),
            owner=japan,
        )
        mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
        meeting = dialogue_services.meeting_create(
            mechanism=mechanism, actor=japan, date=days(-2), outcome_summary=SECRETS[1]
        )
        dialogue_services.action_item_create(meeting=meeting, actor=japan, title=SECRETS[2])
        services.status_update_create(
            commitment=commitment("MAR-01"),
            author=india,
            side=Side.INDIA,
            status=Status.AT_RISK,
            note=SECRETS[3],
            expected_version=None,
        )
        services.context_write(
            commitment=commitment("MAR-01"), actor=japan, side=Side.JAPAN, text=SECRETS[4]
        )
        while delivery.deliver_due():
            pass
    finally:
        receiver.stop()
    assert receiver.received  # the webhooks went out, one after a failed attempt
    # The pages that show all of it, read by both sides, so each view has its counts.
    for user in (india, japan, owner, viewer(username="metrics-viewer-wren")):
        client = Client()
        client.force_login(user)
        for path in (
            "/",
            "/commitments/MAR-01/",
            f"/dialogues/meetings/{meeting.pk}/",
            f"/commitments/MAR-01/milestones/{milestone.pk}/edit/",
            f"/webhooks/{hooked.pk}/",
            "/notifications/",
        ):
            client.get(path)
    assert Client().get("/commitments/MAR-01/").status_code == 302  # and someone signed out
    ReportJob.objects.create(
        kind="summit",
        language="en",
        requested_by=owner,
        params={"pillar": "maritime"},
        error=SECRETS[0],
    )

    response = Client().get("/metrics")
    body = response.content.decode()
    found = samples(body)
    views = {dict(labels).get("view") for _, labels in found}
    assert {"commitment-detail", "meeting-detail", "webhook-detail"} <= views, views
    assert value(found, "tracker_webhook_deliveries_total", outcome="failure") >= 1
    assert value(found, "tracker_webhook_deliveries_total", outcome="success") >= 1
    words = [*SECRETS, *(part for text in SECRETS for part in text.split(": ")[1:])]
    names = [
        "metrics-india-kestrel",
        "metrics-japan-heron",
        "metrics-manager-osprey",
        "metrics-viewer-wren",
        "osprey@example.org",
        "kestrel",
        "heron",
        "osprey",
        "wren",
    ]
    leaked = [word for word in (*words, *names, "MAR-01") if word in body]
    assert leaked == []
    # Each label is a view, template, task, method, status or outcome: nothing else is labelled.
    label_names = {name for _, labels in found for name, _ in labels}
    assert label_names <= {
        "view",
        "method",
        "transport",
        "status",
        "templatename",
        "charset",
        "type",
        "task",
        "outcome",
        "state",
        "le",
        "vendor",
        "backend",
        "implementation",
        "major",
        "minor",
        "patchlevel",
        "version",
        "generation",
    }
