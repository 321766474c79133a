"""Settings of the Celery worker that the reminder delivery tests start as a subprocess.

The test settings, with a short Redis visibility timeout (and restore sweeps every second) so
that a task left unacknowledged by a killed worker comes back within seconds, and the e-mail
backend taken from the environment so that the worker can talk to the tests' SMTP server.
"""

import os

from tests.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("WORKER_VISIBILITY_TIMEOUT", "5")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", EMAIL_BACKEND)  # noqa: F405
EMAIL_HOST = os.environ.get("EMAIL_HOST", EMAIL_HOST)  # noqa: F405
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", EMAIL_PORT))  # noqa: F405
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
