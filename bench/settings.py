"""Settings of the HTTP benchmark (`python -m bench.http`): the tracker's own, served as in
production (DEBUG off), with the floor views' URLs and a per-request SQL query count.

Only what the benchmark needs differs from declaration_tracker.settings:

- ROOT_URLCONF is bench.urls (the tracker's URLs plus /bench/floor/…);
- bench.middleware.QueryCountMiddleware, outermost, sends `X-SQL-Queries` on every response;
- DEBUG is off, with a fixed SECRET_KEY and loopback ALLOWED_HOSTS;
- static files use the plain storage, so no `collectstatic` manifest is needed (the benchmark
  requests no static file);
- the API token throttle allows a million requests a second: at 5,000 an hour (the default)
  the load generator would be answered 429 within seconds. The throttle still runs.
"""

import os

# The tracker's settings refuse to start without a key when DJANGO_DEBUG is off.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-never-used-outside-loopback")

from declaration_tracker.settings import *  # noqa: F403
from declaration_tracker.settings import MIDDLEWARE, REST_FRAMEWORK, STORAGES

DEBUG = False
SECRET_KEY = "bench-only-key-never-used-outside-loopback"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1000000/second"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
