"""Run a function in a child process on a scratch database of its own (PostgreSQL or SQLite),
with the tracker's own settings: for migration tests, which migrate backwards and forwards."""

import json
import os
import subprocess
import sys

import psycopg2
from django.conf import settings
from django.db import connection, transaction

from tests.commitments.test_reminder_delivery import worker_database_url


def run_child(call: str, *, database: str, name: str, tmp_path) -> dict:
    """Run `call` (e.g. `"tests.test_x.child()"`, printing JSON last) in a child process on a
    new scratch database; return what it printed."""
    module, function = call.rsplit(".", 1)
    if database == "postgresql":
        options = connection.settings_dict
        # One scratch database per test database, so two runs on one server never share it.
        name = f"{name}__{options['NAME']}"[:63]
        admin = psycopg2.connect(
            host=options["HOST"] or "127.0.0.1",
            port=options["PORT"] or 5432,
            user=options["USER"],
            dbname="postgres",
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {name}")
        url = worker_database_url().rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "declaration_tracker.settings",
    }
    script = f"import django; django.setup(); import {module} as m; m.{function}"
    try:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        if database == "postgresql":
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.close()
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def migrate_to(targets: list[tuple[str, str]]):
    """Migrate each app back or forth to its named migration (their post-migrate signal makes
    the content types and permissions); return the models as they stood then."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    for app, name in targets:
        call_command("migrate", app, name, verbosity=0)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def refuses(statement: str) -> bool:
    """Say whether the database refuses `statement` (an append-only table's trigger)."""
    try:
        with transaction.atomic(), connection.cursor() as edit:
            edit.execute(statement)
    except Exception:
        return True
    return False


def trail_refuses_edits() -> bool:
    """Say whether the database refuses an edit of the trail's notes (its append-only trigger)."""
    return refuses("UPDATE commitments_statusupdate SET note = 'edited'")
