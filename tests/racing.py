"""Writers racing in processes of their own, provably at the same instant.

Each child says which PostgreSQL backend it is and waits for `go`; the test holds the row
they will write, sends `go` to all, waits until every one of them is queued on that row's
lock, then lets them through together. Nothing is mocked: real processes, a real database.
"""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.db import connection, transaction

from tests.commitments.test_reminder_delivery import wait_until, worker_database_url
from tests.services_private import stop_process


def ready() -> bool:
    """In a child: say which backend it is, then wait; True once the test says `go`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        print(json.dumps({"pid": cursor.fetchone()[0]}), flush=True)
    return sys.stdin.readline().strip() == "go"


def waiting_on_a_lock(pids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::int[]) AS pid "
            "WHERE cardinality(pg_blocking_pids(pid)) > 0",
            [pids],
        )
        return cursor.fetchone()[0]


def race(scripts: list[str], *, row, tmp_path) -> list[dict]:
    """Run each Python `script` in a child on this test's database, all let go at once on
    `row`'s lock; return what each printed last (JSON)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_DATABASE_URL": worker_database_url(),  # this test's database, test_…
        "TEST_CACHE_URL": settings.TEST_CACHE_URL,  # and its cache
    }
    processes, logs = [], []
    try:
        for n, script in enumerate(scripts):
            logs.append(open(tmp_path / f"racer-{n}.log", "w+"))  # noqa: SIM115
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "-c", f"import django; django.setup(); {script}"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=logs[-1],
                    text=True,
                )
            )
        pids = []
        for process, log in zip(processes, logs, strict=True):
            line = process.stdout.readline()
            log.seek(0)
            assert line, f"a writer stopped before it was ready:\n{log.read()[-3000:]}"
            pids.append(json.loads(line)["pid"])
        # Hold the row, so that all are provably inside their write, queued on its lock,
        # before any of them can go on.
        with transaction.atomic():
            type(row).objects.select_for_update().get(pk=row.pk)
            for process in processes:
                process.stdin.write("go\n")
                process.stdin.flush()
            wait_until(
                lambda: waiting_on_a_lock(pids) == len(pids),
                timeout=20,
                what=f"all {len(pids)} writers waiting on the row lock",
            )
        return [json.loads(process.communicate(timeout=30)[0]) for process in processes]
    finally:
        for process in processes:
            stop_process(process)
        for log in logs:
            log.close()
