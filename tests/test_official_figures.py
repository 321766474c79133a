"""Official figures come from what both sides can read (issue 23).

A commitment's official progress, its version (ETag), `updated_at`, trail, `updated_since`
ordering, the dashboard and the webhooks are what both governments observe; they are computed
from shared (public and bilateral) items only. A national-only milestone changes none of them
for the other side (the side channels below, both directions), while the same write of a
bilateral milestone does (the control). Its own side reads its internal progress, labelled.
"""

import datetime

import pytest
from django.utils import timezone

from access.choices import NATIONAL_MARKING, Marking, Side, counterpart
from commitments import selectors, services
from commitments.choices import Status, TrailKind
from commitments.models import Commitment, Milestone, StatusUpdate
from tests.api_base import api_client, url
from tests.factories import analyst, commitment, days, manager
from webhooks import services as webhook_services
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.usefixtures("loaded")

CODE = "MAR-01"
ALL_EVENTS = [
    "commitment.status_changed",
    "commitment.side_reported",
    "commitment.changed",
    "milestone.created",
    "milestone.changed",
    "milestone.completed",
    "meeting.created",
    "meeting.changed",
    "action_item.changed",
]


@pytest.fixture
def people(settings):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    found = {}
    for side in Side.values:
        found[side] = analyst("maritime", username=f"fig-{side}", side=side)
        boss = manager(username=f"fig-{side}-mgr", side=side)
        found[f"{side}-hook"] = webhook_services.subscription_create(
            actor=boss, url=f"http://127.0.0.1:9/{side}", events=ALL_EVENTS, reader=boss
        )
    return found


def add(writer, title, *, marking, done=False, weight=1):
    return services.milestone_create(
        commitment=commitment(CODE),
        actor=writer,
        title=title,
        due_date=days(20),
        weight=weight,
        completed_on=days(0) if done else None,
        marking=marking,
    )


def fresh(milestone):
    return Milestone.objects.get(pk=milestone.pk)


def observed(reader, subscription, since) -> dict:
    """Everything `reader` can read of the commitment and the figures, and the webhook events
    queued for a subscriber reading as them."""
    client = api_client(reader)
    detail = client.get(url("commitments", CODE))
    assert detail.status_code == 200
    trail = client.get(url("commitments", CODE, "status-updates")).json()
    dashboard = client.get(url("dashboard")).json()
    listed = client.get(url("commitments"), {"updated_since": since.isoformat(), "page_size": 100})
    ordered = client.get(url("commitments"), {"ordering": "-updated_at", "page_size": 5})
    from django.test import Client

    browser = Client()
    browser.force_login(reader)
    page = browser.get(f"/commitments/{CODE}/")
    assert page.status_code == 200
    shown = page.context["commitment"]
    return {
        "json": detail.json(),
        "etag": detail["ETag"],
        "trail": trail,
        "dashboard": dashboard,
        "updated_since": [c["code"] for c in listed.json()["results"]],
        "latest": [c["code"] for c in ordered.json()["results"]],
        "page": (
            shown.progress,
            shown.version,
            shown.updated_at,
            page.context["internal_progress"],
            [entry.pk for entry in page.context["trail"]],
            b"internal-progress" in page.content,
        ),
        "webhooks": list(
            WebhookEvent.objects.filter(subscription=subscription)
            .order_by("id")
            .values_list("type", "object_label", "object_pk", "change")
        ),
    }


def _complete(writer, m):
    services.milestone_complete(milestone=m, actor=writer, expected_version=m.version)


def _redate(writer, m):
    services.milestone_update(
        milestone=m, actor=writer, expected_version=m.version, due_date=days(40)
    )


def _reweigh(writer, m):
    services.milestone_update(milestone=m, actor=writer, expected_version=m.version, weight=7)


def _delete(writer, m):
    services.milestone_delete(milestone=m, actor=writer, expected_version=m.version)


def _reopen(writer, m):
    done = fresh(m)
    services.milestone_complete(milestone=done, actor=writer, expected_version=done.version)
    done = fresh(m)
    services.milestone_reopen(milestone=done, actor=writer, expected_version=done.version)


# Each write on a milestone of the writer's (None: the write adds one, completed).
WRITES = {
    "add": None,
    "complete": _complete,
    "re-date": _redate,
    "re-weigh": _reweigh,
    "delete": _delete,
    "complete-and-reopen": _reopen,
}


def _setup(people, writer_side, marking):
    """A joint commitment at 50 % from two shared milestones, and (for writes on one) the
    writer's milestone under `marking`; the instant after which changes count."""
    writer = people[writer_side]
    add(writer, "Shared done", marking=Marking.BILATERAL, done=True)
    add(writer, "Shared open", marking=Marking.BILATERAL)
    target = add(writer, "Target", marking=marking)
    return writer, target


def _write(kind, writer, target, marking):
    if WRITES[kind] is None:
        add(writer, "Added", marking=marking, done=True, weight=3)
    else:
        WRITES[kind](writer, fresh(target))


@pytest.mark.parametrize("kind", list(WRITES))
@pytest.mark.parametrize("writer_side", Side.values)
def test_a_national_only_milestone_write_changes_nothing_the_other_side_observes(
    people, writer_side, kind
):
    national = NATIONAL_MARKING[writer_side]
    other = counterpart(writer_side)
    writer, target = _setup(people, writer_side, national)
    assert commitment(CODE).progress == 50
    since = timezone.now()
    reader = people[other]
    hook = people[f"{other}-hook"]

    before = observed(reader, hook, since)
    _write(kind, writer, target, national)
    after = observed(reader, hook, since)

    assert after == before
    assert before["json"]["internal_progress"] is None
    assert before["page"][3] is None and not before["page"][5]
    # The official figure is the shared milestones' alone.
    assert commitment(CODE).progress == 50


@pytest.mark.parametrize("kind", list(WRITES))
@pytest.mark.parametrize("writer_side", Side.values)
def test_the_same_write_of_a_bilateral_milestone_is_seen_by_the_other_side(
    people, writer_side, kind
):
    other = counterpart(writer_side)
    writer, target = _setup(people, writer_side, Marking.BILATERAL)
    since = timezone.now()
    reader = people[other]
    hook = people[f"{other}-hook"]

    before = observed(reader, hook, since)
    _write(kind, writer, target, Marking.BILATERAL)
    after = observed(reader, hook, since)

    assert after["json"]["version"] > before["json"]["version"]
    assert after["etag"] != before["etag"]
    assert after["json"]["updated_at"] > before["json"]["updated_at"]
    assert CODE in after["updated_since"] and CODE not in before["updated_since"]
    assert after["latest"][0] == CODE
    assert len(after["webhooks"]) > len(before["webhooks"])
    if kind in ("add", "complete", "delete", "re-weigh"):
        assert after["json"]["progress"] != before["json"]["progress"]
        assert len(after["trail"]["results"]) == len(before["trail"]["results"]) + 1


@pytest.mark.parametrize("writer_side", Side.values)
def test_a_national_only_action_item_changes_nothing_the_other_side_observes(people, writer_side):
    from dialogues import services as dialogue_services
    from tests.api_base import make_meeting

    other = counterpart(writer_side)
    meeting = make_meeting()
    writer = analyst("dialogue", username=f"fig-dlg-{writer_side}", side=writer_side)
    since = timezone.now()
    before = observed(people[other], people[f"{other}-hook"], since)
    item = dialogue_services.action_item_create(
        meeting=meeting,
        actor=writer,
        title="Own follow-up",
        commitment=commitment(CODE),
        due_date=days(-2),
        marking=NATIONAL_MARKING[writer_side],
    )
    dialogue_services.action_item_update(
        action_item=item, actor=writer, expected_version=item.version, due_date=days(5)
    )
    after = observed(people[other], people[f"{other}-hook"], since)
    assert after == before


def test_the_own_side_reads_its_internal_progress_labelled_the_other_side_never(people, client):
    india, japan = people[Side.INDIA], people[Side.JAPAN]
    add(india, "Shared done", marking=Marking.BILATERAL, done=True)
    add(india, "Shared open", marking=Marking.BILATERAL)
    add(india, "India's own step", marking=Marking.INDIA_ONLY, done=True, weight=2)
    # Shared: 1 of 2 done (50 %); with India's own: 3 of 4 (75 %).
    assert commitment(CODE).progress == 50

    mine = api_client(india).get(url("commitments", CODE)).json()
    theirs = api_client(japan).get(url("commitments", CODE)).json()
    assert (mine["progress"], mine["internal_progress"]) == (50, 75)
    assert (theirs["progress"], theirs["internal_progress"]) == (50, None)
    listed = api_client(india).get(url("commitments"), {"page_size": 100}).json()["results"]
    assert [c["internal_progress"] for c in listed if c["code"] == CODE] == [75]
    assert all(
        c["internal_progress"] is None
        for c in api_client(japan).get(url("commitments"), {"page_size": 100}).json()["results"]
    )

    client.force_login(india)
    page = client.get(f"/commitments/{CODE}/")
    assert page.context["internal_progress"] == 75
    text = page.content.decode()
    assert 'id="internal-progress"' in text and "India's internal progress" in text

    client.force_login(japan)
    page = client.get(f"/commitments/{CODE}/")
    assert page.context["internal_progress"] is None
    assert 'id="internal-progress"' not in page.content.decode()

    # Japan's own national milestone gives Japan a figure of its own, India none of it.
    add(japan, "Japan's own step", marking=Marking.JAPAN_ONLY, weight=2)
    theirs = api_client(japan).get(url("commitments", CODE)).json()
    assert (theirs["progress"], theirs["internal_progress"]) == (50, 25)
    assert api_client(india).get(url("commitments", CODE)).json()["internal_progress"] == 75


def test_the_internal_progress_is_left_out_where_it_equals_the_official(people):
    india = people[Side.INDIA]
    add(india, "Shared open", marking=Marking.BILATERAL)
    add(india, "India's own open", marking=Marking.INDIA_ONLY)
    body = api_client(india).get(url("commitments", CODE)).json()
    assert (body["progress"], body["internal_progress"]) == (0, None)


def test_the_internal_progress_in_japanese_is_labelled_as_japans_own(people, client):
    japan = people[Side.JAPAN]
    add(japan, "Shared open", marking=Marking.BILATERAL)
    add(japan, "Japan's own step", marking=Marking.JAPAN_ONLY, done=True)
    client.force_login(japan)
    page = client.get(f"/commitments/{CODE}/", headers={"accept-language": "ja"})
    assert "日本側の内部進捗" in page.content.decode()


@pytest.mark.parametrize("side", Side.values)
def test_progress_is_reported_by_hand_where_the_shared_milestones_are_none(people, side):
    writer = people[side]
    add(writer, "Our own step", marking=NATIONAL_MARKING[side], done=True)
    Commitment.objects.filter(code=CODE).update(lead_side=side)
    entry = services.status_update_create(
        commitment=commitment(CODE),
        author=writer,
        status=Status.ON_TRACK,
        note="Under way.",
        progress=40,
        expected_version=None,
    )
    assert entry.to_progress == 40
    assert commitment(CODE).progress == 40

    # Once a shared milestone exists, progress is theirs again.
    add(writer, "Shared step", marking=Marking.BILATERAL)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.status_update_create(
            commitment=commitment(CODE),
            author=writer,
            status=Status.ON_TRACK,
            note="Further.",
            progress=60,
            expected_version=None,
        )
    assert "progress" in refused.value.message_dict
    assert commitment(CODE).progress == 0


@pytest.mark.parametrize("side", Side.values)
@pytest.mark.parametrize("how", ["marking_change", "milestone_update"])
def test_re_marking_a_shared_milestone_national_moves_the_official_figure_not_its_title(
    people, side, how
):
    """It leaves the shared record: the other side sees the figure move (unavoidable), in a
    trail entry carrying the milestone's national marking, so not which milestone it was."""
    writer, reader = people[side], people[counterpart(side)]
    add(writer, "Shared open", marking=Marking.BILATERAL)
    moved = add(writer, "SECRET-TITLE", marking=Marking.BILATERAL, done=True)
    assert commitment(CODE).progress == 50
    national = NATIONAL_MARKING[side]
    if how == "marking_change":
        services.marking_change(
            item=fresh(moved),
            actor=writer,
            marking=national,
            pillar_id=commitment(CODE).pillar_id,
            expected_version=fresh(moved).version,
        )
    else:
        services.milestone_update(
            milestone=fresh(moved),
            actor=writer,
            expected_version=fresh(moved).version,
            marking=national,
        )
    assert commitment(CODE).progress == 0
    entries = StatusUpdate.objects.filter(commitment__code=CODE, source_milestone=moved.pk)
    assert {e.marking for e in entries} == {national}
    latest = api_client(reader).get(url("commitments", CODE, "status-updates")).json()
    first = latest["results"][0]
    assert (first["kind"], first["from_progress"], first["to_progress"]) == (
        TrailKind.PROGRESS,
        50,
        0,
    )
    assert "SECRET-TITLE" not in str(latest)
    assert api_client(writer).get(url("commitments", CODE)).json()["internal_progress"] == 50


def test_a_national_note_re_marked_changes_no_figure_the_other_side_reads(people):
    """A status report's note made national-only: the commitment's version, ETag, progress,
    `updated_at` and webhooks stay as the other side read them (only the note is withheld)."""
    india, japan = people[Side.INDIA], people[Side.JAPAN]
    entry = services.status_update_create(
        commitment=commitment(CODE),
        author=india,
        status=Status.ON_TRACK,
        note="Shared at first.",
        expected_version=None,
    )
    since = timezone.now()
    before = observed(japan, people["japan-hook"], since)
    services.marking_change(
        item=entry, actor=india, marking=Marking.INDIA_ONLY, pillar_id=entry.commitment.pillar_id
    )
    after = observed(japan, people["japan-hook"], since)
    for key in ("etag", "updated_since", "latest", "webhooks"):
        assert after[key] == before[key], key
    for field in ("progress", "version", "updated_at", "internal_progress", "status"):
        assert after["json"][field] == before["json"][field], field
    assert after["json"]["sides"]["india"]["note"] == ""
    assert after["page"][:4] == before["page"][:4]


def test_the_dashboard_labels_the_readers_own_national_milestones_apart(people):
    india, japan = people[Side.INDIA], people[Side.JAPAN]
    for marking in (Marking.BILATERAL, Marking.INDIA_ONLY):
        services.milestone_create(
            commitment=commitment(CODE),
            actor=india,
            title=f"Late {marking}",
            due_date=days(-3),
            marking=marking,
        )
    seen = {
        side: api_client(user).get(url("dashboard")).json()["milestones_overdue"]
        for side, user in ((Side.INDIA, india), (Side.JAPAN, japan))
    }
    assert seen[Side.INDIA]["shared_count"] == seen[Side.JAPAN]["shared_count"]
    assert seen[Side.INDIA]["national_count"] == 1
    assert seen[Side.JAPAN]["national_count"] == 0
    assert seen[Side.INDIA]["count"] == seen[Side.JAPAN]["count"] + 1


def test_the_summit_reports_next_milestone_is_a_shared_one(people):
    from reports.lines import commitment_lines

    india = people[Side.INDIA]
    add(india, "Shared later", marking=Marking.BILATERAL)
    services.milestone_create(
        commitment=commitment(CODE),
        actor=india,
        title="India's own sooner",
        due_date=days(2),
        marking=Marking.INDIA_ONLY,
    )
    at = timezone.now() + datetime.timedelta(seconds=1)
    lines = commitment_lines(Commitment.objects.filter(code=CODE), india, at=at, since=days(-30))
    assert lines[0].next_milestone.title == "Shared later"


def test_the_selector_names_what_counts(people):
    india = people[Side.INDIA]
    add(india, "Own", marking=Marking.INDIA_ONLY)
    assert not selectors.has_shared_milestones(commitment(CODE))
    add(india, "Shared", marking=Marking.BILATERAL)
    assert selectors.has_shared_milestones(commitment(CODE))
