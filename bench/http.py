"""HTTP benchmark of the tracker: gunicorn on loopback, PostgreSQL, and wrk as the load.

    .venv/bin/python -m bench.http --scales 1 10 100 --duration 10 --connections 4

(`make bench` runs exactly that, after installing wrk if it is missing.)

For each scale N it

1. makes sure the database `tracker_bench_N` exists on the local PostgreSQL (`createdb` if
   not), and, in a child process, migrates it, loads the declaration, adds the synthetic data
   set of scale N (`bench.data`, 50·N users, 600·N milestones, dates around the sweep
   instant; only if it is not there yet) and the demo users (`seed_demo`), and gives the demo
   manager an API token (`drf_create_token manager`);
2. times one reminder sweep (`reminders_sweep(now=…, enqueue=False)`, from an empty
   reminder log) in a child process, counting its queries, and in another makes the summit
   report (PDF, XLSX) and a pre-meeting brief as the worker would;
3. starts `gunicorn declaration_tracker.wsgi` with DJANGO_SETTINGS_MODULE=bench.settings,
   2 workers, on 127.0.0.1 and a free port, signs in as the demo manager (the log-in form,
   with its CSRF token), and warms every URL up (twice in turn, then one second of wrk);
4. for each endpoint, then for its floor (bench/floor.py: the same rows through `.values()`
   as JSON, in the same gunicorn), pauses 1.5 s, resets the workers' peak memory
   (`/proc/PID/clear_refs`), runs wrk (`--duration` seconds, `--connections` connections,
   one thread, bench/wrk.lua), makes one more request to read `X-SQL-Queries`
   (bench/middleware.py), and reads the workers' VmHWM from /proc/PID/status. The dashboard
   is measured twice: as served (its figures cached) and with its figures retired before each
   request as every write retires them (bench.middleware's `X-Bench-Recompute`);
5. walks the whole API by cursor (500 a page, following `next` until null), again and again
   for `--duration` seconds (at most 20 walks), and the floor's keyset pages the same way;
6. has gunicorn replace its workers and measures the memory that CSV exports of one pillar,
   then of every commitment, add to fresh workers (`csv_on_fresh_workers`);
7. stops gunicorn, and prints a Markdown table.

At the end it prints the issue's targets, met or not, from the measured numbers.

Browser pages and the floor are requested with the manager's session cookie, the API with
`Authorization: Token …`. Every request goes to 127.0.0.1 only, and every step is bounded:
wrk by `--duration`, the walks by `--duration` and 20 walks, each request by a timeout.
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("wrk.lua")
HOST = "127.0.0.1"
SETTINGS = "bench.settings"
DEFAULT_NOW = "2026-12-01T04:00:00+00:00"  # as bench.reminders: 09:30 in New Delhi, 13:00 Tokyo
MAX_WALKS = 20
REQUEST_TIMEOUT = 120
WORKERS = 2
SETTLE_SECONDS = 1.5  # a pause before each measurement: wrk stops without waiting for answers

# The targets.
DASHBOARD_MAX_QUERIES = 10
LIST_MAX_QUERIES = 6
DASHBOARD_P50_MS = 150
API_FLOOR_RATIO = 2.0
SYNC_MAX_SECONDS = 30
SWEEP_MAX_SECONDS = 60
CSV_FLAT_MIB = 5.0  # an export of six times the rows may hold this much more at its peak


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str
    auth: str  # "session" or "token"
    floor: str  # the floor's path, requested with the session cookie
    kind: str = "wrk"  # or "walk": follow `next` links until null
    headers: tuple[tuple[str, str], ...] = ()  # sent besides the credentials
    same_floor_as: str = ""  # measure no floor of its own: that endpoint's is the same


CLEAR_CACHE = (("X-Bench-Recompute", "1"),)  # bench.middleware retires the dashboard first


ENDPOINTS = (
    Endpoint("dashboard", "dashboard `/`", "/", "session", "/bench/floor/dashboard/"),
    Endpoint(
        "dashboard_cold",
        "dashboard `/`, figures recomputed each request (as after a write)",
        "/",
        "session",
        "/bench/floor/dashboard/",
        headers=CLEAR_CACHE,
        same_floor_as="dashboard",
    ),
    Endpoint(
        "list50",
        "list `/commitments/?pillar=maritime`, 50 a page",
        "/commitments/?pillar=maritime&page_size=50",
        "session",
        "/bench/floor/commitments/?pillar=maritime&page_size=50",
    ),
    Endpoint(
        "list500",
        "list `/commitments/?pillar=maritime`, 500 a page",
        "/commitments/?pillar=maritime&page_size=500",
        "session",
        "/bench/floor/commitments/?pillar=maritime&page_size=500",
    ),
    Endpoint(
        "detail",
        "commitment `/commitments/MAR-01/`",
        "/commitments/MAR-01/",
        "session",
        "/bench/floor/commitments/MAR-01/",
    ),
    Endpoint(
        "dashboard_asof",
        "dashboard as of 30 Jun 2026 `/?as_of=2026-06-30`, figures recomputed each request",
        "/?as_of=2026-06-30",
        "session",
        "/bench/floor/dashboard/",
        headers=CLEAR_CACHE,
        same_floor_as="dashboard",
    ),
    Endpoint(
        "list50_asof",
        "list as of 30 Jun 2026 `/commitments/?pillar=maritime&as_of=2026-06-30`, 50 a page",
        "/commitments/?pillar=maritime&page_size=50&as_of=2026-06-30",
        "session",
        "/bench/floor/commitments/?pillar=maritime&page_size=50",
        same_floor_as="list50",
    ),
    Endpoint(
        "detail_asof",
        "commitment as of 30 Jun 2026 `/commitments/MAR-01/?as_of=2026-06-30`",
        "/commitments/MAR-01/?as_of=2026-06-30",
        "session",
        "/bench/floor/commitments/MAR-01/",
        same_floor_as="detail",
    ),
    Endpoint(
        "api100",
        "API page of 100 `/api/v1/commitments/?page_size=100`",
        "/api/v1/commitments/?page_size=100",
        "token",
        "/bench/floor/api/commitments/?page_size=100",
    ),
    Endpoint(
        "sync",
        "API full cursor sync, 500 a page (ms per whole walk)",
        "/api/v1/commitments/?pagination=cursor&page_size=500",
        "token",
        "/bench/floor/api/commitments/cursor/?page_size=500",
        kind="walk",
    ),
    Endpoint(
        "csv",
        "API full CSV export `?format=csv` (ms per export)",
        "/api/v1/commitments/?format=csv",
        "token",
        "/bench/floor/api/commitments.csv",
    ),
)


ENDPOINTS_BY_KEY = {endpoint.key: endpoint for endpoint in ENDPOINTS}


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.http",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk per endpoint.")
    parser.add_argument("--connections", type=int, default=4, help="wrk's open connections.")
    parser.add_argument("--password", default="demo-pass-2025", help="The demo users' password.")
    parser.add_argument(
        "--db-prefix", default="tracker_bench_", help="One database per scale: PREFIX + N."
    )
    parser.add_argument("--pg-host", default=HOST)
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument(
        "--now", default=DEFAULT_NOW, help=f"Instant of the reminder sweep (default {DEFAULT_NOW})."
    )
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120:
        parser.error("--duration: 1 to 120 seconds")
    if not 1 <= args.connections <= 64:
        parser.error("--connections: 1 to 64")
    if any(scale < 1 for scale in args.scales):
        parser.error("--scales: whole numbers from 1")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db_prefix):
        parser.error("--db-prefix: lower-case letters, digits and _")
    if args.pg_host not in (HOST, "localhost"):
        parser.error("--pg-host: the benchmark runs on this machine only (127.0.0.1)")
    return args


# The child processes: database preparation and the reminder sweep ----------------------------


def database_url(args: argparse.Namespace, scale: int) -> str:
    return f"postgres://{args.pg_user}@{args.pg_host}:{args.pg_port}/{args.db_prefix}{scale}"


def child_env(args: argparse.Namespace, scale: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=database_url(args, scale), **extra)
    env.pop("DJANGO_DEBUG", None)
    return env


def child_run(args: argparse.Namespace, scale: int, command: list[str], timeout: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        out = Path(folder) / "out.json"
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.http", *command, "--out", str(out)],
            cwd=ROOT,
            env=child_env(args, scale),
            check=True,
            timeout=timeout,
        )
        return json.loads(out.read_text())


def prepare(scale: int, password: str, now: str) -> dict:
    """In the child: the scale's data set, the demo users and the manager's API token."""
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from access.apikeys import api_key_create
    from bench.data import PER_SCALE
    from bench.reminders import data_ensure, machine
    from commitments.models import Commitment, Milestone, StatusUpdate, User

    if connection.vendor != "postgresql":
        sys.exit("bench.http runs on PostgreSQL only")
    moment = _instant(now)
    data_ensure(
        argparse.Namespace(
            users=PER_SCALE["users"] * scale,
            milestones=PER_SCALE["milestones"] * scale,
            seed=2025,
            now=moment,
        )
    )
    call_command("seed_demo", password=password, stdout=io.StringIO())
    _key, token = api_key_create(User.objects.get(username="manager"), name="bench")
    return {
        "token": token,
        "machine": machine(),
        "data": {
            "commitments": Commitment.objects.count(),
            "milestones": Milestone.objects.count(),
            "status updates": StatusUpdate.objects.count(),
            "users": User.objects.count(),
            "maritime commitments": Commitment.objects.filter(pillar__slug="maritime").count(),
        },
    }


def sweep_once(now: str, db_prefix: str) -> dict:
    """In the child: one reminder sweep from an empty reminder log, timed and counted."""
    import django

    django.setup()
    from django.db import connection

    from bench.reminders import sweep
    from notifications.models import Digest, Reminder

    name = connection.settings_dict["NAME"]
    if not name.startswith(db_prefix):
        sys.exit(f"Refusing to empty the reminder log of {name}: not a benchmark database")

    def empty() -> None:
        Reminder.objects.all().delete()
        Digest.objects.all().delete()

    empty()
    try:
        result = sweep(_instant(now))
    finally:
        empty()  # the next run starts from an empty log too
    report = result["report"]
    return {
        "seconds": result["seconds"],
        "queries": result["queries"],
        "candidates": result["candidates"],
        "claimed": report.claimed,
        "recipients": report.recipients,
        "digests": len(report.digests),
        "peak_kib": _status_kib(os.getpid(), "VmHWM"),
    }


def reports_once(db_prefix: str) -> dict:
    """In the child: the summit report (PDF and XLSX, every commitment) and one pre-meeting
    brief made as the demo manager, as the worker makes them: timed, queries counted."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commitments.models import User
    from reports import brief, making, summit

    manager = User.objects.get(username="manager")
    params = summit.SummitParams(at=None, since=summit.last_summit(), pillar=None)
    found = {}
    for key, make in (
        ("summit_pdf", lambda: making.summit_make(manager, params, "pdf")),
        ("summit_xlsx", lambda: making.summit_make(manager, params, "xlsx")),
        (
            "brief_pdf",
            lambda: making.brief_make(
                manager, brief.mechanism_get("coast-guard-commandant-meetings")
            ),
        ),
    ):
        began = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            made = make()
        found[key] = {
            "seconds": time.monotonic() - began,
            "queries": len(queries),
            "bytes": len(made.content),
        }
    found["commitments"] = summit.commitment_count(params)
    found["peak_kib"] = _status_kib(os.getpid(), "VmHWM")
    return found


def _instant(text: str):
    import datetime

    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        sys.exit("--now needs a UTC offset")
    return moment


# The server ------------------------------------------------------------------------------------


def _status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise LookupError(f"{key} not in /proc/{pid}/status")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the benchmark's settings, on 127.0.0.1; stop() ends it and its workers."""

    def __init__(self, args: argparse.Namespace, scale: int, folder: Path):
        self.port = free_port()
        self.stats = folder / "stats"
        self.stats.mkdir()
        self.log = folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.env = child_env(args, scale, BENCH_STATS_DIR=str(self.stats))
        self.peak_reset = True

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "declaration_tracker.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            str(REQUEST_TIMEOUT),
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                answer = fetch(self.port, "/accounts/login/", timeout=5)
                if answer.status == 200 and len(self.workers()) == WORKERS:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            text = ""
        return [int(child) for child in text.split()]

    def peak_reset_all(self) -> dict[int, int]:
        """Reset the workers' VmHWM to their present RSS; return that RSS (KiB) by pid."""
        resident = {}
        for pid in self.workers():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                self.peak_reset = False  # the peaks are then since the worker started
            resident[pid] = _status_kib(pid, "VmRSS")
        return resident

    def peak(self, before: dict[int, int]) -> tuple[float, float, bool]:
        """The highest VmHWM of the workers (MiB), its growth over `before`, same workers?"""
        pids = self.workers()
        peaks = {pid: _status_kib(pid, "VmHWM") for pid in pids}
        growth = max(peaks[pid] - before.get(pid, peaks[pid]) for pid in pids)
        return max(peaks.values()) / 1024, growth / 1024, set(pids) == set(before)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def reload(self) -> None:
        """Replace the workers by fresh ones (SIGHUP) and wait until both answer."""
        old = set(self.workers())
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = set(self.workers())
            if len(now) == WORKERS and not now & old:
                with contextlib.suppress(OSError):
                    if fetch(self.port, "/accounts/login/", timeout=5).status == 200:
                        return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn's workers were not replaced within 60 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# HTTP ------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes
    seconds: float


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> Response:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        content = answer.read()
        seconds = time.perf_counter() - started
        cookies: dict[str, str] = {}
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                jar = SimpleCookie()
                jar.load(value)
                cookies.update({key: morsel.value for key, morsel in jar.items()})
        found = {name.lower(): value for name, value in answer.getheaders()}
        return Response(answer.status, found, cookies, content, seconds)
    finally:
        connection.close()


def local_path(link: str | None, port: int) -> str | None:
    """The path of a `next` link, which must point at this very server."""
    if not link:
        return None
    parts = urllib.parse.urlsplit(link)
    if parts.hostname not in (HOST, "localhost") or (parts.port or 80) != port:
        raise RuntimeError(f"A next link leaves the benchmark's server: {link}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def log_in(port: int, username: str, password: str) -> str:
    """Sign in through the log-in form, as a browser does; return the session cookie value."""
    form = fetch(port, "/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    csrf = form.cookies.get("csrftoken")
    if form.status != 200 or not match or not csrf:
        raise RuntimeError(f"No log-in form with a CSRF token (HTTP {form.status})")
    body = urllib.parse.urlencode(
        {
            "login": username,
            "password": password,
            "csrfmiddlewaretoken": match.group(1).decode(),
            "next": "/",
        }
    ).encode()
    answer = fetch(
        port,
        "/accounts/login/",
        method="POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
    )
    session = answer.cookies.get("sessionid")
    if answer.status != 302 or not session:
        raise RuntimeError(f"Log-in as {username} failed (HTTP {answer.status})")
    return session


# Measuring -------------------------------------------------------------------------------------


@dataclass
class Measure:
    p50_ms: float
    p95_ms: float
    rps: float
    queries: str
    peak_mib: float | None = None
    growth_mib: float | None = None
    errors: int = 0
    notes: list[str] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def probe(server: Server, path: str, headers: dict[str, str]) -> tuple[Response, int]:
    """One request more, to read the SQL queries it made (streams: once the stream ended)."""
    name = uuid.uuid4().hex
    answer = fetch(server.port, path, headers={**headers, "X-Bench-Probe": name})
    if answer.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {answer.status}: {answer.body[:300]!r}")
    queries = int(answer.headers.get("x-sql-queries", "-1"))
    if "content-length" not in answer.headers:  # streamed: the full count is in a file
        record = server.stats / f"{name}.json"
        deadline = time.monotonic() + 10
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        queries = json.loads(record.read_text())["queries"]
    return answer, queries


def run_wrk(args: argparse.Namespace, port: int, path: str, headers: dict[str, str]) -> dict:
    pairs = [item for pair in headers.items() for item in pair]
    command = [
        args.wrk,
        "-t1",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        f"{REQUEST_TIMEOUT}s",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}{path}",
        "--",
        *pairs,
    ]
    done = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=args.duration + REQUEST_TIMEOUT + 30
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-WRK "):
            return json.loads(line.removeprefix("BENCH-WRK "))
    raise RuntimeError(f"wrk printed no result ({done.returncode}):\n{done.stdout}{done.stderr}")


def measure_wrk(args, server: Server, path: str, headers: dict[str, str]) -> Measure:
    time.sleep(SETTLE_SECONDS)  # requests that the last wrk left behind are finished by now
    before = server.peak_reset_all()
    result = run_wrk(args, server.port, path, headers)
    _answer, queries = probe(server, path, headers)
    peak, growth, same = server.peak(before)
    errors = sum(
        result[key]
        for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    done = result["requests"] > 0
    measure = Measure(
        p50_ms=result["p50_us"] / 1000 if done else math.nan,
        p95_ms=result["p95_us"] / 1000 if done else math.nan,
        rps=result["requests"] / (result["duration_us"] / 1e6),
        queries=str(queries),
        peak_mib=peak,
        growth_mib=growth,
        errors=errors,
    )
    if not done:
        measure.notes.append(f"no request finished within {args.duration} s")
    if not same:
        measure.notes.append("a worker was replaced during the run")
    return measure


def walk(server: Server, path: str, headers: dict[str, str]) -> tuple[float, int, int, list[int]]:
    """Follow `next` from `path` until null: (seconds, pages, rows, queries of each page)."""
    started = time.perf_counter()
    pages = rows = 0
    queries: list[int] = []
    following: str | None = path
    while following:
        answer = fetch(server.port, following, headers=headers)
        if answer.status != 200:
            raise RuntimeError(f"GET {following}: HTTP {answer.status}: {answer.body[:300]!r}")
        data = json.loads(answer.body)
        pages += 1
        rows += len(data["results"])
        queries.append(int(answer.headers.get("x-sql-queries", "-1")))
        following = local_path(data.get("next"), server.port)
        if pages > 10_000:
            raise RuntimeError(f"{path}: more than 10,000 pages; a cursor loop?")
    return time.perf_counter() - started, pages, rows, queries


def measure_walk(args, server: Server, path: str, headers: dict[str, str]) -> Measure:
    time.sleep(SETTLE_SECONDS)
    before = server.peak_reset_all()
    walks = []
    started = time.monotonic()
    while not walks or (time.monotonic() - started < args.duration and len(walks) < MAX_WALKS):
        walks.append(walk(server, path, headers))
    peak, growth, same = server.peak(before)
    seconds = [w[0] for w in walks]
    per_page = sorted({q for w in walks for q in w[3]})
    queries = f"{per_page[0]}" if len(per_page) == 1 else f"{per_page[0]}–{per_page[-1]}"
    measure = Measure(
        p50_ms=statistics.median(seconds) * 1000,
        p95_ms=percentile(seconds, 0.95) * 1000,
        rps=sum(w[1] for w in walks) / sum(seconds),
        queries=f"{queries} a page",
        peak_mib=peak,
        growth_mib=growth,
    )
    measure.notes.append(f"{len(walks)} walks of {walks[0][1]} pages, {walks[0][2]:,} rows")
    if not same:
        measure.notes.append("a worker was replaced during the walks")
    return measure


CSV_WARM_UP = "/api/v1/commitments/?format=csv&search=MAR-01"  # the same code, a few rows
CSV_PART = "/api/v1/commitments/?format=csv&pillar=maritime"  # a sixth of the rows
FRESH_EXPORTS = 3


def csv_on_fresh_workers(args, server: Server, path: str, token: dict[str, str]) -> dict:
    """The memory that CSV exports of `path` add to workers that have served nothing bigger.

    In a worker that has already served large pages, the memory an export needs is mostly
    there already (Python keeps what it freed), so its peak hardly moves whatever the export
    does. Here gunicorn replaces its workers (SIGHUP); wrk warms both up for two seconds with
    the export filtered down to a few rows (same code, same imports); then, from their
    resident size, FRESH_EXPORTS exports of `path` run one after another, and the growth of
    the workers' peak is the most that one export held at once.
    """
    server.reload()
    warm = argparse.Namespace(**{**vars(args), "duration": 2})
    run_wrk(warm, server.port, CSV_WARM_UP, token)
    before = server.peak_reset_all()
    rows = []
    for _ in range(FRESH_EXPORTS):
        answer = fetch(server.port, path, headers=token)
        if answer.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {answer.status}")
        rows.append(answer.body.count(b"\n") - 1)
    _peak, growth, _same = server.peak(before)
    return {"rows": rows[-1], "rss_mib": max(before.values()) / 1024, "growth_mib": growth}


@dataclass
class ScaleResult:
    scale: int
    data: dict
    sweep: dict
    reports: dict = field(default_factory=dict)
    app: dict[str, Measure] = field(default_factory=dict)
    floor: dict[str, Measure] = field(default_factory=dict)
    csv_bytes: int = 0
    csv_rows: int = 0
    csv_fresh: dict = field(default_factory=dict)
    load: list[str] = field(default_factory=list)
    peak_reset: bool = True
    seconds: float = 0.0


def database_ensure(args: argparse.Namespace, scale: int) -> bool:
    """Create the scale's database if it is missing (`createdb`); say whether it was created."""
    return database_create(f"{args.db_prefix}{scale}", args.pg_host, args.pg_port, args.pg_user)


def database_create(name: str, host: str, port: int, user: str) -> bool:
    """Create the database `name` on the PostgreSQL at host:port if it is missing
    (`createdb`); say whether it was created."""
    import psycopg2

    server = {"host": host, "port": port, "user": user}
    db = psycopg2.connect(dbname="postgres", connect_timeout=10, **server)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
    finally:
        db.close()
    createdb = shutil.which("createdb") or "/usr/bin/createdb"
    command = [createdb, "-h", host, "-p", str(port), "-U", user, name]
    subprocess.run(command, check=True, timeout=60)  # noqa: S603
    return True


def run_scale(args: argparse.Namespace, scale: int, context: dict) -> ScaleResult:
    began = time.monotonic()
    name = f"{args.db_prefix}{scale}"
    created = database_ensure(args, scale)
    print(f"\n## Scale {scale}: database {name} ({'created' if created else 'reused'})", flush=True)
    started = time.monotonic()
    command = ["prepare", "--scale", str(scale), "--password", args.password, "--now", args.now]
    prepared = child_run(args, scale, command, 900)
    print(f"Prepared in {time.monotonic() - started:.1f} s: {prepared['data']}", flush=True)
    context.setdefault("machine", prepared["machine"])
    print("Reminder sweep …", flush=True)
    sweep = child_run(args, scale, ["sweep", "--now", args.now, "--db-prefix", args.db_prefix], 600)
    result = ScaleResult(scale=scale, data=prepared["data"], sweep=sweep)
    print("Summit report and brief …", flush=True)
    result.reports = child_run(args, scale, ["reports", "--db-prefix", args.db_prefix], 1800)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        server = Server(args, scale, Path(folder))
        try:
            server.start()
            session = {"Cookie": f"sessionid={log_in(server.port, 'manager', args.password)}"}
            token = {"Authorization": f"Token {prepared['token']}"}
            credentials = {"session": session, "token": token}

            def headers_of(endpoint: Endpoint) -> dict[str, str]:
                return {**credentials[endpoint.auth], **dict(endpoint.headers)}

            result.load.append(load_average())
            print(
                f"gunicorn on {HOST}:{server.port}, workers {server.workers()}; warming up …",
                flush=True,
            )
            # Each URL twice (does it answer 200?), then a second of wrk so both workers run it.
            warm = argparse.Namespace(**{**vars(args), "duration": 1})
            for endpoint in ENDPOINTS:
                for path, headers in (
                    (endpoint.path, headers_of(endpoint)),
                    (endpoint.floor, session),
                ):
                    for _ in range(2):
                        if endpoint.kind == "walk":
                            walk(server, path, headers)
                        else:
                            answer, _queries = probe(server, path, headers)
                            if endpoint.key == "csv" and path == endpoint.path:
                                result.csv_bytes = len(answer.body)
                                result.csv_rows = answer.body.count(b"\n") - 1
                    run_wrk(warm, server.port, path, headers)
            for endpoint in ENDPOINTS:
                measure = measure_walk if endpoint.kind == "walk" else measure_wrk
                print(f"- {endpoint.label} …", end=" ", flush=True)
                result.app[endpoint.key] = measure(
                    args, server, endpoint.path, headers_of(endpoint)
                )
                if endpoint.same_floor_as:
                    result.floor[endpoint.key] = result.floor[endpoint.same_floor_as]
                else:
                    print("floor …", end=" ", flush=True)
                    result.floor[endpoint.key] = measure(args, server, endpoint.floor, session)
                app = result.app[endpoint.key]
                print(f"p50 {app.p50_ms:.1f} ms, {app.queries} queries", flush=True)
            print("- CSV exports on fresh workers …", end=" ", flush=True)
            for key, path in (("part", CSV_PART), ("full", ENDPOINTS_BY_KEY["csv"].path)):
                result.csv_fresh[key] = csv_on_fresh_workers(args, server, path, token)
                found = result.csv_fresh[key]
                print(f"{found['rows']:,} rows {found['growth_mib']:+.1f} MiB", end="; ")
            print(flush=True)
            result.peak_reset = server.peak_reset
            result.load.append(load_average())
        except Exception:
            print(f"gunicorn's log, last lines:\n{server.log_tail()}", file=sys.stderr)
            raise
        finally:
            server.stop()
    result.seconds = time.monotonic() - began
    return result


# Reporting -------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ratio(app: Measure, floor: Measure) -> str:
    ratio = app.p50_ms / floor.p50_ms
    return "–" if math.isnan(ratio) else f"{ratio:.1f}×"


def table(result: ScaleResult) -> str:
    lines = [
        "| endpoint | p50 ms | p95 ms | req/s | SQL queries | worker peak MiB | floor p50 ms "
        "| floor req/s | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint in ENDPOINTS:
        app, floor = result.app[endpoint.key], result.floor[endpoint.key]
        label = endpoint.label
        errors = app.errors + floor.errors
        if errors:
            label += f" **({errors} failed requests)**"
        lines.append(
            f"| {label} | {_ms(app.p50_ms)} | {_ms(app.p95_ms)} | {app.rps:,.1f} | {app.queries} "
            f"| {app.peak_mib:.1f} ({app.growth_mib:+.1f}) | {_ms(floor.p50_ms)} "
            f"| {floor.rps:,.1f} | {_ratio(app, floor)} |"
        )
    sweep = result.sweep
    lines.append(
        f"| reminder sweep, one run in its own process (ms) | {_ms(sweep['seconds'] * 1000)} | – "
        f"| – | {sweep['queries']} | {sweep['peak_kib'] / 1024:.1f} (process) | – | – | – |"
    )
    for key, label in (
        ("summit_pdf", "summit report PDF, every commitment, made once in its own process (ms)"),
        ("summit_xlsx", "summit report XLSX, every commitment, made once (ms)"),
        ("brief_pdf", "pre-meeting brief PDF, coast guard commandant meetings (ms)"),
    ):
        made = result.reports[key]
        lines.append(
            f"| {label} | {_ms(made['seconds'] * 1000)} | – | – | {made['queries']} "
            f"| {result.reports['peak_kib'] / 1024:.1f} (process) | – | – | – |"
        )
    data = result.data
    notes = [
        "",
        f"Data: {data['commitments']:,} commitments ({data['maritime commitments']:,} maritime), "
        f"{data['milestones']:,} milestones, {data['status updates']:,} status updates, "
        f"{data['users']:,} users.",
        f"Full CSV export: {result.csv_rows:,} rows, {result.csv_bytes / 1024:,.0f} KiB. On "
        f"fresh workers ({FRESH_EXPORTS} exports one after another), the peak grew by "
        + " and by ".join(
            f"{found['growth_mib']:+.1f} MiB from {found['rss_mib']:.1f} MiB for an export "
            f"of {found['rows']:,} rows"
            for found in result.csv_fresh.values()
        )
        + ". "
        f"Cursor sync: {'; '.join(result.app['sync'].notes)} (floor: "
        f"{'; '.join(result.floor['sync'].notes)}).",
        f"Reminder sweep: {sweep['candidates']:,} candidates, {sweep['claimed']:,} reminders "
        f"claimed for {sweep['recipients']:,} recipients, {sweep['digests']:,} digests.",
    ]
    others = [
        f"{endpoint.key}{' floor' if measure is result.floor[endpoint.key] else ''}: "
        + "; ".join(measure.notes)
        for endpoint in ENDPOINTS
        for measure in (result.app[endpoint.key], result.floor[endpoint.key])
        if endpoint.kind != "walk" and measure.notes and not endpoint.same_floor_as
    ]
    if others:
        notes.append("Notes: " + " ".join(others))
    notes.append(
        f"Load average (1, 5, 15 min) of the machine before the measurements: {result.load[0]}; "
        f"after: {result.load[-1]}."
    )
    if not result.peak_reset:
        notes.append("The workers' peaks could not be reset: they are since each worker started.")
    return "\n".join(lines + notes)


def _queries(measure: Measure) -> int:
    return int(measure.queries.split()[0].split("–")[-1])


def targets(results: list[ScaleResult]) -> str:
    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    largest = max(results, key=lambda r: r.scale)
    scales = ", ".join(str(r.scale) for r in results)
    lines = [f"Targets, from the runs above (scales {scales}):"]

    dashboard = [_queries(r.app[key]) for r in results for key in ("dashboard", "dashboard_cold")]
    lists = [_queries(r.app[key]) for r in results for key in ("list50", "list500")]
    constant = {
        key: {_queries(r.app[key]) for r in results}
        for key in (
            "dashboard",
            "dashboard_cold",
            "list50",
            "list500",
            "detail",
            "api100",
            "sync",
            "csv",
        )
    }
    same_pages = all(_queries(r.app["list50"]) == _queries(r.app["list500"]) for r in results)
    ok = (
        max(dashboard) <= DASHBOARD_MAX_QUERIES
        and max(lists) <= LIST_MAX_QUERIES
        and same_pages
        and all(len(found) == 1 for key, found in constant.items() if key != "csv")
    )
    lines.append(
        f"- Queries per request constant in data size and page size (dashboard ≤ "
        f"{DASHBOARD_MAX_QUERIES}, list pages ≤ {LIST_MAX_QUERIES}): {verdict(ok)}. "
        + "; ".join(
            f"{key} {'/'.join(str(_queries(r.app[key])) for r in results)}" for key in constant
        )
        + " (by scale)."
    )
    for key, how in (
        ("dashboard", "as served"),
        ("dashboard_cold", "figures recomputed (as after a write)"),
    ):
        p50 = largest.app[key].p50_ms
        lines.append(
            f"- Dashboard p50 under {DASHBOARD_P50_MS} ms at scale {largest.scale}, {how}: "
            f"{verdict(p50 < DASHBOARD_P50_MS)} ({p50:.1f} ms)."
        )
    flat = largest.csv_fresh["full"]["growth_mib"] - largest.csv_fresh["part"]["growth_mib"]
    ratios = [r.app["api100"].p50_ms / r.floor["api100"].p50_ms for r in results]
    lines.append(
        f"- API page of 100 within {API_FLOOR_RATIO:g}× of the floor (p50): "
        f"{verdict(max(ratios) <= API_FLOOR_RATIO)} ("
        + ", ".join(f"{x:.1f}×" for x in ratios)
        + " by scale)."
    )
    lines.append(
        f"- Full CSV export in constant memory (on fresh workers at scale {largest.scale}, the "
        f"full export's peak is at most {CSV_FLAT_MIB:g} MiB above that of the export of one "
        f"pillar): {verdict(flat <= CSV_FLAT_MIB)}; peak growth by scale, one pillar → all: "
        + ", ".join(
            f"{r.csv_fresh['part']['growth_mib']:+.1f} MiB ({r.csv_fresh['part']['rows']:,} "
            f"rows) → {r.csv_fresh['full']['growth_mib']:+.1f} MiB "
            f"({r.csv_fresh['full']['rows']:,} rows)"
            for r in results
        )
        + "; under load, after the other endpoints: "
        + ", ".join(f"{r.app['csv'].growth_mib:+.1f} MiB" for r in results)
        + "."
    )
    sync = largest.app["sync"].p95_ms / 1000
    lines.append(
        f"- Full cursor sync under {SYNC_MAX_SECONDS} s at scale {largest.scale}: "
        f"{verdict(sync < SYNC_MAX_SECONDS)} (slowest walk {sync:.2f} s)."
    )
    sweep = max(r.sweep["seconds"] for r in results)
    lines.append(
        f"- Reminder sweep under {SWEEP_MAX_SECONDS} s: {verdict(sweep < SWEEP_MAX_SECONDS)} "
        f"(slowest {sweep:.2f} s)."
    )
    return "\n".join(lines)


def environment(args: argparse.Namespace, context: dict) -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    wrk = subprocess.run([args.wrk, "-v"], capture_output=True, text=True, check=False)  # noqa: S603
    gunicorn = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--version"], capture_output=True, text=True, check=False
    )
    machine = dict(context.get("machine", {}))
    machine["CPU"] = cpu
    machine["wrk"] = ((wrk.stdout or wrk.stderr).strip().splitlines() or ["?"])[0]
    machine["gunicorn"] = gunicorn.stdout.strip() or gunicorn.stderr.strip()
    machine["OS"] = platform.platform()
    return "\n".join(f"- {label}: {value}" for label, value in machine.items())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("prepare", "sweep", "reports"):
        return child_main(argv)
    args = arguments(argv)
    if not Path(args.wrk).exists():
        sys.exit(f"wrk is missing ({args.wrk}): apt-get install -y wrk, or run `make bench`")
    print(
        f"HTTP benchmark: scales {args.scales}, {args.duration} s of wrk per endpoint, "
        f"{args.connections} connections, gunicorn with {WORKERS} workers on {HOST}",
        flush=True,
    )
    context: dict = {}
    results = []
    began = time.monotonic()
    for scale in args.scales:
        result = run_scale(args, scale, context)
        results.append(result)
        print(f"\n### Scale {scale} ({result.seconds:.0f} s)\n\n{table(result)}", flush=True)
    print(f"\n## Machine\n\n{environment(args, context)}")
    print(f"\n## All scales ({time.monotonic() - began:.0f} s in all)")
    for result in results:
        print(f"\n### Scale {result.scale}\n\n{table(result)}")
    print(f"\n{targets(results)}")
    return 0


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http prepare|sweep|reports")
    parser.add_argument("command", choices=["prepare", "sweep", "reports"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--password", default="")
    parser.add_argument("--now", default=DEFAULT_NOW)
    parser.add_argument("--db-prefix", default="tracker_bench_")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    if args.command == "prepare":
        found = prepare(args.scale, args.password, args.now)
    elif args.command == "reports":
        found = reports_once(args.db_prefix)
    else:
        found = sweep_once(args.now, args.db_prefix)
    Path(args.out).write_text(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
