"""Delivering the outbox: what is due is found in the database, signed per Standard Webhooks,
sent with short timeouts and no redirects, logged, and retried on the configured delays.

An event is claimed under a lease before it is sent, and its attempt is logged before the
request goes out; a worker killed mid-attempt leaves the attempt logged as interrupted, and
once the lease runs out the event is sent again with the same `webhook-id` (so a receiver that
got it already can tell). A redelivered or duplicated task finds nothing due and sends nothing.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from declaration_tracker.core.timezones import reading_times_as, time_with_zone

from . import payloads, safety
from .models import WebhookDelivery, WebhookEvent, WebhookSubscription

log = logging.getLogger(__name__)
MAX_LOGGED_BODY = 1024  # characters of a receiver's answer kept in the log
USER_AGENT = "India-Japan-declaration-tracker-webhooks/1"


# --- signing ---------------------------------------------------------------------------------


def secret_new() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, webhook_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of
    `id.timestamp.body` under the secret's bytes."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(event: WebhookEvent, now: datetime.datetime) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            event.subscription.secret, event.webhook_id, timestamp, event.body
        ),
    }


# --- sending to the one address checked --------------------------------------------------------


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: str, sent_headers: dict[str, str]) -> tuple[int, str]:
    """POST `body` to `url` on the address its host resolves to now (refused if that address
    is not allowed); redirects are answers like any other, never followed."""
    safety.url_check_or_refuse(url)
    host, port, address = safety.resolve(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(host, port, address, settings.TRACKER_WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=body.encode(), headers=sent_headers)
        response = connection.getresponse()
        answer = response.read(MAX_LOGGED_BODY + 1).decode("utf-8", "replace")
        return response.status, answer[:MAX_LOGGED_BODY]
    finally:
        connection.close()


# --- the outbox ----------------------------------------------------------------------------------


def body_of(event: WebhookEvent) -> str | None:
    """The event's message as its subscription's reader may read it; None when the object is
    now outside their markings (or gone)."""
    reader = event.subscription.reader
    data = payloads.represent(event.object_label, event.object_pk, reader)
    if data is None:
        return None
    message = {
        "type": event.type,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    if event.change:
        message["change"] = event.change
    return json.dumps(message, cls=DjangoJSONEncoder, ensure_ascii=False)


def _due(now: datetime.datetime):
    return WebhookEvent.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now),
        state=WebhookEvent.State.PENDING,
        next_attempt_at__lte=now,
        subscription__active=True,
    )


def claim(now: datetime.datetime) -> tuple[WebhookEvent, WebhookDelivery] | None:
    """Take the next due event under a lease, build its body at its first attempt, and log the
    attempt as begun; None when nothing is due."""
    lease = datetime.timedelta(seconds=settings.TRACKER_WEBHOOK_LEASE_SECONDS)
    with transaction.atomic():
        event = (
            _due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription__reader")
            .order_by("next_attempt_at", "created_at")
            .first()
        )
        if event is None:
            return None
        reader = event.subscription.reader
        if event.body and not payloads.sources_readable(
            event.object_label, event.object_pk, reader
        ):
            # Frozen for a reader who may no longer read what it quotes: never sent again.
            event.state = WebhookEvent.State.WITHHELD
            event.save(update_fields=["state"])
            return claim(now)
        if not event.body:
            body = body_of(event)
            if body is None:
                event.state = WebhookEvent.State.WITHHELD
                event.save(update_fields=["state"])
                return claim(now)
            event.body = body
        event.attempts += 1
        event.leased_until = now + lease
        event.save(update_fields=["body", "attempts", "leased_until"])
        attempt = WebhookDelivery.objects.create(
            event=event, attempted_at=now, error="interrupted: no answer was recorded"
        )
    return event, attempt


def attempt_send(event: WebhookEvent, attempt: WebhookDelivery) -> bool:
    """Send a claimed event once, log the answer, and decide what comes next."""
    now = timezone.now()
    started = time.monotonic()
    status, answer, error = None, "", ""
    try:
        status, answer = post(event.subscription.url, event.body, headers(event, now))
    except safety.Refused as refused:
        error = f"refused: {refused}"
    except (OSError, http.client.HTTPException, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"
    attempt.response_status = status
    attempt.response_body = answer
    attempt.error = error[:500]
    attempt.duration_ms = round((time.monotonic() - started) * 1000)
    attempt.save(update_fields=["response_status", "response_body", "error", "duration_ms"])
    ok = attempt.succeeded
    if not ok and not error:
        attempt.error = f"HTTP {status}"
        attempt.save(update_fields=["error"])
    _settle(event, ok, timezone.now())
    return ok


def _settle(event: WebhookEvent, ok: bool, now: datetime.datetime) -> None:
    delays = settings.TRACKER_WEBHOOK_RETRY_DELAYS
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event.pk)
        subscription = WebhookSubscription.objects.select_for_update().get(pk=event.subscription_id)
        event.leased_until = None
        if ok:
            event.state, event.delivered_at = WebhookEvent.State.DELIVERED, now
            subscription.failing_since = None
        elif event.attempts > len(delays):
            event.state = WebhookEvent.State.FAILED
        else:
            event.next_attempt_at = now + datetime.timedelta(seconds=delays[event.attempts - 1])
        event.save(update_fields=["state", "delivered_at", "leased_until", "next_attempt_at"])
        if not ok and subscription.failing_since is None:
            subscription.failing_since = now
        disable = (
            not ok
            and subscription.active
            and subscription.failing_since
            < now - datetime.timedelta(days=settings.TRACKER_WEBHOOK_DISABLE_AFTER_DAYS)
        )
        if disable:
            subscription.active = False
            subscription.disabled_reason = (
                f"Every delivery failed since {subscription.failing_since:%Y-%m-%d %H:%M} UTC."
            )
        subscription.save(update_fields=["failing_since", "active", "disabled_reason"])
        if disable:
            transaction.on_commit(lambda: owner_tell(subscription))


def owner_tell(subscription: WebhookSubscription) -> None:
    """E-mail the subscription's owner, in their language, that it was disabled."""
    owner = subscription.created_by
    if not owner.email:
        log.warning("webhook subscription %s disabled; its owner has no e-mail", subscription.pk)
        return
    language = owner.language or settings.LANGUAGE_CODE
    with translation.override(language), reading_times_as(owner, language):
        send_mail(
            _("A webhook subscription was disabled"),
            _(
                "Every delivery to %(url)s has failed since %(since)s, so the subscription "
                "“%(name)s” was disabled. Fix the receiver, then set it active again; its "
                "delivery log is at %(log)s."
            )
            % {
                "url": subscription.url,
                "since": time_with_zone(subscription.failing_since),
                "name": str(subscription),
                "log": f"{settings.SITE_URL}/webhooks/{subscription.pk}/",
            },
            None,
            [owner.email],
        )


def deliver_due(*, limit: int = 200) -> int:
    """Send what is due, one event at a time (each claimed under its lease); return how many
    attempts were made."""
    made = 0
    while made < limit:
        claimed = claim(timezone.now())
        if claimed is None:
            break
        attempt_send(*claimed)
        made += 1
    return made
