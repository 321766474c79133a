"""The append-only trail of every change of a commitment's status and progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declaration_tracker.core.models import AppendOnly, AppendOnlyQuerySet

from ..choices import Status
from .commitments import Commitment


class StatusUpdateQuerySet(AppendOnlyQuerySet):
    what = "The status trail"


class StatusUpdate(AppendOnly):
    """One entry of a commitment's append-only trail of status and progress changes."""

    what = "The status trail"

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        related_name="status_updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="status_updates",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices)
    from_progress = models.PositiveSmallIntegerField(_("from progress"))
    to_progress = models.PositiveSmallIntegerField(_("to progress"))
    note = models.TextField(_("note"))
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    version = models.PositiveIntegerField(
        _("commitment version"), help_text=_("The commitment's version this entry produced.")
    )

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["commitment", "-created_at"], name="statusupdate_commitment_at"),
            models.Index(fields=["-created_at"], name="statusupdate_created_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""),
                name="statusupdate_note_required",
                violation_error_message=_("A note is required."),
            ),
            models.CheckConstraint(
                condition=Q(to_progress__lte=100) & Q(from_progress__lte=100),
                name="statusupdate_progress_0_100",
            ),
            models.UniqueConstraint(
                fields=["commitment", "version"], name="statusupdate_unique_commitment_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code}: {self.from_status} → {self.to_status}"
