"""docs/api.md's sync loop, run as it is written there, with httpx against a live tracker:
the first run copies everything the reader may read, a later run brings the copy up to date
(deletions included), and an expired token makes it start again."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from changes import sequencing
from changes.models import ChangeSequence
from commitments import services
from commitments.models import Milestone
from tests.api_base import api_client, token_for
from tests.changes.sync import fresh
from tests.changes.test_feed import milestone_of, writer
from tests.factories import manager

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db(transaction=True)]


def documented_sync():
    text = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text(encoding="utf-8")
    block = re.search(r"The loop, with `httpx`:\n\n```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(block, "docs/api.md", "exec"), namespace)  # noqa: S102 (our own docs)
    return namespace["sync"]


def same(copy: dict, reader, live_server) -> bool:
    """`copy` is what the API shows `reader` now (its links on the live server's host)."""
    ours = json.dumps(sorted(copy.items(), key=str), sort_keys=True)
    theirs = json.dumps(sorted(fresh(api_client(reader)).items(), key=str), sort_keys=True)
    return ours.replace(live_server.url, "http://testserver") == theirs


def test_the_documented_loop_keeps_a_copy_of_what_the_reader_may_read(live_server):
    sync = documented_sync()
    reader = manager(username="docs-reader", side="japan")
    api = f"{live_server.url}/api/v1"
    copy: dict = {}
    token = sync(api, token_for(reader), copy, None)
    assert same(copy, reader, live_server)

    shared = milestone_of("india", "Shared with Japan")
    hidden = milestone_of("india", "India's own", marking="india_only")
    token = sync(api, token_for(reader), copy, token)
    assert ("milestone", shared.pk) in copy and ("milestone", hidden.pk) not in copy
    shared = Milestone.objects.get(pk=shared.pk)
    services.milestone_delete(milestone=shared, actor=writer("india"), expected_version=1)
    token = sync(api, token_for(reader), copy, token)
    assert ("milestone", shared.pk) not in copy
    assert same(copy, reader, live_server)

    # The changes after the token forgotten: 410, and the loop starts again from a snapshot.
    sequencing.sequence()
    ChangeSequence.objects.filter(pk=1).update(compacted_japan=10**9)
    copy[("milestone", 0)] = {"stale": True}
    sync(api, token_for(reader), copy, token)
    assert ("milestone", 0) not in copy
    ChangeSequence.objects.filter(pk=1).update(compacted_japan=0)
    assert same(copy, reader, live_server)
