"""Webhooks: other systems subscribe to changes; each event waits in an outbox until delivered.

The outbox row is written in the transaction of the change itself, so a change never lacks its
event and a rolled-back change never sends one. Each row is one event for one subscription,
with one `webhook-id` for all its attempts; each attempt is logged.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import types


class WebhookSubscription(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.PROTECT,
        related_name="webhook_readings",
        help_text=_("Events carry only what this user may read (their release markings)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
    )
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    failing_since = models.DateTimeField(
        _("failing since"),
        null=True,
        blank=True,
        help_text=_("The first failed attempt since the last success; empty when it is well."),
    )
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)

    class Meta:
        db_table = "commitments_webhooksubscription"
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookEvent(models.Model):
    """One event for one subscription: its body is built at the first attempt (as the reader
    may see the object then) and kept, so every attempt sends the same signed message."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        WITHHELD = "withheld", _("Withheld: outside the reader's markings")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="webhook_events"
    )
    type = models.CharField(_("type"), max_length=40, choices=types.CHOICES)
    object_label = models.CharField(max_length=60)
    object_pk = models.CharField(max_length=40)
    change = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    body = models.TextField(blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "commitments_webhookevent"
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhook_event_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.webhook_id}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.pk.hex}"


class WebhookDelivery(models.Model):
    """One attempt to deliver an event."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True)
    response_body = models.TextField(_("response body"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        db_table = "commitments_webhookdelivery"
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300
