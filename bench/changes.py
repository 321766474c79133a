"""Benchmark of the change feed: a client catching up on 100,000 changes, on PostgreSQL.

    .venv/bin/python -m bench.changes --changes 100000

It makes sure the database ``tracker_bench_changes`` exists on the local PostgreSQL
(``createdb``), migrates it and loads the declaration if need be, and adds the synthetic data
set unless it is there already: 2,000 milestones on the declaration's commitments (70 %
bilateral, 15 % India only, 15 % Japan only) and ``--changes`` change entries naming them and
the commitments, as the services write them. Then, for each run:

1. every entry is made unnumbered again, and the sequencer numbers them all (``sequence()``):
   what the first read of the feed after a burst of writes does;
2. a client of each audience (India's manager, Japan's manager, the public reader) catches
   up from before the first change, following ``next`` with ``page_size=500`` through Django's
   test client (the whole stack of a request but the socket), timing each page and counting its
   SQL queries (``CaptureQueriesContext``).

It prints a Markdown table. The data set stays in the database for the next run.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time

import django

from bench.http import database_create

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "declaration_tracker.settings")
MILESTONES = 2_000


def arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.changes",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--database", default="tracker_bench_changes")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2025)
    return parser.parse_args(argv)


def prepare(args) -> None:
    """The declaration, the synthetic milestones and the change entries, once."""
    from django.core.management import call_command

    from changes.models import ChangeEntry
    from commitments.loading import declaration_data_read
    from commitments.models import Commitment, Milestone
    from declaration.loading import declaration_load

    call_command("migrate", verbosity=0)
    if not Commitment.objects.exists():
        declaration_load(data=declaration_data_read())
    rng = random.Random(args.seed)  # noqa: S311 (synthetic data, not secrets)
    commitments = list(Commitment.objects.order_by("code").values_list("pk", "code"))
    synthetic = Milestone.objects.filter(title__startswith="bench-changes ")
    if synthetic.count() < MILESTONES:
        markings = ["bilateral"] * 14 + ["india_only"] * 3 + ["japan_only"] * 3
        rows = []
        for n in range(MILESTONES):
            marking = rng.choice(markings)
            side = {"india_only": "india", "japan_only": "japan"}.get(marking, "india")
            rows.append(
                Milestone(
                    commitment_id=rng.choice(commitments)[0],
                    title=f"bench-changes {n}",
                    due_date=f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    marking=marking,
                    side=side,
                )
            )
        Milestone.objects.bulk_create(rows, batch_size=1000)
    if ChangeEntry.objects.count() < args.changes:
        ChangeEntry.objects.all().delete()
        milestones = list(synthetic.values_list("pk", "marking", "commitment__code"))
        entries = []
        for _ in range(args.changes):
            pk, marking, code = rng.choice(milestones)
            entries.append(
                ChangeEntry(
                    type="milestone",
                    key=str(pk),
                    marking_before=marking,
                    marking_after=marking,
                    governed=True,
                )
            )
            if rng.random() < 0.2:  # a shared milestone's change moves its commitment
                entries.append(ChangeEntry(type="commitment", key=code, marking_after="bilateral"))
        ChangeEntry.objects.bulk_create(entries[: args.changes], batch_size=5000)


def renumber() -> float:
    """Forget every position, then number them all again: the seconds the sequencer took."""
    from changes import sequencing
    from changes.models import ChangeEntry, ChangeSequence

    ChangeEntry.objects.update(sequenced=False, pos_public=None, pos_india=None, pos_japan=None)
    ChangeSequence.objects.update_or_create(
        pk=1,
        defaults={
            "last_public": 0,
            "last_india": 0,
            "last_japan": 0,
            "compacted_public": 0,
            "compacted_india": 0,
            "compacted_japan": 0,
        },
    )
    began = time.perf_counter()
    sequencing.sequence()
    return time.perf_counter() - began


def catch_up(reader, page_size: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from access.apikeys import api_key_create
    from changes import feed, tokens

    _key, token = api_key_create(reader, name="bench")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    since = tokens.dumps(tokens.Position(feed.audience_of(reader), 0))
    link = f"/api/v1/changes/?since={since}&page_size={page_size}"
    times, queries, entries = [], [], 0
    began = time.perf_counter()
    while link:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(link)
            times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{link}: {response.status_code} {response.content[:300]!r}")
        body = response.json()
        entries += len(body["results"])
        queries.append(len(captured))
        link = body["next"]
    total = time.perf_counter() - began
    times.sort()
    return {
        "pages": len(times),
        "entries": entries,
        "seconds": total,
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
        "queries": (min(queries), max(queries)),
        "per_second": entries / total if total else 0,
    }


def main(argv=None) -> int:
    args = arguments(argv)
    database_create(args.database, args.pg_host, args.pg_port, args.pg_user)
    os.environ["DATABASE_URL"] = (
        f"postgres://{args.pg_user}@{args.pg_host}:{args.pg_port}/{args.database}"
    )
    django.setup()
    from django.contrib.auth.models import Group

    from access.choices import Role
    from changes import feed
    from changes.models import ChangeEntry, ChangeSequence
    from commitments.models import User
    from commitments.services import roles_sync

    prepare(args)
    roles_sync()
    readers = {}
    for audience, side in (("India", "india"), ("Japan", "japan"), ("public", "")):
        readers[audience], _ = User.objects.get_or_create(
            username=f"bench-changes-{side or 'public'}", defaults={"side": side}
        )
        readers[audience].groups.add(Group.objects.get(name=Role.MANAGER))
    count = ChangeEntry.objects.count()
    numbered = renumber()
    print(f"# Change feed: catching up on {count:,} changes", flush=True)
    print(
        f"\nPython {platform.python_version()}, {os.cpu_count()} cores, PostgreSQL database "
        f"{args.database}; `python -m bench.changes --changes {args.changes}`\n"
    )
    print(
        f"Sequencer: numbered {count:,} entries in {numbered:.1f} s "
        f"({count / numbered:,.0f} entries/s).\n"
    )
    print(
        "| reader | changes in its sequence | entries given | pages | catch-up (s) | entries/s "
        "| page p50 (ms) | page p95 (ms) | queries per page |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    sequence = ChangeSequence.objects.get(pk=1)
    for audience, reader in readers.items():
        found = catch_up(reader, args.page_size)
        low, high = found["queries"]
        positions = getattr(sequence, f"last_{feed.audience_of(reader)}")
        print(
            f"| {audience} | {positions:,} | {found['entries']:,} | {found['pages']} "
            f"| {found['seconds']:.1f} | {found['per_second']:,.0f} | {found['p50_ms']:.0f} "
            f"| {found['p95_ms']:.0f} | {low}–{high} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
