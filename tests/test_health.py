"""`GET /health/` (issue 25, in part): for load balancers and docker-compose, no sign-in, and
no content of either government — each check's name and "OK" or what is wrong. Its checks
run on threads of their own, so the data they read is committed (transactional tests)."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from declaration_tracker.celery import app
from operations.models import Heartbeat
from operations.tasks import heartbeat
from reports.models import ReportJob
from tests.commitments.test_reminder_delivery import celery_worker, wait_until
from tests.factories import viewer
from tests.services_private import stop_process

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db(transaction=True)]


def healthy_beat() -> None:
    every, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.update_or_create(
        name="Worker heartbeat",
        defaults={"task": "operations.heartbeat", "interval": every, "last_run_at": timezone.now()},
    )


def probe() -> tuple[int, dict]:
    response = Client().get("/health/", {"format": "json"})
    return response.status_code, json.loads(response.content)


def failing(body: dict) -> dict:
    return {check: state for check, state in body.items() if state != "OK"}


def test_healthy_is_200_for_anyone_and_says_nothing_but_the_checks():
    Heartbeat.objects.create(name="worker", at=timezone.now())
    healthy_beat()
    status, body = probe()
    assert (status, failing(body)) == (200, {})
    assert any("Database" in check for check in body) and any("Broker" in check for check in body)
    # The same, and only that, for a signed-in user.
    client = Client()
    client.force_login(viewer())
    assert json.loads(client.get("/health/", {"format": "json"}).content) == body


def test_a_silent_worker_or_beat_is_503_naming_them():
    Heartbeat.objects.create(name="worker", at=timezone.now() - datetime.timedelta(minutes=5))
    status, body = probe()
    assert status == 503
    assert set(failing(body)) == {
        "WorkerAnswering(within=datetime.timedelta(seconds=120))",
        "BeatRunning(within=datetime.timedelta(seconds=300))",
    }
    assert "No worker has run beat's heartbeat for" in " ".join(failing(body).values())


def test_a_fresh_heartbeat_shows_beat_running_before_beat_records_its_runs():
    """django-celery-beat writes a task's last run to the database every few minutes only;
    the heartbeat a worker ran came from beat, so beat is running."""
    Heartbeat.objects.create(name="worker", at=timezone.now())
    PeriodicTask.objects.update(last_run_at=None)
    status, body = probe()
    assert (status, failing(body)) == (200, {})


def test_a_stuck_report_queue_is_503():
    Heartbeat.objects.create(name="worker", at=timezone.now())
    healthy_beat()
    ReportJob.objects.create(
        kind="summit",
        language="en",
        created_at=timezone.now() - datetime.timedelta(hours=1),
        requested_by=viewer(),
    )
    status, body = probe()
    assert status == 503 and list(failing(body)) == [
        "ReportQueue(late=datetime.timedelta(seconds=900))"
    ]


def test_a_real_worker_running_the_heartbeat_makes_the_worker_healthy(tmp_path):
    healthy_beat()
    log_path = tmp_path / "worker.log"
    app.control.purge()
    worker = celery_worker(log_path, "health-test")
    try:
        heartbeat.delay()
        wait_until(
            lambda: Heartbeat.objects.filter(name="worker").exists(),
            timeout=60,
            what="the heartbeat run by the worker",
            log_path=log_path,
        )
    finally:
        stop_process(worker)
    status, body = probe()
    assert (status, failing(body)) == (200, {})


def test_the_compose_healthcheck_passes_on_200_and_fails_on_503(live_server):
    """docker-compose.yml's probe, run as written (its port moved to the live server's)."""
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    script = compose["services"]["web"]["healthcheck"]["test"][3]
    script = script.replace("127.0.0.1:8000", live_server.url.removeprefix("http://"))
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "localhost,tracker.example"}

    def probe_exit() -> int:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-c", script], env=env, capture_output=True, timeout=30
        ).returncode

    Heartbeat.objects.create(name="worker", at=timezone.now())
    healthy_beat()
    assert probe_exit() == 0
    Heartbeat.objects.filter(name="worker").update(at=timezone.now() - datetime.timedelta(hours=1))
    assert probe_exit() != 0
