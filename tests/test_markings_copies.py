"""One rule for copies of marked text: a reader sees a copy only under its source's current
marking. The status updates quoting a milestone, the audit log's values, a validation message,
a webhook body already frozen: each follows a re-marking at once, in both directions (India →
Japan and Japan → India). And one registry: every markable model passes the gate."""

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from access import visibility
from access.choices import Marking, Side
from access.markings import Markable, MarkedQuerySet, markable_models
from audit.models import AuditEvent
from commitments import services
from commitments.models import Milestone, StatusUpdate
from tests.api_base import api_client
from tests.factories import analyst, commitment, days, manager
from tests.webhooks.receiver import Receiver
from webhooks import delivery
from webhooks import services as webhook_services
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.usefixtures("loaded")

NATIONAL = {Side.INDIA: Marking.INDIA_ONLY, Side.JAPAN: Marking.JAPAN_ONLY}
OTHER = {Side.INDIA: Side.JAPAN, Side.JAPAN: Side.INDIA}


@pytest.fixture
def people():
    return {
        side: {
            "analyst": analyst("maritime", username=f"copy-{side}", side=side),
            "manager": manager(username=f"copy-mgr-{side}", side=side),
        }
        for side in (Side.INDIA, Side.JAPAN)
    }


def trail_of(reader, code: str) -> str:
    """All the trail and audit text `reader` gets through the API for a commitment."""
    client = api_client(reader)
    texts = [
        client.get(f"/api/v1/commitments/{code}/status-updates/").content,
        client.get("/api/v1/audit-events/", {"commitment": code}).content,
        client.get("/api/v1/dashboard/").content,
    ]
    page = Client()
    page.force_login(reader)
    texts.append(page.get(f"/commitments/{code}/").content)
    texts.append(page.get("/audit/", {"commitment": code}).content)
    return b"".join(texts).decode()


def done_milestone(actor, title: str, **kw) -> Milestone:
    """A milestone done yesterday: adding it moves progress, so the trail quotes its title."""
    return services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=actor,
        title=title,
        due_date=days(-1),
        completed_on=days(-1),
        **kw,
    )


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_tightening_a_milestone_withdraws_every_copy_of_its_title_from_the_other_side(people, side):
    own, other = people[side], people[OTHER[side]]
    milestone = done_milestone(own["analyst"], f"COPY-{side}-TITLE")
    assert f"COPY-{side}-TITLE" in trail_of(other["manager"], "MAR-01")  # the control

    services.marking_change(
        item=Milestone.objects.get(pk=milestone.pk),
        actor=own["analyst"],
        marking=NATIONAL[side],
        pillar_id=commitment("MAR-01").pillar_id,
    )

    assert f"COPY-{side}-TITLE" not in trail_of(other["manager"], "MAR-01")
    assert f"COPY-{side}-TITLE" in trail_of(own["manager"], "MAR-01")
    update = StatusUpdate.objects.get(source_milestone=milestone.pk)
    assert update.marking == NATIONAL[side]
    assert set(
        AuditEvent.objects.filter(
            content_type__model="milestone", object_id=str(milestone.pk)
        ).values_list("marking", flat=True)
    ) == {NATIONAL[side]}


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_loosening_a_milestone_shares_its_copies_again(people, side):
    own = people[side]
    milestone = done_milestone(own["analyst"], f"LOOSE-{side}", marking=NATIONAL[side])
    assert f"LOOSE-{side}" not in trail_of(people[OTHER[side]]["manager"], "MAR-01")

    services.marking_change(
        item=Milestone.objects.get(pk=milestone.pk),
        actor=own["manager"],
        marking=Marking.BILATERAL,
        pillar_id=commitment("MAR-01").pillar_id,
    )

    assert f"LOOSE-{side}" in trail_of(people[OTHER[side]]["manager"], "MAR-01")


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_removed_milestone_keeps_the_marking_it_was_given_last(people, side):
    own, other = people[side], people[OTHER[side]]
    milestone = done_milestone(own["analyst"], f"GONE-{side}")
    services.milestone_create(
        commitment=commitment("MAR-01"), actor=own["analyst"], title="Stays", due_date=days(3)
    )
    fresh = Milestone.objects.get(pk=milestone.pk)
    fresh = services.marking_change(
        item=fresh,
        actor=own["analyst"],
        marking=NATIONAL[side],
        pillar_id=fresh.commitment.pillar_id,
    )
    services.milestone_delete(milestone=fresh, actor=own["analyst"], expected_version=fresh.version)

    assert f"GONE-{side}" not in trail_of(other["manager"], "MAR-01")
    assert f"GONE-{side}" in trail_of(own["manager"], "MAR-01")


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_validation_message_names_a_milestone_only_to_its_readers(people, side):
    own, other = people[side], people[OTHER[side]]
    services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=own["analyst"],
        title=f"EARLY-{side}",
        due_date=days(2),
        marking=NATIONAL[side],
    )

    def start_after(reader):
        client = api_client(reader)
        path = "/api/v1/commitments/MAR-01/"
        etag = client.get(path)["ETag"]
        return client.patch(
            path, {"start_date": days(30).isoformat()}, format="json", HTTP_IF_MATCH=etag
        )

    refused = start_after(other["analyst"])
    assert refused.status_code == 400 and b"start_date" in refused.content
    assert f"EARLY-{side}".encode() not in refused.content
    assert b"cannot read" in refused.content
    told = start_after(own["analyst"])
    assert told.status_code == 400 and f"EARLY-{side}".encode() in told.content


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_frozen_webhook_body_is_not_sent_again_once_its_reader_may_not_read_it(
    settings, people, side
):
    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.TRACKER_WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    own, other = people[side], people[OTHER[side]]
    receiver = Receiver(answers=(500, 200)).start()
    try:
        subscription = webhook_services.subscription_create(
            actor=other["manager"],
            url=receiver.url,
            events=["milestone.created"],
            reader=other["manager"],
        )
        receiver.secret = subscription.secret
        milestone = services.milestone_create(
            commitment=commitment("MAR-01"),
            actor=own["analyst"],
            title=f"FROZEN-{side}",
            due_date=days(5),
        )
        claimed = delivery.claim(timezone.now())
        delivery.attempt_send(*claimed)  # answered 500: to be retried with the same body
        services.marking_change(
            item=Milestone.objects.get(pk=milestone.pk),
            actor=own["analyst"],
            marking=NATIONAL[side],
            pillar_id=commitment("MAR-01").pillar_id,
        )
        while delivery.deliver_due():
            pass
    finally:
        receiver.stop()
    assert len(receiver.received) == 1  # the first attempt only
    assert WebhookEvent.objects.get().state == WebhookEvent.State.WITHHELD


def test_every_model_with_a_marking_is_markable_and_gated():
    copies = {"audit.auditevent"}  # the audit log: a copy, following its object
    for model in apps.get_models():
        names = {field.name for field in model._meta.get_fields()}
        if "marking" not in names or model._meta.label_lower in copies:
            continue
        assert issubclass(model, Markable), model
        assert isinstance(model._default_manager.all(), MarkedQuerySet), model
        assert model.marking_kind and model.marking_pillar, model
    kinds = {model.marking_kind for model in markable_models()}
    assert kinds == {
        "commitment",
        "context",
        "milestone",
        "status_update",
        "meeting",
        "action_item",
        "comment",
        "attachment",
        "reconciliation",
    }


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_the_gate_withholds_governed_fields_on_every_instance_it_yields(people, side):
    own, other = people[side], people[OTHER[side]]
    services.marking_change(
        item=commitment("MAR-01"),
        actor=own["manager"],
        marking=NATIONAL[side],
        pillar_id=commitment("MAR-01").pillar_id,
    )
    type(commitment("MAR-01")).objects.filter(code="MAR-01").update(context="NATIONAL-CONTEXT")

    theirs = type(commitment("MAR-01")).objects.visible_to(other["analyst"]).get(code="MAR-01")
    ours = type(commitment("MAR-01")).objects.visible_to(own["analyst"]).get(code="MAR-01")

    assert (theirs.context, theirs.withheld) == ("", True)
    assert (ours.context, ours.withheld) == ("NATIONAL-CONTEXT", False)
    with pytest.raises(TypeError):
        list(
            type(commitment("MAR-01"))
            .objects.visible_to(other["analyst"])
            .values_list("context", flat=True)
        )
    assert visibility.may_read(own["analyst"], NATIONAL[side])
