import os

import pytest

from commitments.loading import declaration_data_read
from commitments.models import Commitment
from commitments.services import roles_sync
from declaration.loading import declaration_load
from tests import check_services

# As the run was started, before any test package could change it (tests/browser/ allows ORM
# calls from an event loop for its own tests; tests/test_browser_isolation.py checks that).
ASYNC_UNSAFE_AT_START = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")


def pytest_sessionstart(session):
    found = check_services.problems()
    if found:
        pytest.exit("\n".join(found), returncode=3)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures of another test's data would lie.

    The cache is Redis's TEST_CACHE_URL database (tests/settings.py), and clearing it empties
    that database only (FLUSHDB), never the broker's (tests/check_services.py refuses one
    database for both)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def declaration_data():
    return declaration_data_read()


@pytest.fixture
def loaded(db, declaration_data):
    """The declaration loaded as `make run` loads it, with the role groups in place."""
    if not Commitment.objects.exists():
        declaration_load(data=declaration_data)
        roles_sync()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, declaration_data):
    with django_db_blocker.unblock():
        if not Commitment.objects.exists():
            declaration_load(data=declaration_data)
        roles_sync()


@pytest.fixture
def attachment_root(settings, tmp_path):
    """Attachments stored in a directory of the test's own (the file system's private
    storage), with no virus scan."""
    root = tmp_path / "attachments"
    settings.STORAGES = settings.STORAGES | {
        "attachments": {
            "BACKEND": "discussion.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(root)},
        }
    }
    settings.TRACKER_CLAMD_SOCKET = ""
    return root
