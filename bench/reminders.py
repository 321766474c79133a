"""Benchmark of the reminder sweep and the digest sends, on PostgreSQL only.

    createdb -h 127.0.0.1 -U postgres tracker_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench \\
        .venv/bin/python -m bench.reminders --milestones 100000 --users 5000

It migrates the database and loads the declaration if need be, then adds the synthetic data
set (``bench.data`` with exactly that many users and milestones, dates spread around
the day of the sweep) unless it is there already. For each size in ``--sizes`` (default 1,000
users and all of them) it makes exactly that many synthetic users active, empties the
reminder log, and then, at a fixed instant when both India and Japan are past the send hour:

1. times one full sweep (``reminders_sweep``, nothing queued to Celery), counting its SQL
   queries with ``CaptureQueriesContext`` (which captures whatever DEBUG says), by phase and
   by audience: the recipients of one time zone, the batches the sweep works in;
2. runs a second sweep at the same instant, which must claim nothing;
3. sends every queued digest with the locmem e-mail backend, one ``digest_send`` at a time,
   timing and counting the queries of each;
4. sweeps once more, after the sends, which must claim nothing either.

It prints a Markdown table. The data set stays in the database for the next run; the reminder
log and digests of synthetic users are emptied before each size.

"""

import argparse
import datetime
import functools
import math
import os
import platform
import statistics
import sys
import time
from collections import Counter, defaultdict
from unittest import mock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "declaration_tracker.settings")
DEFAULT_NOW = "2026-12-01T04:00:00+00:00"  # 09:30 in New Delhi, 13:00 in Tokyo
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reminders",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--milestones", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument(
        "--sizes",
        help="Comma-separated numbers of active users to sweep for (default: 1000 and --users).",
    )
    parser.add_argument(
        "--now",
        type=datetime.datetime.fromisoformat,
        default=datetime.datetime.fromisoformat(DEFAULT_NOW),
        help=f"The instant of the sweep, ISO 8601 with an offset (default {DEFAULT_NOW}).",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-send", action="store_true", help="Skip the send phase.")
    parser.add_argument(
        "--slowest", type=int, default=5, help="List this many slowest queries (default 5)."
    )
    args = parser.parse_args(argv)
    if args.now.tzinfo is None:
        parser.error("--now needs a UTC offset, e.g. 2026-12-01T04:00:00+00:00")
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1_000, args.users]
    args.sizes = sorted({min(size, args.users) for size in sizes if size > 0})
    return args


# The environment -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    from django.db import connection

    memory = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kib = int(handle.readline().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "memory": memory,
        "PostgreSQL server": server,
        "Python": platform.python_version(),
        "Django": django.get_version(),
    }


def data_ensure(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from bench.data import (
        PER_SCALE,
        SYNTHETIC_MARK,
        USERNAME_PREFIX,
        generate,
        synthetic_data_present,
    )
    from commitments.models import Declaration, Milestone, User

    call_command("migrate", interactive=False, verbosity=0)
    if not Declaration.objects.exists():
        call_command("load_declaration", verbosity=0)
    if not any(synthetic_data_present().values()):
        scale = max(
            math.ceil(args.users / PER_SCALE["users"]),
            math.ceil(args.milestones / PER_SCALE["milestones"]),
        )
        print(f"Generating the synthetic data set (scale {scale}) …", flush=True)
        generate(
            scale=scale,
            users=args.users,
            milestones=args.milestones,
            seed=args.seed,
            today=args.now.date(),
        )
    users = User.objects.filter(username__startswith=USERNAME_PREFIX).count()
    milestones = Milestone.objects.filter(title__startswith=SYNTHETIC_MARK).count()
    if (users, milestones) != (args.users, args.milestones):
        sys.exit(
            f"This database holds another synthetic data set ({users:,} users, {milestones:,} "
            f"milestones, not {args.users:,} and {args.milestones:,}). Use another database, "
            "or drop and re-create this one."
        )


def audience_set(size: int) -> None:
    """Make exactly the first `size` synthetic users active and empty their reminder log."""
    from bench.data import USERNAME_PREFIX
    from commitments.models import Digest, Reminder, User

    synthetic = User.objects.filter(username__startswith=USERNAME_PREFIX)
    keep = list(synthetic.order_by("pk").values_list("pk", flat=True)[:size])
    synthetic.exclude(pk__in=keep).update(is_active=False)
    synthetic.filter(pk__in=keep).update(is_active=True)
    Reminder.objects.filter(recipient__in=synthetic).delete()
    Digest.objects.filter(recipient__in=synthetic).delete()


# Measuring -------------------------------------------------------------------------------------


class Meter:
    """Times and counts the queries of the sweep's steps while a CaptureQueriesContext runs."""

    # The sweep's steps: (module, name) of each function timed; the reminder sources are
    # timed one by one as `<source>_candidates`, each call is one audience's.
    STEPS = (
        ("selectors", "audiences"),
        ("services", "reminders_due"),
        ("services", "reminders_claim"),
        ("services", "digests_to_queue"),
    )

    def __init__(self, connection):
        from notifications import selectors, services

        self.connection = connection
        self.modules = {"selectors": selectors, "services": services}
        self.steps: dict[str, list[tuple[float, int, list[str]]]] = defaultdict(list)
        self.per_audience: dict[int, int] = defaultdict(int)
        self.candidates: list = []

    def wrap(self, name, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            log = self.connection.queries_log
            first = len(log)
            started = time.perf_counter()
            result = function(*args, **kwargs)
            seconds = time.perf_counter() - started
            sqls = [entry["sql"] for entry in list(log)[first:]]
            self.steps[name].append((seconds, len(sqls), sqls))
            if name.endswith("_candidates"):
                self.per_audience[id(args[0])] += len(sqls)
            if name == "reminders_due":
                self.candidates = result
            return result

        return wrapper

    def patches(self) -> list:
        from declaration_tracker.core import registry

        found = [
            mock.patch.object(
                self.modules[module], name, self.wrap(name, getattr(self.modules[module], name))
            )
            for module, name in self.STEPS
        ]
        sources = [
            self.wrap(f"{source.__name__}_candidates", source)
            for source in registry.reminder_sources
        ]
        found.append(mock.patch.object(registry, "reminder_sources", sources))
        return found

    def total(self, name: str) -> tuple[float, int]:
        calls = self.steps.get(name, [])
        return sum(c[0] for c in calls), sum(c[1] for c in calls)

    def kinds(self, name: str) -> str:
        words = Counter(sql.split()[0].upper() for c in self.steps.get(name, []) for sql in c[2])
        return ", ".join(f"{n} {word}" for word, n in sorted(words.items()))


def sweep(now: datetime.datetime) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from notifications import services

    reset_queries()  # the query log keeps 9,000 entries at most: start each count afresh
    meter = Meter(connection)
    patches = meter.patches()
    for patch in patches:
        patch.start()
    try:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            report = services.reminders_sweep(now=now)
            seconds = time.perf_counter() - started
    finally:
        for patch in patches:
            patch.stop()
    audiences = meter.steps["audiences"]
    return {
        "report": report,
        "seconds": seconds,
        "queries": len(captured),
        "meter": meter,
        "candidates": len(meter.candidates),
        "kinds": Counter(c.kind for c in meter.candidates),
        "audience queries": audiences[0][1] if audiences else 0,
        "per audience": sorted(meter.per_audience.values()),
        "captured": captured.captured_queries,
    }


def send(digest_ids: list[int]) -> dict:
    from django.core import mail
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext, override_settings

    from notifications import services

    mail.outbox = []
    seconds, queries, outcomes = [], [], Counter()
    with override_settings(EMAIL_BACKEND=LOCMEM):
        started = time.perf_counter()
        for digest_id in digest_ids:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                one = time.perf_counter()
                outcome = services.digest_send(digest_id=digest_id)
                seconds.append(time.perf_counter() - one)
            queries.append(len(captured))
            outcomes[outcome.split(":")[0]] += 1
        total = time.perf_counter() - started
    return {
        "digests": len(digest_ids),
        "seconds": total,
        "per digest": seconds,
        "queries": queries,
        "outcomes": outcomes,
        "mails": len(mail.outbox),
    }


def run_size(size: int, args: argparse.Namespace) -> dict:
    from notifications import selectors

    audience_set(size)
    audiences = selectors.audiences(args.now)
    result = {
        "size": size,
        "audiences": len(audiences),
        "eligible": sum(len(a.users) for a in audiences),
    }
    print(f"\n[{size:,} active users] first sweep …", flush=True)
    result["first"] = sweep(args.now)
    print(f"[{size:,} active users] second sweep at the same instant …", flush=True)
    result["second"] = sweep(args.now)
    if not args.no_send:
        digests = result["first"]["report"].digests
        print(f"[{size:,} active users] sending {len(digests):,} digests …", flush=True)
        result["send"] = send(digests)
        result["third"] = sweep(args.now)
    return result


# Reporting -------------------------------------------------------------------------------------


def fmt(number: float, digits: int = 0) -> str:
    return f"{number:,.{digits}f}"


def table(results: list[dict], args: argparse.Namespace) -> str:
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, value) -> None:
        rows.append((label, [value(r) for r in results]))

    first = lambda r: r["first"]  # noqa: E731
    row(
        "milestones (open and done) / users in the data set",
        lambda r: f"{args.milestones:,} / {args.users:,}",
    )
    row(
        "active users past the send hour (audiences = time-zone batches)",
        lambda r: f"{r['eligible']:,} ({r['audiences']})",
    )
    row("candidates (reminders due)", lambda r: fmt(first(r)["candidates"]))
    row("reminders claimed", lambda r: fmt(first(r)["report"].claimed))
    row("recipients with reminders", lambda r: fmt(first(r)["report"].recipients))
    row("digests queued", lambda r: fmt(len(first(r)["report"].digests)))
    row("**sweep seconds**", lambda r: f"**{first(r)['seconds']:.2f}**")
    row("**sweep queries, total**", lambda r: f"**{first(r)['queries']}**")
    row(
        "seconds inside SQL (sum of query times)",
        lambda r: f"{sum(float(q['time']) for q in first(r)['captured']):.2f}",
    )
    row(
        "queries per audience (recipient batch)",
        lambda r: ", ".join(map(str, first(r)["per audience"])),
    )
    row("queries: listing the audiences", lambda r: str(first(r)["audience queries"]))
    for step in ("reminders_due", "reminders_claim", "digests_to_queue"):
        row(
            f"`{step}`: seconds / queries",
            lambda r, s=step: "{:.2f} s / {}".format(*first(r)["meter"].total(s)),
        )
    row("`reminders_claim` queries by kind", lambda r: first(r)["meter"].kinds("reminders_claim"))
    row(
        "second sweep, same instant: claimed / digests / seconds / queries",
        lambda r: (
            f"{r['second']['report'].claimed} / {len(r['second']['report'].digests)} / "
            f"{r['second']['seconds']:.2f} / {r['second']['queries']}"
        ),
    )
    if not args.no_send:
        row("send: digests (outcomes)", lambda r: f"{r['send']['digests']:,} ({_outcomes(r)})")
        row("send: e-mails in the locmem outbox", lambda r: fmt(r["send"]["mails"]))
        row("send: seconds, all digests", lambda r: f"{r['send']['seconds']:.1f}")
        row(
            "send: ms per digest, median / p95 / max",
            lambda r: _spread(r["send"]["per digest"], 1000),
        )
        row(
            "send: queries per digest, min / median / max",
            lambda r: _spread(r["send"]["queries"], 1, queries=True),
        )
        row(
            "sweep after the sends: claimed / digests",
            lambda r: f"{r['third']['report'].claimed} / {len(r['third']['report'].digests)}",
        )
    header = "| | " + " | ".join(f"{r['size']:,} active users" for r in results) + " |"
    lines = [header, "|---|" + "---:|" * len(results)]
    lines += [f"| {label} | " + " | ".join(values) + " |" for label, values in rows]
    kinds = sorted({k for r in results for k in first(r)["kinds"]})
    lines += ["", "| candidates by kind | " + " | ".join(f"{r['size']:,}" for r in results) + " |"]
    lines.append("|---|" + "---:|" * len(results))
    lines += [
        f"| {kind} | " + " | ".join(fmt(first(r)["kinds"][kind]) for r in results) + " |"
        for kind in kinds
    ]
    return "\n".join(lines)


def _outcomes(result: dict) -> str:
    return ", ".join(f"{n:,} {what}" for what, n in sorted(result["send"]["outcomes"].items()))


def _spread(values: list[float], factor: float, queries: bool = False) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    if queries:
        return f"{ordered[0]} / {statistics.median(ordered):g} / {ordered[-1]}"
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    median, top = ordered[len(ordered) // 2], ordered[-1]
    return f"{median * factor:.1f} / {p95 * factor:.1f} / {top * factor:.1f}"


def slowest(sweep_result: dict, count: int) -> str:
    ranked = sorted(sweep_result["captured"], key=lambda q: float(q["time"]), reverse=True)
    lines = [f"Slowest queries of the first sweep at the largest size (of {len(ranked)}):"]
    for query in ranked[:count]:
        sql = " ".join(query["sql"].split())
        lines.append(
            f"- {float(query['time']):.3f} s: `{sql[:150]}{'…' if len(sql) > 150 else ''}`"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    django.setup()
    from django.conf import settings
    from django.db import connection

    from bench.data import USERNAME_PREFIX
    from commitments.models import User

    if connection.vendor != "postgresql":
        sys.exit(
            f"bench.reminders runs on PostgreSQL only, not {connection.vendor}: set DATABASE_URL "
            "to a database made for it, e.g. postgres://postgres@127.0.0.1:5432/tracker_bench"
        )
    print(f"Database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}")
    for label, value in machine().items():
        print(f"{label}: {value}")
    hour = settings.TRACKER_REMINDERS["send_hour"]
    print(f"Sweep instant: {args.now.isoformat()} (send hour {hour}:00 local); sizes: {args.sizes}")
    data_ensure(args)
    results = []
    try:
        for size in args.sizes:
            results.append(run_size(size, args))
    finally:
        User.objects.filter(username__startswith=USERNAME_PREFIX).update(is_active=True)
    print()
    print(table(results, args))
    print()
    print(slowest(results[-1]["first"], args.slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
