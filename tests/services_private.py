"""A PostgreSQL cluster and a Redis server of the fault tests' own, to stop and start at will.

The shared PostgreSQL and Redis on the standard ports serve every other test run on this
machine, so the fault tests never stop those. These servers live in a temporary directory, on
free ports of 127.0.0.1; the fixtures of tests/test_faults.py stop and delete them afterwards,
whatever happened in the test.

Where one cannot be made (`Unavailable`), `unavailable()` skips the test on a developer's
machine and fails it under CI, where a skip would pass without a fault test having run.
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NoReturn

import psycopg2
import pytest
import redis

from bench.http import HOST, free_port

START_SECONDS = 30


class Unavailable(Exception):
    """The programs a private server needs are not on this machine (the reason says which)."""


def under_ci() -> bool:
    """CI sets CI=true (as .ci/run's caller and the common CI services do)."""
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """A private server cannot be had here: a skip on a developer's machine, a failure under
    CI, which must run the fault tests and would otherwise report green without them."""
    if under_ci():
        pytest.fail(f"{reason} (under CI, where the fault tests must run)")
    pytest.skip(reason)


def stop_process(process: subprocess.Popen | None, seconds: float = 15) -> None:
    """End a child process: SIGTERM, then SIGKILL if it has not gone within `seconds`."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _postgres_bin() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if not versions:
        raise Unavailable("PostgreSQL's initdb is not installed")
    return Path(versions[-1]).parent


class PrivatePostgres:
    """A throwaway cluster: initdb into a temporary directory, pg_ctl on a free port.

    PostgreSQL refuses to run as root, so under root its programs run as the `postgres` user
    (runuser), and the directory belongs to that user. Authentication is `trust`, on
    127.0.0.1 and on a socket in the directory only. fsync is off: a crash of the server
    loses no committed transaction (its WAL is written before COMMIT returns), a crash of the
    machine would, which a test can afford. synchronous_commit stays on: off, a crash of the
    server would lose the last commits, and the tests would see a lost write that production
    (on) never has.
    """

    def __init__(self):
        self.bin = _postgres_bin()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if not runuser:
                raise Unavailable("running as root, and runuser is not installed")
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as error:
                raise Unavailable("running as root, and there is no `postgres` user") from error
            self.as_owner = [runuser, "-u", "postgres", "--"]
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        if self.as_owner:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data = self.folder / "data"
        self.port = free_port()

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_owner, str(self.bin / program), *args]
        done = subprocess.run(  # noqa: S603
            command, cwd=self.folder, capture_output=True, text=True, timeout=60
        )
        if done.returncode:
            raise RuntimeError(f"{program} failed:\n{done.stdout}{done.stderr}{self.log_tail()}")

    def init(self) -> None:
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "start",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.folder / "server.log"),
            "--wait",
            "--timeout",
            str(START_SECONDS),
            "-o",
            options,
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` as an orderly shutdown does, `immediate` as a crash."""
        self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--wait", "--mode", mode)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        return psycopg2.connect(
            host=HOST, port=self.port, user="postgres", dbname=database, connect_timeout=5
        )

    def create_database(self, name: str) -> None:
        with contextlib.closing(self.connect()) as admin:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = (self.folder / "server.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\nserver log:\n" + "\n".join(text.splitlines()[-lines:])

    def remove(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """redis-server in the foreground on a free port, with no persistence at all.

    Killed, it loses whatever it held, as a Redis without a disk does when it dies; started
    again, it listens on the same port.
    """

    def __init__(self, folder: Path):
        program = shutil.which("redis-server")
        if not program:
            raise Unavailable("redis-server is not installed")
        self.program = program
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            self.program,
            "--port",
            str(self.port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(self.folder),
        ]
        with open(self.folder / "redis.log", "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, stdout=log, stderr=subprocess.STDOUT
            )
        client = redis.Redis(host=HOST, port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + START_SECONDS
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start:\n" + self.log_tail())
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no goodbye to clients, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host=HOST, port=self.port, db=db, socket_connect_timeout=1)

    def url(self, db: int = 0) -> str:
        return f"redis://{HOST}:{self.port}/{db}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = (self.folder / "redis.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])
