"""Subscriptions: who may make them, for which reader, and their secrets."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions
from commitments.models import User

from . import events, safety, types
from .delivery import secret_new
from .models import WebhookEvent, WebhookSubscription


def can_manage(user) -> bool:
    """A side's managers manage its webhooks (the operator watches their health only:
    `subscriptions_health`)."""
    return permissions.is_manager(user)


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Webhooks are for managers."))


def subscriptions_health(user):
    """Every subscription, for the operator to watch whether deliveries fail: where to (the
    URL), whose, since when failing and why disabled; never what was delivered."""
    permissions.require(permissions.is_operator(user))
    return WebhookSubscription.objects.select_related("created_by").order_by("id")


def subscriptions_of(user):
    """The subscriptions `user` may see and change: those of their own government's users
    (a delivery log shows what their reader was sent)."""
    require_manage(user)
    return WebhookSubscription.objects.filter(created_by__side=user.side).select_related(
        "reader", "created_by"
    )


def _check(actor: User, *, url: str, events: list, reader: User) -> None:
    safety.url_check(url)
    unknown = sorted(set(events) - set(types.VALUES))
    if not events or unknown:
        raise ValidationError(
            {
                "events": _("Choose among %(types)s; unknown: %(unknown)s.")
                % {"types": ", ".join(types.VALUES), "unknown": ", ".join(unknown)}
            }
        )
    # The reader decides what the receiver gets: never someone who reads more than the
    # subscription's owner (the other government's national items).
    if reader.side not in ("", actor.side) or not reader.is_active:
        raise ValidationError(
            {"reader": _("The reader must be an active user of your own government, or of none.")}
        )


@transaction.atomic
def subscription_create(
    *, actor: User, url: str, events: list, reader: User | None = None, **fields
) -> WebhookSubscription:
    require_manage(actor)
    reader = reader or actor
    _check(actor, url=url, events=events, reader=reader)
    return WebhookSubscription.objects.create(
        url=url,
        events=list(dict.fromkeys(events)),
        reader=reader,
        created_by=actor,
        secret=secret_new(),
        **fields,
    )


@transaction.atomic
def subscription_update(
    *, subscription: WebhookSubscription, actor: User, **changes
) -> WebhookSubscription:
    require_manage(actor)
    merged = {
        "url": changes.get("url", subscription.url),
        "events": changes.get("events", subscription.events),
        "reader": changes.get("reader", subscription.reader),
    }
    _check(actor, **merged)
    for field, value in changes.items():
        setattr(subscription, field, value)
    if changes.get("active"):
        subscription.failing_since, subscription.disabled_reason = None, ""
    subscription.save()
    return subscription


def secret_rotate(*, subscription: WebhookSubscription, actor: User) -> str:
    require_manage(actor)
    subscription.secret = secret_new()
    subscription.save(update_fields=["secret"])
    return subscription.secret


def send_again(*, event: WebhookEvent, actor: User) -> WebhookEvent:
    """Queue an event again (same webhook-id, same body), whatever became of it."""
    require_manage(actor)
    WebhookEvent.objects.filter(pk=event.pk).update(
        state=WebhookEvent.State.PENDING, next_attempt_at=timezone.now(), leased_until=None
    )
    transaction.on_commit(events.nudge)
    event.refresh_from_db()
    return event
