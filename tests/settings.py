"""Test settings: the real services, PostgreSQL and Redis, on their standard local ports.

Redis serves as the Celery broker (TEST_BROKER_URL, db 15) and as the cache (TEST_CACHE_URL,
db 14), as in production with several web processes: a write in one process retires the
cached figures of the others only through a shared cache. Each test starts by emptying the
cache's database, so it must be a database of its own (tests/check_services.py checks that).
"""

import os
import runpy
from pathlib import Path
from unittest import mock

import environ

os.environ.setdefault("DJANGO_DEBUG", "1")

from declaration_tracker.settings import *  # noqa: F403
from tests.check_services import DEFAULT_BROKER_URL, DEFAULT_CACHE_URL, DEFAULT_DATABASE_URL

TRACKER_SETTINGS = Path(__file__).resolve().parent.parent / "declaration_tracker" / "settings.py"
TOLERANT_CACHE = "declaration_tracker.core.cache.TolerantRedisCache"


def tracker_caches(cache_url: str) -> dict:
    """CACHES as the tracker's settings make them from CACHE_URL=`cache_url` (for Redis, the
    tolerant backend and its short timeouts), read from those settings, not copied."""
    with mock.patch.dict(os.environ, {"CACHE_URL": cache_url}):
        return runpy.run_path(str(TRACKER_SETTINGS))["CACHES"]


# Under pytest-xdist (`make test` runs two workers), each worker has its own test database
# (pytest-django names it after the worker) and its own two Redis databases, two below the
# previous worker's, so that one worker emptying its cache never empties another's. Processes a
# worker starts inherit its URLs as they are.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and not os.environ.get("TEST_REDIS_PER_WORKER"):
    _shift = 2 * int(_WORKER.removeprefix("gw"))
    for _name, _default in (
        ("TEST_BROKER_URL", DEFAULT_BROKER_URL),
        ("TEST_CACHE_URL", DEFAULT_CACHE_URL),
    ):
        _base, _db = os.environ.get(_name, _default).rsplit("/", 1)
        if int(_db) < _shift:
            raise RuntimeError(f"{_name}: too few Redis databases below {_db} for {_WORKER}")
        os.environ[_name] = f"{_base}/{int(_db) - _shift}"
    os.environ["TEST_REDIS_PER_WORKER"] = "1"

_env = environ.Env()
DATABASES = {
    "default": _env.db_url_config(os.environ.get("TEST_DATABASE_URL", DEFAULT_DATABASE_URL))
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("The tests run on PostgreSQL only: set TEST_DATABASE_URL=postgres://…")

CELERY_BROKER_URL = os.environ.get("TEST_BROKER_URL", DEFAULT_BROKER_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# Subprocesses with the tracker's own settings (gunicorn in tests/test_faults.py) are given
# CACHE_URL=TEST_CACHE_URL, so that they share this cache too.
TEST_CACHE_URL = os.environ.get("TEST_CACHE_URL", DEFAULT_CACHE_URL)
CACHES = tracker_caches(TEST_CACHE_URL)
if CACHES["default"]["BACKEND"] != TOLERANT_CACHE:
    raise RuntimeError("The tests cache in Redis only: set TEST_CACHE_URL=redis://…")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Test workers run only the tasks a test gives them.
TRACKER_SWEEP_ON_WORKER_START = False

# The second-factor policy is `managers` by default (declaration_tracker/settings.py); most
# tests sign users in with `force_login` and test what follows, so here it is off. The tests of
# the policy (tests/test_second_factor.py, tests/browser/test_sign_in.py) and the access matrix
# set it as deployed.
TRACKER_MFA_REQUIRED = "none"
# The browser tests serve plain http on loopback, where Chromium allows WebAuthn.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
