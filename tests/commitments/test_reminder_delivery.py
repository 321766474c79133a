"""Reminder delivery for real: a Celery worker on Redis, an SMTP server that fails and stalls,
a worker killed mid-send, sweeps racing on separate connections, a broker that is down.

These tests need committed data (the worker and the racing threads have their own database
connections), so each runs in a transactional test database with the declaration loaded.
"""

import contextlib
import datetime
import email
import email.policy
import logging
import os
import select
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import quote

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection

from access.choices import Side
from commitments.models import Milestone, User
from declaration_tracker.celery import app
from notifications import selectors, services, tasks
from notifications.choices import DigestState, ReminderKind
from notifications.models import Digest, Reminder
from notifications.tasks import digest_send_task
from tests.factories import UserFactory, commitment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("loaded")]

NOW = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)  # 11:30 in Delhi, 15:00 in Tokyo
TODAY = NOW.date()
DEAD_BROKER = "redis://127.0.0.1:1/15"  # nothing listens on port 1

# --- a minimal SMTP server ----------------------------------------------------------------------


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: refuses or holds DATA as its server is told to."""

    timeout = 60

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server: SMTPServer = self.server
        self.reply("220 reminders-test ESMTP")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 reminders-test")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                with server.lock:
                    refuse = server.refused < server.refuse_data
                    server.refused += refuse
                    stall = server.stall_first and not server.stalled.is_set()
                    if stall:
                        server.stalled.set()
                if refuse:
                    self.reply("451 4.3.0 Temporary failure, try again later")
                    continue
                if stall and not self.hold():
                    return  # the client went away while held: nothing was delivered
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                message = self.read_message()
                if message is None:
                    return
                with server.lock:
                    server.messages.append(
                        email.message_from_bytes(message, policy=email.policy.default)
                    )
                self.reply("250 OK delivered")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def hold(self) -> bool:
        """Answer nothing until released; False if the client disconnects meanwhile."""
        while not self.server.release.wait(0.05):
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return False
                except OSError:
                    return False
        return True

    def read_message(self) -> bytes | None:
        lines = []
        while line := self.rfile.readline():
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)
        return None


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, refuse_data: int = 0, stall_first: bool = False):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.refuse_data = refuse_data
        self.stall_first = stall_first
        self.refused = 0
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.stalled = threading.Event()
        self.release = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]


@pytest.fixture
def smtp_server():
    servers = []

    def serve(**kwargs) -> SMTPServer:
        server = SMTPServer(**kwargs)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    yield serve
    for server in servers:
        server.release.set()
        server.shutdown()
        server.server_close()


# --- the broker and workers -----------------------------------------------------------------------


@pytest.fixture
def broker():
    """The test broker (Redis db 15), emptied of tasks that other runs left behind."""
    app.control.purge()
    yield app
    app.control.purge()


@contextlib.contextmanager
def worker_in_this_process():
    """A real Celery worker consuming from Redis in a thread of the test process."""
    hijack = app.conf.worker_hijack_root_logger
    app.conf.worker_hijack_root_logger = False  # keep pytest's log capture in place
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        app.conf.worker_hijack_root_logger = hijack


def reset_producer_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_url_swapped(url: str):
    saved = app.conf.broker_url
    reset_producer_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        app.conf.broker_url = saved
        reset_producer_pools()


def worker_database_url() -> str:
    options = connection.settings_dict
    auth = quote(options["USER"] or "")
    if options["PASSWORD"]:
        auth += f":{quote(options['PASSWORD'])}"
    host = options["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{options['PORT'] or 5432}/{options['NAME']}"


def worker_subprocess(smtp: SMTPServer, log_path) -> subprocess.Popen:
    return celery_worker(
        log_path,
        "reminders-test",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
    )


def celery_worker(log_path, name: str, **extra_env: str) -> subprocess.Popen:
    """A real Celery worker process on the test database and broker (tests.settings_worker),
    with `extra_env` in its environment, logging to `log_path`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_worker",
        "TEST_DATABASE_URL": worker_database_url(),
        "TEST_BROKER_URL": app.conf.broker_url,
        "TEST_CACHE_URL": settings.TEST_CACHE_URL,
        "WORKER_VISIBILITY_TIMEOUT": "5",
        **extra_env,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "declaration_tracker",
        "worker",
        "--pool",
        "solo",
        "-Q",
        "celery",
        "--without-mingle",
        "--without-gossip",
        "--loglevel",
        "INFO",
        "-n",
        f"{name}-{uuid.uuid4().hex[:8]}@%h",
    ]
    with open(log_path, "ab") as log:
        return subprocess.Popen(  # noqa: S603
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def wait_until(condition, *, timeout: float, what: str, log_path=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tail = ""
            if log_path and os.path.exists(log_path):
                with open(log_path, encoding="utf-8", errors="replace") as log:
                    tail = "\nworker log:\n" + "".join(log.readlines()[-30:])
            raise AssertionError(f"{what}: not within {timeout} s{tail}")
        time.sleep(0.1)


def digest_state(pk: int) -> str:
    return Digest.objects.filter(pk=pk).values_list("state", flat=True).first()


# --- data -----------------------------------------------------------------------------------------


def recipient_with_a_milestone(days_left=7, side=Side.INDIA, code="MAR-01") -> User:
    owner = UserFactory(side=side)
    Milestone.objects.create(
        commitment=commitment(code),
        title="Joint exercise held",
        due_date=TODAY + datetime.timedelta(days=days_left),
        owner=owner,
        side=side,
    )
    return owner


def reminder_log() -> list[tuple]:
    return sorted(
        Reminder.objects.values_list("recipient", "digest", "day", "kind", "item_key", "title")
    )


# --- the tests ------------------------------------------------------------------------------------


def test_a_sweep_queues_the_digest_and_a_real_worker_sends_it_once(broker):
    owner = recipient_with_a_milestone()

    report = tasks.reminders_sweep_and_queue(now=NOW)  # queued as the claims commit
    digest = Digest.objects.get()
    assert report.digests == [digest.pk]
    assert digest.enqueued_at == NOW

    with worker_in_this_process():
        wait_until(
            lambda: digest_state(digest.pk) == DigestState.SENT and len(mail.outbox) == 1,
            timeout=15,
            what="the digest sent by the worker",
        )
        assert tasks.reminders_sweep_and_queue(now=NOW).digests == []  # nothing to queue again
        time.sleep(1)  # room for a duplicate delivery to show up

    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert mail.outbox[0].subject == "India–Japan tracker: 1 reminder for 2 Mar 2026"
    assert "MAR-01: Joint exercise held (due 9 Mar 2026, in 7 days)" in mail.outbox[0].body
    digest.refresh_from_db()
    assert (digest.state, digest.attempts) == (DigestState.SENT, 1)
    assert Reminder.objects.get().kind == ReminderKind.DUE_SOON


def test_an_smtp_server_failing_twice_then_accepting_gets_the_digest_once(smtp_server, settings):
    server = smtp_server(refuse_data=2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    owner = recipient_with_a_milestone(days_left=0)
    services.reminders_claim(selectors.reminders_due(NOW), now=NOW)
    digest = Digest.objects.get()

    # apply() runs the real task in this process and follows its automatic retries.
    result = digest_send_task.apply(args=(digest.pk,))

    assert result.get() == "sent"
    assert server.refused == 2
    assert [m["To"] for m in server.messages] == [owner.email]
    assert server.messages[0]["Subject"] == "India–Japan tracker: 1 reminder for 2 Mar 2026"
    digest.refresh_from_db()
    assert digest.state == DigestState.SENT
    assert digest.attempts == 3
    assert digest_send_task.apply(args=(digest.pk,)).get() == "nothing to send"
    assert len(server.messages) == 1


def test_a_worker_killed_mid_send_loses_and_duplicates_nothing(broker, smtp_server, tmp_path):
    server = smtp_server(stall_first=True)
    owner = recipient_with_a_milestone(days_left=0)
    tasks.reminders_sweep_and_queue(now=NOW)  # the task is now in Redis
    digest = Digest.objects.get()
    claimed = reminder_log()
    log_path = tmp_path / "workers.log"
    workers = []
    try:
        workers.append(worker_subprocess(server, log_path))
        wait_until(
            server.stalled.is_set, timeout=20, what="the first worker at DATA", log_path=log_path
        )
        workers[0].kill()  # SIGKILL while the SMTP server holds the message
        workers[0].wait(timeout=10)
        assert server.messages == []
        assert digest_state(digest.pk) == DigestState.PENDING

        workers.append(worker_subprocess(server, log_path))
        wait_until(
            lambda: digest_state(digest.pk) == DigestState.SENT,
            timeout=25,
            what="the digest sent by the second worker",
            log_path=log_path,
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()

    assert [m["To"] for m in server.messages] == [owner.email]
    assert Digest.objects.count() == 1
    assert reminder_log() == claimed


def claim_only(now):
    return services.reminders_claim(selectors.reminders_due(now), now=now)


def sweep_without_queueing(now):
    return services.reminders_sweep(now=now)


@pytest.mark.parametrize(
    "step",
    [claim_only, sweep_without_queueing],
    ids=["claims", "sweeps"],
)
def test_racing_on_separate_connections_claims_once_and_sends_one_digest_each(step):
    people = [
        recipient_with_a_milestone(days_left=0),
        recipient_with_a_milestone(days_left=7, code="MAR-02"),
        recipient_with_a_milestone(days_left=-1, side=Side.JAPAN, code="DEF-01"),
    ]
    racers = 4
    barrier = threading.Barrier(racers)
    reports, errors = [], []

    def race():
        try:
            barrier.wait(timeout=10)
            reports.append(step(NOW))
        except Exception as error:  # re-raised below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]

    rows = list(Reminder.objects.values_list("recipient", "item_key", "kind", "day"))
    assert len(rows) == len(set(rows)) == 3
    assert sum(report.claimed for report in reports) == 3
    assert sorted(Digest.objects.values_list("recipient", "day")) == sorted(
        (person.pk, TODAY) for person in people
    )
    if step is sweep_without_queueing:
        queued = [pk for report in reports for pk in report.digests]
        assert sorted(queued) == sorted(Digest.objects.values_list("pk", flat=True))
        for pk in queued:
            services.digest_send(digest_id=pk)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


def test_an_unreachable_broker_delays_the_digest_without_losing_it(broker, caplog):
    owner = recipient_with_a_milestone()

    with broker_url_swapped(DEAD_BROKER), caplog.at_level(logging.WARNING):
        started = time.monotonic()
        report = tasks.reminders_sweep_and_queue(now=NOW)
        assert time.monotonic() - started < 10

    digest = Digest.objects.get()
    assert report.digests == [digest.pk]
    assert f"Broker unreachable: digest {digest.pk} will be queued by a later sweep." in [
        record.getMessage() for record in caplog.records
    ]
    # The claims were committed all the same.
    assert Reminder.objects.filter(recipient=owner, digest=digest).count() == 1
    assert (digest.state, digest.enqueued_at) == (DigestState.PENDING, NOW)

    # With the broker back, a sweep within requeue_after_minutes leaves the digest be …
    assert tasks.reminders_sweep_and_queue(now=NOW + datetime.timedelta(minutes=5)).digests == []
    # … and the next one after it queues the digest again, and a worker sends it once.
    later = NOW + datetime.timedelta(minutes=selectors.policy()["requeue_after_minutes"] + 1)
    assert tasks.reminders_sweep_and_queue(now=later).digests == [digest.pk]
    with worker_in_this_process():
        wait_until(
            lambda: digest_state(digest.pk) == DigestState.SENT and len(mail.outbox) == 1,
            timeout=15,
            what="the digest sent once the broker is back",
        )
        time.sleep(1)

    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert Reminder.objects.count() == 1
    assert tasks.reminders_sweep_and_queue(now=later + datetime.timedelta(minutes=30)).digests == []
