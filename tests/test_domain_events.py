"""Every write says what it causes: each service, the admin's own save and the bulk loads write
their webhook events to the outbox and retire the cached dashboard figures themselves, with no
model signal doing it for them."""

from collections.abc import Callable

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from access.choices import Marking, Side
from commitments import services
from commitments.choices import Status
from commitments.events import EventType
from commitments.models import Commitment, Organisation
from dashboard.figures import dashboard_figures, dashboard_figures_cached
from declaration.loading import declaration_load
from dialogues import services as dialogue_services
from dialogues.choices import ActionItemState, MeetingState
from dialogues.models import DialogueMechanism
from tests.api_base import make_action_item, make_meeting, make_milestone
from tests.commitments.test_history import update_status
from tests.factories import analyst, commitment, days, manager
from webhooks import services as webhook_services
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.usefixtures("loaded")

BEHIND = "TEC-16"  # changed behind the cache's back; no case writes to it


@pytest.fixture
def people(settings):
    """Writers of both sides, and a manager subscribed to every event type."""
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    found = {
        "manager": manager(username="ev-mgr", side=Side.INDIA),
        "india": analyst("maritime", "defence", "dialogue", username="ev-in", side=Side.INDIA),
        "japan": analyst("maritime", "defence", "dialogue", username="ev-jp", side=Side.JAPAN),
    }
    webhook_services.subscription_create(
        actor=found["manager"],
        url="http://127.0.0.1:9/hook",
        events=list(EventType.values),
    )
    return found


def at_risk(figures: dict) -> int:
    return figures["overall"]["by_status"]["at_risk"]["count"]


def written(write: Callable[[], object], reader) -> list[tuple]:
    """Run `write` after caching the dashboard and changing a commitment behind the cache's
    back (an update() says nothing); return the outbox rows it wrote, after checking that the
    dashboard shows the figures as they are now."""
    stale = at_risk(dashboard_figures_cached(reader))
    Commitment.objects.filter(code=BEHIND).update(status=Status.AT_RISK)
    assert at_risk(dashboard_figures_cached(reader)) == stale  # still the cached copy
    seen = set(WebhookEvent.objects.values_list("pk", flat=True))

    write()

    fresh = at_risk(dashboard_figures(reader))
    assert fresh != stale
    assert at_risk(dashboard_figures_cached(reader)) == fresh, "the dashboard kept old figures"
    return [
        (event.type, event.object_label, event.change)
        for event in WebhookEvent.objects.exclude(pk__in=seen).order_by("created_at", "id")
    ]


# Each case: set up what the write needs (its own events are not counted), and return the
# write with the outbox rows it must write.
CASES: dict[str, Callable] = {}


def case(function):
    CASES[function.__name__] = function
    return function


@case
def commitment_update(people):
    target = commitment("DEF-01")
    return (
        lambda: services.commitment_update(
            commitment=target,
            actor=people["india"],
            expected_version=target.version,
            title="Renamed",
            description="Described.",
        ),
        [("commitment.changed", "commitments.commitment", {"fields": ["description", "title"]})],
    )


@case
def commitment_owners(people):
    target = commitment("DEF-01")
    navy = Organisation.objects.filter(side=Side.INDIA).order_by("pk").first()
    return (
        lambda: services.commitment_update(
            commitment=target,
            actor=people["manager"],
            expected_version=target.version,
            lead_organisations=[navy],
            responsible_india=people["india"],
        ),
        [
            (
                "commitment.changed",
                "commitments.commitment",
                {"fields": ["lead_organisations", "responsible_india"]},
            )
        ],
    )


@case
def status_update_create(people):
    return (
        lambda: services.status_update_create(
            commitment=commitment("DEF-02"),
            author=people["india"],
            status=Status.ON_TRACK,
            note="Begun.",
            expected_version=None,
        ),
        [
            (
                "commitment.side_reported",
                "commitments.commitment",
                {"side": "india", "status": "on_track", "kind": "report"},
            )
        ],
    )


@case
def assessment_confirm(people):
    update_status("DEF-02", people["japan"], Status.ON_TRACK, "Begun.")
    return (
        lambda: services.assessment_confirm(
            commitment=commitment("DEF-02"),
            author=people["india"],
            note="Agreed.",
            expected_version=None,
        ),
        [
            (
                "commitment.side_reported",
                "commitments.commitment",
                {"side": "india", "status": "on_track", "kind": "confirm"},
            ),
            (
                "commitment.status_changed",
                "commitments.commitment",
                {"status": ["not_started", "on_track"]},
            ),
        ],
    )


@case
def milestone_create(people):
    return (
        lambda: services.milestone_create(
            commitment=commitment("DEF-03"), actor=people["india"], title="Plan", due_date=days(9)
        ),
        [("milestone.created", "commitments.milestone", {})],
    )


@case
def milestone_update(people):
    milestone = make_milestone("DEF-03")
    return (
        lambda: services.milestone_update(
            milestone=milestone,
            actor=people["india"],
            expected_version=milestone.version,
            title="Plan signed",
            weight=2,
        ),
        [("milestone.changed", "commitments.milestone", {"fields": ["title", "weight"]})],
    )


@case
def milestone_complete(people):
    milestone = make_milestone("DEF-03")
    return (
        lambda: services.milestone_complete(
            milestone=milestone, actor=people["india"], expected_version=milestone.version
        ),
        [
            ("milestone.completed", "commitments.milestone", {"fields": ["completed_on"]}),
            ("commitment.changed", "commitments.commitment", {"fields": ["progress"]}),
        ],
    )


@case
def milestone_reopen(people):
    milestone = make_milestone("DEF-03", completed_on=days(-1))
    return (
        lambda: services.milestone_reopen(
            milestone=milestone, actor=people["india"], expected_version=milestone.version
        ),
        [
            ("milestone.changed", "commitments.milestone", {"fields": ["completed_on"]}),
            ("commitment.changed", "commitments.commitment", {"fields": ["progress"]}),
        ],
    )


@case
def milestone_delete(people):
    make_milestone("DEF-03", title="Stays")
    gone = make_milestone("DEF-03", title="Goes", completed_on=days(-1))
    return (
        lambda: services.milestone_delete(
            milestone=gone, actor=people["india"], expected_version=gone.version
        ),
        [("commitment.changed", "commitments.commitment", {"fields": ["progress"]})],
    )


@case
def commitment_create(people):
    source = commitment("DEF-04")
    return (
        lambda: services.commitment_create(
            actor=people["india"],
            code="DEF-99",
            pillar=source.pillar,
            title="Added by hand",
            paragraph=source.paragraph,
            source_clause=source.source_clause,
        ),
        [],
    )


@case
def marking_change(people):
    milestone = make_milestone("DEF-03")
    return (
        lambda: services.marking_change(
            item=milestone,
            actor=people["india"],
            marking=Marking.INDIA_ONLY,
            pillar_id=milestone.commitment.pillar_id,
            expected_version=milestone.version,
        ),
        [("milestone.changed", "commitments.milestone", {"fields": ["marking"]})],
    )


@case
def marking_change_of_a_status_update(people):
    update = update_status("DEF-05", people["india"], Status.ON_TRACK, "Begun.")
    return (
        lambda: services.marking_change(
            item=update,
            actor=people["india"],
            marking=Marking.INDIA_ONLY,
            pillar_id=update.commitment.pillar_id,
        ),
        [],  # the trail's only webhook event is a side's status update (side_reported)
    )


@case
def meeting_create(people):
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    return (
        lambda: dialogue_services.meeting_create(
            mechanism=mechanism, actor=people["india"], date=days(-2), place="Goa"
        ),
        [
            (
                "meeting.created",
                "dialogues.meeting",
                {"fields": ["date", "marking", "mechanism", "place", "state"]},
            )
        ],
    )


@case
def meeting_update(people):
    meeting = make_meeting()
    return (
        lambda: dialogue_services.meeting_update(
            meeting=meeting,
            actor=people["india"],
            expected_version=meeting.version,
            state=MeetingState.HELD,
            outcome_summary="Agreed.",
            place=meeting.place,  # unchanged: not named
        ),
        [("meeting.changed", "dialogues.meeting", {"fields": ["outcome_summary", "state"]})],
    )


@case
def action_item_create(people):
    meeting = make_meeting()
    return (
        lambda: dialogue_services.action_item_create(
            meeting=meeting, actor=people["india"], title="Draft", due_date=days(5)
        ),
        [
            (
                "action_item.changed",
                "dialogues.actionitem",
                {
                    "action": "created",
                    "fields": ["due_date", "marking", "meeting", "state", "title"],
                },
            )
        ],
    )


@case
def action_item_update(people):
    item = make_action_item()
    return (
        lambda: dialogue_services.action_item_update(
            action_item=item,
            actor=people["india"],
            expected_version=item.version,
            state=ActionItemState.DONE,
        ),
        [
            (
                "action_item.changed",
                "dialogues.actionitem",
                {"action": "changed", "fields": ["completed_on", "state"]},
            )
        ],
    )


@case
def mechanism_cadence_set(people):
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    return (
        lambda: dialogue_services.mechanism_cadence_set(
            mechanism=mechanism, actor=people["manager"], cadence="annual"
        ),
        [],
    )


@case
def mechanism_saved_in_the_admin(people):
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    request = RequestFactory().post("/admin/")
    request.user = people["manager"]
    mechanism.established = False
    return (
        lambda: site._registry[DialogueMechanism].save_model(
            request, mechanism, form=None, change=True
        ),
        [],
    )


@pytest.mark.parametrize("name", CASES)
def test_each_write_emits_its_webhook_events_and_retires_the_dashboard(people, name):
    write, expected = CASES[name](people)
    assert written(write, people["manager"]) == expected


def test_a_refresh_of_the_declaration_retires_the_dashboard_and_says_what_it_changed(
    people, declaration_data
):
    """A load writes in bulk and says so once; a commitment the data file changed is
    `commitment.changed` like any other change."""
    entry = next(item for item in declaration_data["commitments"] if item["code"] == "MUL-01")
    data = {
        **declaration_data,
        "commitments": [
            {**item, "title": "Retitled in the data file"} if item is entry else item
            for item in declaration_data["commitments"]
        ],
    }

    rows = written(lambda: declaration_load(data=data), people["manager"])

    assert rows == [("commitment.changed", "commitments.commitment", {"fields": ["title"]})]
    assert WebhookEvent.objects.get().object_pk == "MUL-01"
