"""Which change is which event, and the outbox rows it writes, in the change's transaction.

Every change the audit log records passes here (`commitments.audit.recording.listeners`), and
every status report (the trail is not audited: it is append-only). An event is written once
for each active subscription that asked for its type and whose reader may see the object at
all (a milestone or action item outside their markings makes no event for them); once the
transaction commits, the worker is asked to deliver — and if that nudge is lost, the periodic
delivery finds the rows anyway.
"""

import logging

from django.db import transaction

from commitments import visibility
from commitments.choices import ASSESSMENT_KINDS
from commitments.models import WebhookEvent, WebhookEventType, WebhookSubscription

log = logging.getLogger(__name__)
T = WebhookEventType
SIDES_FIELDS = {"status", "india_status", "japan_status", "awaiting_side"}
WHOLLY_MARKED = {"commitments.milestone", "dialogues.actionitem"}


def _label(instance) -> str:
    return instance._meta.label_lower


def _key(instance) -> str:
    return instance.code if _label(instance) == "commitments.commitment" else str(instance.pk)


def events_of(instance, action: str, changes: dict[str, list]) -> list[tuple[str, dict]]:
    """The (type, change) pairs a recorded change makes."""
    label, created = _label(instance), action == "created"
    fields = sorted(changes)
    if label == "commitments.commitment":
        found = []
        if not created and "status" in changes:
            before, after = changes["status"]
            found.append((T.COMMITMENT_STATUS_CHANGED, {"status": [before, after]}))
        other = sorted(set(changes) - SIDES_FIELDS)
        if not created and other:
            found.append((T.COMMITMENT_CHANGED, {"fields": other}))
        return found
    if label == "commitments.milestone":
        if created:
            return [(T.MILESTONE_CREATED, {})]
        before, after = changes.get("completed_on", [None, None])
        if "completed_on" in changes and before in (None, "") and after:
            return [(T.MILESTONE_COMPLETED, {"fields": fields})]
        return [(T.MILESTONE_CHANGED, {"fields": fields})]
    if label == "dialogues.meeting":
        return [(T.MEETING_CREATED if created else T.MEETING_CHANGED, {"fields": fields})]
    if label == "dialogues.actionitem":
        return [(T.ACTION_ITEM_CHANGED, {"action": action, "fields": fields})]
    return []


def outbox_write(instance, kinds: list[tuple[str, dict]]) -> int:
    """Write the events for every subscription that wants them; ask for delivery on commit."""
    if not kinds:
        return 0
    label = _label(instance)
    written = []
    for subscription in WebhookSubscription.objects.filter(active=True).select_related("reader"):
        if label in WHOLLY_MARKED and not visibility.shows(subscription.reader, instance.marking):
            continue
        for kind, change in kinds:
            if kind in subscription.events:
                written.append(
                    WebhookEvent(
                        subscription=subscription,
                        type=kind,
                        object_label=label,
                        object_pk=_key(instance),
                        change=change,
                    )
                )
    if written:
        WebhookEvent.objects.bulk_create(written)
        transaction.on_commit(nudge)
    return len(written)


def nudge() -> None:
    """Ask the worker to deliver now; with the broker down, the periodic delivery will."""
    from .tasks import webhooks_deliver  # the tasks import the delivery, which imports this

    try:
        webhooks_deliver.delay()
    except Exception:  # the event is in the outbox either way
        log.warning("could not nudge the webhook delivery; beat will find the events")


def on_change(instance, action: str, changes: dict[str, list]) -> None:
    outbox_write(instance, events_of(instance, action, changes))


def on_report(sender, instance, created: bool, raw: bool = False, **_kwargs) -> None:
    """A side's report (or confirmation, or decline) is `commitment.side_reported`."""
    if raw or not created or instance.kind not in ASSESSMENT_KINDS:
        return
    change = {"side": instance.side, "status": instance.assessment, "kind": instance.kind}
    outbox_write(instance.commitment, [(T.COMMITMENT_SIDE_REPORTED, change)])


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    from commitments.audit import recording

    if on_change not in recording.listeners:
        recording.listeners.append(on_change)
    post_save.connect(on_report, sender=apps.get_model("commitments.StatusUpdate"), weak=False)
