"""Reminders: each user's preferences, the daily digest, and the log claiming each reminder once.

The models moved here from `commitments` by state-only migrations (commitments 0021,
notifications 0001): their tables keep their names (`commitments_reminder` and so on)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import DigestState, ReminderKind


class ReminderPreference(models.Model):
    """A user's choices about reminders: kinds they opted out of, and their own lead days."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    muted_kinds = models.JSONField(
        _("kinds not wanted"), default=list, blank=True, help_text=_("Reminder kinds to skip.")
    )
    lead_days = models.JSONField(
        _("days before a due date"),
        default=list,
        blank=True,
        help_text=_("When to be reminded before a due date; empty for the tracker's default."),
    )
    email = models.BooleanField(_("send e-mail digests"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "commitments_reminderpreference"
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user}"


class Digest(models.Model):
    """One recipient's reminders for one day of theirs: at most one e-mail a day."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField(_("day"), help_text=_("The recipient's local date."))
    state = models.CharField(
        _("state"), max_length=10, choices=DigestState.choices, default=DigestState.PENDING
    )
    enqueued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "commitments_digest"
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        ordering = ["-day", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_one_per_day"),
            models.CheckConstraint(
                condition=Q(state__in=DigestState.values), name="digest_state_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["enqueued_at"],
                condition=Q(state="pending"),
                name="digest_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.day}"


class Reminder(models.Model):
    """The reminder log: one row claims one reminder, so it is sent once and only once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    item_key = models.CharField(
        _("item"), max_length=60, help_text=_("What it is about, e.g. milestone:12.")
    )
    title = models.CharField(_("title"), max_length=400)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    detail_message = models.CharField(
        _("detail's message"),
        max_length=20,
        blank=True,
        help_text=_("The detail as a message key, read in each reader's language."),
    )
    detail_params = models.JSONField(_("detail's parameters"), default=dict, blank=True)
    path = models.CharField(_("page"), max_length=200, help_text=_("Its page in the tracker."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "commitments_reminder"
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-day", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "item_key", "kind", "day"], name="reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "-day"], name="reminder_recipient_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
