"""Test settings: the real services, PostgreSQL and Redis, on their standard local ports."""

import os

import environ

os.environ.setdefault("DJANGO_DEBUG", "1")

from declaration_tracker.settings import *  # noqa: F403

_env = environ.Env()
DATABASES = {
    "default": _env.db_url_config(
        os.environ.get(
            "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/declaration_tracker"
        )
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("The tests run on PostgreSQL only: set TEST_DATABASE_URL=postgres://…")

CELERY_BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Test workers run only the tasks a test gives them.
TRACKER_SWEEP_ON_WORKER_START = False
