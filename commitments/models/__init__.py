"""The commitments app's models, one module per concern."""

from .audit import AuditEvent
from .commitments import Commitment, Milestone
from .declaration import Declaration, Pillar
from .notifications import Digest, Reminder, ReminderPreference
from .reports import ReportJob
from .trail import StatusUpdate
from .users import CalendarFeedToken, Organisation, User, calendar_feed_key_new, validate_time_zone
from .webhooks import (
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
)

__all__ = [
    "AuditEvent",
    "CalendarFeedToken",
    "Commitment",
    "Declaration",
    "Digest",
    "Milestone",
    "Organisation",
    "Pillar",
    "Reminder",
    "ReminderPreference",
    "ReportJob",
    "StatusUpdate",
    "User",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookEventType",
    "WebhookSubscription",
    "calendar_feed_key_new",
    "validate_time_zone",
]
