"""Retention (issue 24): entries are kept `TRACKER_CHANGES_RETENTION_DAYS`; an older token
answers 410 Gone, saying to start again without `since`; compaction runs in the worker."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from access.apikeys import api_key_create
from changes import sequencing
from changes.models import ChangeEntry, ChangeSequence
from changes.tasks import changes_compact
from declaration_tracker.celery import app
from tests.api_base import api_client, assert_error
from tests.changes.sync import FEED, Replica, fresh
from tests.changes.test_feed import milestone_of
from tests.commitments.test_reminder_delivery import celery_worker, wait_until
from tests.factories import manager
from tests.services_private import stop_process

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def reader():
    return manager(username="keeper-in", side="india")


def keyed(user):
    """A client whose key outlives the journeys in time below (a key lasts 90 days)."""
    _row, key = api_key_create(user, days=0)
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_older_than_the_retention_is_gone(reader, settings):
    settings.TRACKER_CHANGES_RETENTION_DAYS = 90
    client = keyed(reader)
    token = Replica(client).run().token
    with time_machine.travel(timezone.now() + datetime.timedelta(days=89)):
        assert client.get(FEED, {"since": token}).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        error = assert_error(client.get(FEED, {"since": token}), 410, "sync_token_expired")
    assert "Start again without `since`" in error["message"]
    # Starting again works: a snapshot of everything.
    assert Replica(client).run().copy == fresh(client)


def test_compaction_forgets_old_entries_and_a_token_below_them_is_gone(reader, settings):
    settings.TRACKER_CHANGES_RETENTION_DAYS = 90
    client = keyed(reader)
    stale = Replica(client).run()
    milestone = milestone_of("india", "Kept for ninety days")
    kept = Replica(client).run()  # a client that synced after the change
    later = timezone.now() + datetime.timedelta(days=91)
    with time_machine.travel(later):
        newer = milestone_of("india", "Written after")
        assert sequencing.compact() > 0
        assert not ChangeEntry.objects.filter(at__lt=later - datetime.timedelta(days=90))
        # The client that had not synced since before the forgotten changes: 410.
        assert_error(client.get(FEED, {"since": stale.token}), 410)
    # A token issued after the forgotten changes goes on (made 91 days "ago" is still within
    # its own age here, as its changes are kept).
    kept.run()
    assert ("milestone", newer.pk) in kept.copy and ("milestone", milestone.pk) in kept.copy
    assert sequencing.compact(now=later) == 0  # idempotent


@pytest.mark.django_db(transaction=True)
def test_the_worker_compacts(tmp_path):
    """The compaction task, run by a real worker with a retention of 0 days: every entry
    committed before it is forgotten, and the feed's readers of older tokens get 410."""
    reader = manager(username="keeper-worker", side="japan")
    client = api_client(reader)
    old = Replica(client).run()
    milestone_of("japan", "Forgotten by the worker")
    Replica(client).run()  # sequenced
    assert ChangeEntry.objects.exists()
    log_path = tmp_path / "worker.log"
    app.control.purge()
    worker = celery_worker(log_path, "changes-test", TRACKER_CHANGES_RETENTION_DAYS="0")
    try:
        changes_compact.delay()
        wait_until(
            lambda: not ChangeEntry.objects.exists(),
            timeout=60,
            what="the entries compacted by the worker",
            log_path=log_path,
        )
    finally:
        stop_process(worker)
    assert ChangeSequence.objects.get(pk=1).compacted_japan > 0
    assert_error(client.get(FEED, {"since": old.token}), 410)
    assert Replica(client).run().copy == fresh(client)
