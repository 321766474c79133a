from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    """What a reminder is about; a digest groups its items in this order."""

    OVERDUE = "overdue", _("Overdue")
    DUE_TODAY = "due_today", _("Due today")
    DUE_SOON = "due_soon", _("Due soon")
    AWAITING = "awaiting", _("Awaiting your confirmation")
    STALE = "stale", _("No status update for a long time")
    ESCALATION = "escalation", _("Escalation: overdue for over a week")
    MECHANISM = "mechanism", _("Dialogue meeting overdue")
    MENTION = "mention", _("Mentioned in a comment")


class DigestState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
