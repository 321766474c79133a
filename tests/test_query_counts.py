"""SQL queries per request do not grow with the data: every list, detail and dashboard.

Each page and endpoint is fetched at two data sizes; the count at the larger size must not
exceed the count at the smaller. Timings are for `make bench`, never for tests.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from access.models import ApiKey
from commitments import services
from commitments.choices import Status
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import ActionItem, DialogueMechanism, Meeting
from tests.api_base import token_for
from tests.factories import analyst, chief, commitment, days, manager

pytestmark = pytest.mark.usefixtures("loaded")

SAVEPOINT_SQL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
UI_PAGES = [
    "/",
    "/commitments/",
    "/commitments/?pillar=maritime&status=on_track",
    "/commitments/MAR-01/",
    "/commitments/?sides_agree=false",
    "/commitments/?awaiting_side=india",
    "/dialogues/",
    "/dialogues/coast-guard-commandant-meetings/",
    "/declaration/",
    "/notifications/",
    "/reconciliations/?state=all",
]
API_PAGES = [
    "/api/v1/dashboard/",
    "/api/v1/pillars/",
    "/api/v1/organisations/",
    "/api/v1/commitments/?page_size=100",
    "/api/v1/commitments/?pagination=cursor&page_size=100",
    "/api/v1/commitments/MAR-01/",
    "/api/v1/commitments/?sides_agree=false&page_size=100",
    "/api/v1/commitments/MAR-01/status-updates/",
    "/api/v1/milestones/?page_size=100",
    "/api/v1/dialogues/",
    "/api/v1/dialogues/coast-guard-commandant-meetings/",
    "/api/v1/meetings/?page_size=100",
    "/api/v1/action-items/?page_size=100",
    "/api/v1/reconciliations/?state=all&page_size=100",
    "/api/v1/commitments/?format=csv",
]


def grow(rounds: int) -> None:
    """Add milestones, both sides' status updates, meetings and action items over maritime and
    dialogue: every commitment page and list row then shows two sides' latest status updates."""
    author = chief()
    japan = analyst("maritime", username="grow-jp", side="japan")
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    for i in range(rounds):
        target = commitment(f"MAR-0{i % 7 + 1}")
        # Every other one public, so that the public reader's pages have some to show too.
        marking = "public" if i % 2 == 0 else "bilateral"
        services.milestone_create(
            commitment=target,
            actor=author,
            title=f"Step {i}",
            due_date=days(i - 3),
            owner=author,
            marking=marking,
        )
        target.refresh_from_db()
        services.status_update_create(
            commitment=target,
            author=author,
            status=Status.ON_TRACK,
            note=f"Update {i}",
            expected_version=target.version,
        )
        services.status_update_create(
            commitment=target,
            author=japan,
            status=Status.AT_RISK if i % 2 else Status.ON_TRACK,
            note=f"Japan's view {i}",
            expected_version=None,
        )
        meeting = dialogue_services.meeting_create(
            mechanism=mechanism, actor=author, date=days(-i), state=MeetingState.HELD
        )
        dialogue_services.action_item_create(
            meeting=meeting,
            actor=author,
            title=f"Item {i}",
            owner=author,
            commitment=target,
            marking="public",
        )


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    # The savepoints are the test's transaction around the request's, not the request's work.
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith(SAVEPOINT_SQL))


def counts(client, paths) -> dict[str, int]:
    return {path: count(client, path) for path in paths}


@pytest.mark.parametrize("reader", ["manager of India", "public reader"])
def test_no_page_or_endpoint_costs_more_queries_with_more_data(client, reader):
    """With the release-marking filter on: a manager of one side, and the public reader."""
    user = manager() if reader == "manager of India" else manager(side="", username="public")
    client.force_login(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    # A key records its last use at most once a minute (access/apikeys.py): marked used "later"
    # it records none in either pass, so a slow run that crosses a minute between the two
    # passes does not count that one UPDATE against the endpoint it happened to fall in.
    ApiKey.objects.filter(user=user).update(last_used_at=timezone.now() + timedelta(days=1))
    grow(3)
    meeting = Meeting.objects.order_by("id").first()
    item = ActionItem.objects.order_by("id").first()
    ui = [*UI_PAGES, f"/dialogues/meetings/{meeting.pk}/"]
    endpoints = [*API_PAGES, f"/api/v1/meetings/{meeting.pk}/", f"/api/v1/action-items/{item.pk}/"]
    small = counts(client, ui) | counts(api, endpoints)

    grow(30)
    large = counts(client, ui) | counts(api, endpoints)

    grown = {path: (small[path], large[path]) for path in small if large[path] > small[path]}
    assert grown == {}
    # The ceilings users were promised: the session, the user with their roles and pillars,
    # then the page's own reads; the dashboard computed afresh (the write above retired it),
    # one of them the open reconciliations counted per pillar.
    assert large["/"] <= 11
    assert large["/commitments/"] <= 6
    assert large["/commitments/?pillar=maritime&status=on_track"] <= 6
    # The API page: one more since commitments name their frameworks and partners, one more
    # for their pending proposed changes of shared terms, one for each side's own contexts, one
    # for their clauses in the official texts (`official_clauses`, prefetched: each commitment
    # has its own; the summary they are quoted from, `source`, is joined at no query's cost).
    assert large["/api/v1/commitments/?page_size=100"] <= 9


def test_the_export_reads_every_commitment_in_one_query_whatever_the_chunks():
    """Streamed in chunks for flat memory, but the organisations are not fetched per chunk."""
    from commitments.exports import commitment_rows
    from commitments.selectors import commitment_list

    reader = manager(username="exporter", side="japan")
    with CaptureQueriesContext(connection) as captured:
        rows = list(commitment_rows(commitment_list(reader), chunk_size=10))

    assert len(rows) == 62
    assert len(captured) == 1
    for row in rows[:20]:
        leads = commitment(row[0]).lead_organisations.all()
        assert row[8:10] == [
            "; ".join(sorted(o.acronym or o.name for o in leads if o.side == side))
            for side in ("india", "japan")
        ], row[0]
    assert any(row[8] and row[9] for row in rows)
