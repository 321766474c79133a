"""Attachments: files on an item of the record (signed minutes, a letter, a photograph).

The file itself lives in the attachments' storage (`discussion.storage`) under a random name;
the row says what it is (its title, original name, size, type read from its content, SHA-256)
and who may read it (its marking). Nothing serves the file but the gated download view.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.choices import Side
from access.markings import MarkedQuerySet, marking_constraint, marking_field

from ..storage import get_attachment_storage
from .base import OnItem


def stored_name(_instance, _filename: str) -> str:
    """A random name under the month of upload: the original name is kept in the row only, so
    nothing the uploader chose reaches the storage's paths."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class AttachmentState(models.TextChoices):
    STORED = "stored", _("Stored")
    QUARANTINED = "quarantined", _("Quarantined")


class AttachmentQuerySet(MarkedQuerySet):
    pass


class Attachment(OnItem):
    """A file attached to one item of the record, under a marking of its own."""

    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), storage=get_attachment_storage, upload_to=stored_name, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    marking = marking_field(_("Who may read the attachment and download its file."))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=AttachmentState.choices,
        default=AttachmentState.STORED,
        help_text=_("Quarantined: the virus scan found it infected; it cannot be downloaded."),
    )
    scan_result = models.CharField(_("virus scan"), max_length=200, blank=True)

    marking_kind = "attachment"
    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["commitment", "created_at"], name="attachment_commitment"),
            models.Index(fields=["milestone", "created_at"], name="attachment_milestone"),
            models.Index(fields=["meeting", "created_at"], name="attachment_meeting"),
            models.Index(fields=["action_item", "created_at"], name="attachment_action_item"),
            models.Index(fields=["reconciliation", "created_at"], name="attachment_reconciliation"),
        ]
        constraints = [
            OnItem.one_target("attachment"),
            marking_constraint("attachment"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="attachment_side_valid"),
            models.CheckConstraint(
                condition=Q(state__in=AttachmentState.values), name="attachment_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def downloadable(self) -> bool:
        return self.state == AttachmentState.STORED
