"""What `make run` and `make test` promise a new user: zero-configuration defaults, clear errors."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='declaration_tracker.settings'; "
    "from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.DEBUG)"
)


def run_python(code: str, *, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean = {k: v for k, v in clean.items() if k not in ("CELERY_BROKER_URL", "EMAIL_BACKEND")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_with_no_environment_the_tracker_needs_no_server():
    result = run_python(PRINT_SETTINGS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ]


def test_the_file_system_broker_keeps_its_files_in_the_run_folder(tmp_path):
    """The worker binds its queues at start; kombu would put the exchange tables in a
    `control` folder wherever it was started."""
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'declaration_tracker.settings'; "
        "import django; django.setup(); "
        "from kombu import Exchange, Queue; "
        "from declaration_tracker.celery import app; "
        "connection = app.connection_for_write(); "
        "Queue('celery', Exchange('celery'), 'celery')(connection.default_channel).declare(); "
        "print(connection.default_channel.control_folder)",
        cwd=tmp_path,
        PYTHONPATH=str(ROOT),
    )

    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == ROOT / ".run" / "broker" / "control"
    assert (ROOT / ".run" / "broker" / "control" / "celery.exchange").is_file()
    assert list(tmp_path.iterdir()) == []


def test_the_environment_switches_to_postgresql_and_redis():
    result = run_python(
        PRINT_SETTINGS,
        DATABASE_URL="postgres://tracker@db.internal:5432/tracker",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://redis.internal:6379/0",
        "django.core.mail.backends.smtp.EmailBackend",
        "False",
    ]


def test_production_without_a_secret_key_refuses_to_start():
    result = run_python(PRINT_SETTINGS, DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_make_test_names_the_service_that_is_down():
    result = run_python(
        "import sys; from tests import check_services; sys.exit(check_services.main())",
        TEST_DATABASE_URL="postgres://postgres@127.0.0.1:1/declaration_tracker",
        TEST_BROKER_URL="redis://127.0.0.1:1/0",
    )

    assert result.returncode == 1
    assert "PostgreSQL is not reachable at 127.0.0.1:1" in result.stderr
    assert "Redis is not reachable at redis://127.0.0.1:1/0" in result.stderr


def test_the_tests_cache_is_redis_at_test_cache_url_and_emptying_it_spares_other_databases():
    """The cache of the tests is Redis's TEST_CACHE_URL database: what the cache holds is in
    it, and the emptying before each test (tests/conftest.py) leaves the broker's alone."""
    import uuid

    import redis
    from django.conf import settings
    from django.core.cache import cache

    key = f"probe-{uuid.uuid4().hex}"
    in_cache = redis.Redis.from_url(settings.TEST_CACHE_URL)
    in_broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    cache.set(key, "cached", 60)
    in_broker.set(key, "queued", ex=60)
    try:
        assert in_cache.exists(cache.make_and_validate_key(key)) == 1

        cache.clear()

        assert in_cache.exists(cache.make_and_validate_key(key)) == 0
        assert in_broker.get(key) == b"queued"
    finally:
        in_broker.delete(key)


def make_run_environment(*arguments: str, **env: str) -> dict[str, str]:
    """The environment `make run …` gives the web server, the worker and beat (read from the
    command make would run, without running it)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    result = subprocess.run(  # noqa: S603
        ["make", "-n", "run", *arguments],  # noqa: S607
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (line,) = [line for line in result.stdout.splitlines() if "honcho start" in line]
    words = [word.partition("=") for word in line.split() if "=" in word.split("/")[0]]
    return {name: value.strip("'\"") for name, _, value in words if name.isupper()}


def site_url(environment: dict[str, str]) -> str:
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='declaration_tracker.settings'; "
        "from django.conf import settings; print(settings.SITE_URL)",
        SITE_URL=environment["SITE_URL"],
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_run_on_another_port_links_to_that_port():
    """E-mails, calendar feeds and webhooks link to SITE_URL: `make run PORT=8123` serves on
    8123, so its links must lead there, not to the default 8000."""
    assert site_url(make_run_environment()) == "http://127.0.0.1:8000"
    assert site_url(make_run_environment("PORT=8123")) == "http://127.0.0.1:8123"
    assert site_url(make_run_environment("HOST=::1", "PORT=8124")) == "http://[::1]:8124"
    # Listening on every address: the links go to the loopback address, not to 0.0.0.0.
    assert site_url(make_run_environment("HOST=0.0.0.0", "PORT=9000")) == "http://127.0.0.1:9000"


def test_a_site_url_that_is_set_wins_over_host_and_port():
    assert (
        site_url(make_run_environment("PORT=8123", SITE_URL="https://tracker.example.gov/"))
        == "https://tracker.example.gov"
    )
    assert (
        site_url(make_run_environment("PORT=8123", "SITE_URL=https://tracker.example.gov"))
        == "https://tracker.example.gov"
    )
