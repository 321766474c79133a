"""Faults, for real: PostgreSQL crashing under the running app, Redis dying under the web app
and a Celery worker, and one commitment written by four processes at once.

PostgreSQL and Redis are private servers (tests/services_private.py) that the tests stop and
start; the shared ones on the standard ports are never touched. Nothing is mocked: the web app
runs under gunicorn or Django's test client, the worker is a `celery worker` process, and the
racing writers are Python processes of their own.
"""

import argparse
import contextlib
import datetime
import json
import logging
import subprocess
import sys
import threading

import pytest
import redis
from django.conf import settings
from django.test import Client

from bench.http import HOST, Server, child_env, fetch, log_in
from commitments.choices import Status
from commitments.models import Commitment, StatusUpdate
from notifications import selectors, tasks
from notifications.choices import DigestState
from notifications.models import Reminder
from tests import racing
from tests.api_base import api_client, assert_error, token_for
from tests.commitments import test_reminder_delivery as delivery
from tests.commitments.test_reminder_delivery import (
    NOW,
    broker_url_swapped,
    digest_state,
    recipient_with_a_milestone,
    wait_until,
    worker_subprocess,
)
from tests.factories import analyst, commitment
from tests.services_private import (
    PrivatePostgres,
    PrivateRedis,
    Unavailable,
    stop_process,
    unavailable,
)
from tests.settings import tracker_caches

smtp_server = delivery.smtp_server  # the SMTP server of the delivery tests, as a fixture here

ANALYST = "analyst"  # the demo analyst of India: defence and maritime (declaration.demo)
PASSWORD = "fault-test-pass-2025"
CODE = "MAR-01"
SCALE = 1  # bench.http serves the database PREFIX + scale: here tracker_1
DATABASE = f"tracker_{SCALE}"
CHILD = "import django; django.setup(); import tests.test_faults as t"  # a child's start
LEAKS = (b"Traceback", b"OperationalError", b"psycopg2", b'File "', b"connection to server")


# --- where a private server cannot be had ---------------------------------------------------------


@pytest.mark.parametrize(
    ("ci", "outcome"),
    [
        ("true", pytest.fail.Exception),
        ("TRUE", pytest.fail.Exception),
        (None, pytest.skip.Exception),
        ("", pytest.skip.Exception),
        ("false", pytest.skip.Exception),
    ],
)
def test_no_private_server_is_a_skip_on_a_developer_machine_and_a_failure_under_ci(
    monkeypatch, ci, outcome
):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)

    with pytest.raises(outcome, match="redis-server is not installed"):
        unavailable("redis-server is not installed")


# --- the app under gunicorn, on a private PostgreSQL ----------------------------------------------


class Answer:
    """A bench.http response, readable by tests.api_base.assert_error like a test client's."""

    def __init__(self, response):
        self.response = response
        self.status_code = response.status
        self.content = response.body

    def __getitem__(self, header: str) -> str:
        return self.response.headers[header.lower()]

    def json(self):
        return json.loads(self.response.body)


class Tracker:
    """The tracker served by gunicorn (bench.http's server: DEBUG off) on a private cluster."""

    def __init__(self, cluster: PrivatePostgres, folder):
        self.cluster = cluster
        self.args = argparse.Namespace(
            pg_user="postgres", pg_host=HOST, pg_port=cluster.port, db_prefix="tracker_"
        )
        self.server = Server(self.args, SCALE, folder)
        # Its two workers share the tests' Redis cache, as production's web processes share
        # one: bench.http's settings are the tracker's, which cache in memory without it.
        self.server.env["CACHE_URL"] = settings.TEST_CACHE_URL
        self.token = ""
        self.session = ""

    def prepare(self) -> None:
        """Migrate, load the declaration and the demo users, in a child as `make run` does."""
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-c",
                f"{CHILD}; t.tracker_prepare({PASSWORD!r})",
            ],
            cwd=settings.BASE_DIR,
            env=child_env(self.args, SCALE, CACHE_URL=settings.TEST_CACHE_URL),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        self.token = json.loads(done.stdout.splitlines()[-1])["token"]

    def page(self, path: str) -> Answer:
        headers = {"Cookie": f"sessionid={self.session}"}
        return Answer(fetch(self.server.port, path, headers=headers, timeout=30))

    def api(self, path: str, *, method: str = "GET", body=None, **headers: str) -> Answer:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json", **headers}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        answer = fetch(
            self.server.port, path, method=method, body=data, headers=headers, timeout=30
        )
        return Answer(answer)

    def detail(self) -> Answer:
        return self.api(f"/api/v1/commitments/{CODE}/")

    def status_update(self, etag: str, note: str) -> Answer:
        return self.api(
            f"/api/v1/commitments/{CODE}/status-updates/",
            method="POST",
            body={"status": Status.AT_RISK, "note": note},
            **{"If-Match": etag},
        )

    def trail(self) -> list[dict]:
        answer = self.api(f"/api/v1/commitments/{CODE}/status-updates/?page_size=500")
        assert answer.status_code == 200, answer.content[:500]
        return answer.json()["results"]


def tracker_prepare(password: str) -> None:
    """In the child (DATABASE_URL set): an empty database made ready, the analyst's token."""
    import io

    from django.core.management import call_command

    from commitments.models import User

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_declaration", stdout=io.StringIO())
    call_command("seed_demo", password=password, stdout=io.StringIO())
    token = token_for(User.objects.get(username=ANALYST))
    print(json.dumps({"token": token}))


@pytest.fixture
def tracker(tmp_path):
    try:
        cluster = PrivatePostgres()
    except Unavailable as reason:
        unavailable(f"No private PostgreSQL cluster can be made here: {reason}")
    app = None
    try:
        cluster.init()
        cluster.start()
        cluster.create_database(DATABASE)
        app = Tracker(cluster, tmp_path)
        app.prepare()
        app.server.start()
        app.session = log_in(app.server.port, ANALYST, PASSWORD)
        yield app
    finally:
        if app is not None:
            app.server.stop()
        cluster.remove()


def assert_failed_cleanly(answer: Answer, *, api: bool) -> None:
    """A 503 a user can read, saying when to retry: the API's one error body, or the site's
    error page; no internals."""
    assert answer.status_code == 503, (answer.status_code, answer.content[:500])
    assert answer["Retry-After"] == "30"
    if api:
        assert_error(answer, answer.status_code)
    else:
        assert b"Something went wrong" in answer.content
    for leak in LEAKS:
        assert leak not in answer.content, leak


def lock_waiters(cluster: PrivatePostgres) -> list[tuple[int, str]]:
    """The backends of the tracker's database waiting for a lock, and what each runs."""
    with contextlib.closing(cluster.connect(DATABASE)) as watcher:
        watcher.autocommit = True
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT pid, query FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchall()


def locks_held(cluster: PrivatePostgres, pid: int, table: str) -> set[str]:
    with contextlib.closing(cluster.connect(DATABASE)) as watcher:
        watcher.autocommit = True
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT mode FROM pg_locks WHERE pid = %s AND granted AND relation = %s::regclass",
                [pid, table],
            )
            return {mode for (mode,) in cursor.fetchall()}


def test_postgresql_crashing_mid_write_and_restarting_under_the_running_app(tracker):
    server, cluster = tracker.server, tracker.cluster
    master, workers = server.process.pid, set(server.workers())

    # Up: the commitment page, the API, and a write; the workers cache in the tests' Redis.
    page = tracker.page(f"/commitments/{CODE}/")
    assert page.status_code == 200
    assert CODE.encode() in page.content
    assert redis.Redis.from_url(settings.TEST_CACHE_URL).dbsize() > 0
    read = tracker.detail()
    assert read.status_code == 200
    written = tracker.status_update(read["ETag"], "Before the outage.")
    assert written.status_code == 201, written.content[:500]
    after_write = tracker.detail()
    etag, trail = after_write["ETag"], tracker.trail()
    assert after_write.json()["version"] == read.json()["version"] + 1

    # A write caught mid-way: its status update already appended, the commitment row's update
    # held back by a lock, when PostgreSQL crashes.
    table = Commitment._meta.db_table
    answers: list[Answer] = []
    with contextlib.closing(cluster.connect(DATABASE)) as blocker:
        with blocker.cursor() as cursor:
            # UPDATEs wait; reads and the writer's SELECT … FOR UPDATE do not.
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
        writer = threading.Thread(
            target=lambda: answers.append(tracker.status_update(etag, "During the crash.")),
            daemon=True,
        )
        writer.start()
        wait_until(
            lambda: any(
                query.startswith(f'UPDATE "{table}"') for _, query in lock_waiters(cluster)
            ),
            timeout=15,
            what="the API write waiting to update the commitment after appending to the trail",
            log_path=server.log,
        )
        ((pid, _query),) = lock_waiters(cluster)
        assert "RowExclusiveLock" in locks_held(cluster, pid, StatusUpdate._meta.db_table)
        cluster.stop("immediate")  # as a crash: no checkpoint, the session cut off
        writer.join(timeout=30)
    assert len(answers) == 1
    assert_failed_cleanly(answers[0], api=True)

    # Down: pages and API answer a clean error; gunicorn and its workers carry on.
    assert_failed_cleanly(tracker.page(f"/commitments/{CODE}/"), api=False)
    assert_failed_cleanly(tracker.detail(), api=True)
    assert_failed_cleanly(tracker.status_update(etag, "While down."), api=True)
    assert server.process.poll() is None

    # Back: the same requests succeed, with no restart of the app, and neither write made
    # during the outage left anything behind.
    cluster.start()
    for _ in range(4):  # each of gunicorn's workers reconnects on its own
        assert tracker.page(f"/commitments/{CODE}/").status_code == 200
        back = tracker.detail()
        assert back.status_code == 200
        assert back["ETag"] == etag
        assert back.json()["status"] == after_write.json()["status"]
    assert tracker.trail() == trail
    again = tracker.status_update(etag, "After the outage.")
    assert again.status_code == 201, again.content[:500]
    assert [update["note"] for update in tracker.trail()][:2] == [
        "After the outage.",
        "Before the outage.",
    ]

    # A restart between two requests (a minor upgrade at night): the workers' kept
    # connections are dead, and the very first requests after it succeed all the same.
    cluster.stop("fast")
    cluster.start()
    for _ in range(4):
        assert tracker.page(f"/commitments/{CODE}/").status_code == 200
        assert tracker.detail().status_code == 200
    assert (server.process.pid, set(server.workers())) == (master, workers)


# --- Redis down under the web app and a Celery worker ---------------------------------------------


@pytest.fixture
def redis_server(tmp_path):
    try:
        server = PrivateRedis(tmp_path)
    except Unavailable as reason:
        unavailable(f"No private Redis can be started here: {reason}")
    try:
        server.start()
        yield server
    finally:
        server.kill()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize("redis_holds", ["broker", "broker and cache"])
def test_with_redis_down_status_updates_through_the_ui_and_api_still_succeed(
    redis_server, settings, redis_holds
):
    if redis_holds == "broker and cache":
        # As the tracker's settings configure the cache from CACHE_URL, in production too.
        # Otherwise the cache is the test settings' Redis, which stays up.
        settings.CACHES = tracker_caches(redis_server.url(1))
    author = analyst("maritime")
    target = commitment("MAR-05")
    browser = Client(raise_request_exception=False)
    browser.force_login(author)
    api = api_client(author, raise_request_exception=False)
    path = f"/api/v1/commitments/{target.code}/"

    with broker_url_swapped(redis_server.url(0)):
        assert browser.get("/").status_code == 200  # the dashboard, cached if Redis caches
        assert (redis_server.client(1).dbsize() > 0) == (redis_holds == "broker and cache")
        redis_server.kill()

        posted = browser.post(
            f"/commitments/{target.code}/status/",
            {"status": Status.AT_RISK, "note": "Through the page.", "version": target.version},
        )
        assert posted.status_code == 302, posted.content[:500]
        read = api.get(path)
        assert read.status_code == 200, read.content[:500]
        written = api.post(
            f"{path}status-updates/",
            {"status": Status.OFF_TRACK, "note": "Through the API."},
            HTTP_IF_MATCH=read["ETag"],
        )
        assert written.status_code == 201, written.content[:500]
        assert browser.get("/").status_code == 200
        assert api.get("/api/v1/dashboard/").status_code == 200

    target.refresh_from_db()
    assert target.india_status == Status.OFF_TRACK  # the analyst's side's assessment
    assert list(target.status_updates.order_by("version").values_list("note", flat=True)) == [
        "Through the page.",
        "Through the API.",
    ]


def worker_log(path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def queued_tasks(server: PrivateRedis) -> int:
    return server.client(0).llen("celery")


def redis_holds_no_task(server: PrivateRedis) -> bool:
    """No task queued and none delivered but unacknowledged: nothing left that could run."""
    return queued_tasks(server) == 0 and server.client(0).hlen("unacked") == 0


RETRYING = "Trying again in"
WORKER_DIES = (
    "Unrecoverable error: AttributeError(\"'NoneType' object has no attribute 'hostname'\")"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("loaded")
def test_reminders_survive_redis_dying_under_a_running_worker_and_go_out_once(
    redis_server, smtp_server, tmp_path, caplog
):
    """Builds on test_an_unreachable_broker_delays_the_digest_without_losing_it: here Redis
    dies under a worker process busy sending one digest, with another digest's task queued in
    it and a third reminder falling due while it is down; it comes back empty.

    The worker either reconnects by itself or, in about one run in three, exits: Celery and
    kombu 5.7, closing the lost connection, try to put the unacknowledged task back and fail
    ("Unrecoverable error: AttributeError ... 'hostname'"). docker-compose.yml restarts it
    (`restart: unless-stopped`), and so does this test, as that restart policy would.
    """
    mail = smtp_server(stall_first=True)  # holds the first message until released
    log_path = tmp_path / "worker.log"
    later = NOW + datetime.timedelta(minutes=selectors.policy()["requeue_after_minutes"] + 1)
    workers = []

    with broker_url_swapped(redis_server.url(0)):
        try:
            workers.append(worker_subprocess(mail, log_path))
            # The worker takes the first digest and is held at the SMTP server's DATA; the
            # second digest's task waits in Redis behind it.
            sending = recipient_with_a_milestone()
            (first,) = tasks.reminders_sweep_and_queue(now=NOW).digests
            wait_until(
                mail.stalled.is_set, timeout=20, what="the worker at DATA", log_path=log_path
            )
            queued = recipient_with_a_milestone(code="MAR-02")
            (second,) = tasks.reminders_sweep_and_queue(now=NOW).digests
            assert queued_tasks(redis_server) == 1

            # Redis dies: the queued task with it. The held message then goes through.
            redis_server.kill()
            mail.release.set()
            wait_until(
                lambda: digest_state(first) == DigestState.SENT,
                timeout=20,
                what="the digest held at DATA sent",
                log_path=log_path,
            )

            # Still down: a reminder falls due; the sweep claims it and cannot queue it.
            during = recipient_with_a_milestone(days_left=0, code="DEF-01")
            with caplog.at_level(logging.WARNING):
                (third,) = tasks.reminders_sweep_and_queue(now=NOW).digests
            assert f"Broker unreachable: digest {third} will be queued by a later sweep." in [
                record.getMessage() for record in caplog.records
            ]
            assert (digest_state(second), digest_state(third)) == (DigestState.PENDING,) * 2

            # Back, and empty: the next sweep after requeue_after_minutes queues both digests
            # again, and the worker sends them.
            wait_until(
                lambda: any(sign in worker_log(log_path) for sign in (WORKER_DIES, RETRYING)),
                timeout=20,
                what="the worker retrying the broker, or exiting",
                log_path=log_path,
            )
            redis_server.start()
            if WORKER_DIES in worker_log(log_path):
                workers[-1].wait(timeout=20)
                workers.append(worker_subprocess(mail, log_path))  # the restart policy
            assert sorted(tasks.reminders_sweep_and_queue(now=later).digests) == [second, third]
            wait_until(
                lambda: {digest_state(second), digest_state(third)} == {DigestState.SENT},
                timeout=25,
                what="the two digests sent once Redis is back",
                log_path=log_path,
            )
            wait_until(
                lambda: redis_holds_no_task(redis_server),
                timeout=15,
                what="every task done and acknowledged",
                log_path=log_path,
            )
            assert workers[-1].poll() is None
        finally:
            for worker in workers:
                stop_process(worker)

    people = (sending, queued, during)
    assert sorted(message["To"] for message in mail.messages) == sorted(p.email for p in people)
    assert sorted(Reminder.objects.values_list("recipient", flat=True)) == sorted(
        p.pk for p in people
    )
    assert tasks.reminders_sweep_and_queue(now=later + datetime.timedelta(minutes=30)).digests == []


# --- one commitment written by four processes at once ---------------------------------------------


def racing_writer(code: str, username: str, expected_version: int) -> None:
    """In a child process: wait for `go`, try one status update."""
    from commitments import services
    from commitments.models import User
    from declaration_tracker.core.versioning import StaleVersionError

    target = commitment(code)
    author = User.objects.get(username=username)
    if not racing.ready():
        return
    try:
        update = services.status_update_create(
            commitment=target,
            author=author,
            status=Status.AT_RISK,
            note=f"From {username}",
            expected_version=expected_version,
        )
    except StaleVersionError:
        print(json.dumps({"outcome": "conflict"}), flush=True)
    else:
        print(json.dumps({"outcome": "won", "version": update.version}), flush=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("loaded")
def test_four_processes_updating_one_commitment_at_once_one_wins(tmp_path):
    target = commitment("MAR-05")
    initial, trail = target.version, target.status_updates.count()
    writers = [analyst("maritime") for _ in range(4)]
    child = "import tests.test_faults as t; t.racing_writer"
    outcomes = racing.race(
        [f"{child}({target.code!r}, {user.username!r}, {initial})" for user in writers],
        row=target,
        tmp_path=tmp_path,
    )

    assert sorted(outcome["outcome"] for outcome in outcomes) == [
        "conflict",
        "conflict",
        "conflict",
        "won",
    ]
    winner = next(w for w, o in zip(writers, outcomes, strict=True) if o["outcome"] == "won")
    target.refresh_from_db()
    assert target.version == initial + 1
    assert target.india_status == Status.AT_RISK
    assert target.status_updates.count() == trail + 1
    update = target.status_updates.get(version=initial + 1)
    assert (update.author, update.note) == (winner, f"From {winner.username}")
