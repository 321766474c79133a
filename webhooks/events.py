"""The webhooks' handler of the domain events: the outbox rows an event writes, in the
transaction of the change that emitted it (`declaration_tracker.core.events`).

The services emit an event of a webhook type (`types`) for each change they make.
An event is written once for each active subscription that asked for its type and whose reader
may see the object at all (a milestone or action item outside their markings makes no event for
them); once the transaction commits, the worker is asked to deliver — and if that nudge is
lost, the periodic delivery finds the rows anyway.
"""

import logging

from django.db import transaction

from access import visibility
from declaration_tracker.core import events

from . import types
from .models import WebhookEvent, WebhookSubscription

log = logging.getLogger(__name__)


def _key(instance) -> str:
    label = instance._meta.label_lower
    return instance.code if label == "commitments.commitment" else str(instance.pk)


def outbox_write(event: events.Event) -> int:
    """Write the event for every subscription that wants it; ask for delivery on commit."""
    instance = event.obj
    written = []
    for subscription in WebhookSubscription.objects.filter(active=True).select_related("reader"):
        if event.type not in subscription.events:
            continue
        # A wholly marked object (the registry: `marking_governs` None) outside the reader's
        # markings makes no event for them at all.
        if getattr(instance, "marking_governs", ()) is None and not visibility.may_read(
            subscription.reader, instance.marking
        ):
            continue
        written.append(
            WebhookEvent(
                subscription=subscription,
                type=event.type,
                object_label=event.label,
                object_pk=_key(instance),
                change=event.change,
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


def connect() -> None:
    """Write the outbox rows of every event of a webhook type (from the app's ready())."""
    events.register(outbox_write, types.VALUES)
