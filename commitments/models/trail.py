"""The append-only trail of every change of a commitment's status and progress."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.choices import Side
from access.markings import Markable, MarkedQuerySet, marking_constraint, marking_field
from declaration_tracker.core.models import AppendOnly, AppendOnlyQuerySet

from ..choices import Status, TrailKind
from .commitments import Commitment


def is_local_path(value: str) -> bool:
    """Say whether `value` is a path of this tracker (`/attachments/12/download/`), not a link
    to another site (`//host/…` is one)."""
    return value.startswith("/") and not value.startswith("//")


def validate_evidence_link(value: str) -> None:
    """A web link, or a path of this tracker: which paths may be evidence (an attachment of the
    same commitment) the status update service decides (`registry.evidence_sources`)."""
    if not is_local_path(value):
        URLValidator()(value)


class StatusUpdateQuerySet(MarkedQuerySet, AppendOnlyQuerySet):
    what = "The status trail"


class StatusUpdate(Markable, AppendOnly):
    """One status update: a dated record on a commitment's append-only trail of status and
    progress changes (a side's assessment, progress, note and evidence, or a change the tracker
    wrote)."""

    what = "The status trail"
    mutable_fields = ("marking",)
    marking_governs = ("note", "evidence_url", "message_params")
    marking_kind = "status_update"
    marking_pillar = "commitment.pillar_id"
    marking_related = ("commitment",)

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
    side = models.CharField(
        _("side"),
        max_length=10,
        choices=Side.choices,
        blank=True,
        help_text=_("The government the entry speaks for: its author's side."),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=TrailKind.choices, default=TrailKind.REPORT
    )
    assessment = models.CharField(
        _("assessment reported"),
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text=_("The side's status as this entry reports it; blank for progress entries."),
    )
    reported_progress = models.PositiveSmallIntegerField(
        _("progress reported"),
        null=True,
        blank=True,
        help_text=_("Progress the side reported with it (commitments without milestones)."),
    )
    from_status = models.CharField(
        _("official status before"), max_length=20, choices=Status.choices
    )
    to_status = models.CharField(_("official status after"), max_length=20, choices=Status.choices)
    from_progress = models.PositiveSmallIntegerField(_("from progress"))
    to_progress = models.PositiveSmallIntegerField(_("to progress"))
    note = models.TextField(_("note"))
    # A web link, or the download path of an attachment of the commitment.
    evidence_url = models.CharField(
        _("evidence link"), max_length=500, blank=True, validators=[validate_evidence_link]
    )
    marking = marking_field(
        _("Who may read its note and evidence link; the statuses it records are for both sides.")
    )
    message = models.CharField(
        _("tracker's message"),
        max_length=40,
        blank=True,
        help_text=_(
            "For a note the tracker wrote: its key, so each reader reads it in their "
            "language (`commitments.trail_messages`)."
        ),
    )
    message_params = models.JSONField(_("message parameters"), default=dict, blank=True)
    source_milestone = models.PositiveBigIntegerField(
        _("milestone quoted"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "For an entry the tracker wrote about a milestone: its id. The entry quotes the "
            "milestone's title, so it carries the milestone's current marking."
        ),
    )
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
            models.Index(
                fields=["source_milestone"],
                condition=Q(source_milestone__isnull=False),
                name="statusupdate_source_milestone",
            ),
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
            models.CheckConstraint(
                condition=Q(kind__in=TrailKind.values), name="statusupdate_kind_valid"
            ),
            marking_constraint("statusupdate"),
            # A status update of kind report, confirm or decline speaks for one side and gives
            # its assessment; one of kind progress or terms gives none.
            models.CheckConstraint(
                condition=Q(kind__in=["progress", "terms"], assessment="")
                | Q(kind="shared", assessment__in=Status.values)
                | (
                    Q(kind__in=["report", "confirm", "decline"])
                    & Q(side__in=Side.values)
                    & Q(assessment__in=Status.values)
                ),
                name="statusupdate_assessment_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(reported_progress__isnull=True) | Q(reported_progress__lte=100),
                name="statusupdate_reported_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code}: {self.from_status} → {self.to_status}"

    @property
    def gives_assessment(self) -> bool:
        return self.kind in ("report", "confirm", "decline")
