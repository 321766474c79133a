"""Commitments and their milestones."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.choices import Side
from access.markings import Markable, MarkedQuerySet, marking_constraint, marking_field
from declaration_tracker.core.i18n import localized
from declaration_tracker.core.models import FromDataFile, Versioned

from ..choices import CommitmentStrength, LeadSide, MilestoneState, Priority, Status
from .declaration import Declaration, Pillar
from .users import Organisation


class Commitment(Markable, FromDataFile, Versioned):
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}-\d{2,3}$", _("A code looks like MAR-01."))],
    )
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="commitments"
    )
    pillar = models.ForeignKey(
        Pillar, verbose_name=_("pillar"), on_delete=models.PROTECT, related_name="commitments"
    )
    title = models.CharField(_("title"), max_length=255)
    title_ja = models.CharField(
        _("title in Japanese"),
        max_length=255,
        blank=True,
        help_text=_("The tracker's unofficial Japanese translation; empty: the English is shown."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the declaration says of the undertaking.")
    )
    description_ja = models.TextField(
        _("description in Japanese"),
        blank=True,
        help_text=_("The tracker's unofficial Japanese translation; empty: the English is shown."),
    )
    source_clause = models.TextField(
        _("source clause"),
        help_text=_("Quoted verbatim from the summary of the declaration the tracker holds."),
    )
    clause_part = models.TextField(
        _("own words of the clause"),
        blank=True,
        help_text=_(
            "Where commitments share a listing clause: the words of it that are this one's."
        ),
    )
    commitment_strength = models.CharField(
        _("strength of language"),
        max_length=20,
        choices=CommitmentStrength.choices,
        default=CommitmentStrength.COMMITTED,
        help_text=_("How the declaration words it: pledged, plans, exploring, encourages…"),
    )
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), validators=[MinValueValidator(1)])
    lead_side = models.CharField(
        _("lead side"), max_length=10, choices=LeadSide.choices, default=LeadSide.JOINT
    )
    lead_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("lead organisations"),
        blank=True,
        related_name="led_commitments",
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("frameworks and partners"),
        blank=True,
        related_name="partner_commitments",
        help_text=_("Bodies of neither side the declaration names for it (the Quad, ASEAN…)."),
    )
    # Each government's own owner of the commitment, set by that side alone.
    responsible_india = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("India's responsible user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_india_for",
    )
    responsible_japan = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Japan's responsible user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_japan_for",
    )
    status = models.CharField(
        _("official status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        help_text=_("Derived from both sides' assessments; never typed."),
    )
    # Each side's own assessment: its status, and its latest status update in the trail (note,
    # evidence, who and when; the fields keep their old names, `india_report` and
    # `japan_report`). Written only by the status-update services, with the status update.
    india_status = models.CharField(
        _("India's assessment"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    japan_status = models.CharField(
        _("Japan's assessment"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    india_report = models.ForeignKey(
        "StatusUpdate",
        verbose_name=_("India's latest report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    japan_report = models.ForeignKey(
        "StatusUpdate",
        verbose_name=_("Japan's latest report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    awaiting_side = models.CharField(
        _("awaiting"),
        max_length=10,
        choices=Side.choices,
        blank=True,
        help_text=_("The side whose answer the official status waits for, if any."),
    )
    awaiting_since = models.DateTimeField(_("awaiting since"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Derived from the milestones' weights; set by hand only without milestones."),
    )
    marking = marking_field(
        _(
            "Who may read the context added to it (the summary of the declaration it quotes "
            "is public)."
        )
    )

    marking_governs = ("context",)
    marking_kind = "commitment"
    marking_pillar = "pillar_id"
    marking_related = ("pillar",)
    objects = MarkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["pillar", "status"], name="commitment_pillar_status"),
            models.Index(fields=["status"], name="commitment_status"),
            models.Index(fields=["target_date"], name="commitment_target_date"),
            models.Index(
                fields=["awaiting_side"],
                condition=~Q(awaiting_side=""),
                name="commitment_awaiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="commitment_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gte=models.F("start_date")),
                name="commitment_target_after_start",
                violation_error_message=_("The target date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="commitment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(lead_side__in=LeadSide.values), name="commitment_lead_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(india_status__in=Status.values) & Q(japan_status__in=Status.values),
                name="commitment_side_status_valid",
            ),
            # Only a difference of view can leave a side awaited, and then since some time.
            models.CheckConstraint(
                condition=Q(awaiting_side="", awaiting_since__isnull=True)
                | (
                    Q(awaiting_side__in=Side.values, awaiting_since__isnull=False)
                    & ~Q(india_status=models.F("japan_status"))
                ),
                name="commitment_awaiting_only_in_disagreement",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="commitment_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(commitment_strength__in=CommitmentStrength.values),
                name="commitment_strength_valid",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="commitment_version_positive"),
            marking_constraint("commitment"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {localized(self, 'title')}"

    def get_absolute_url(self) -> str:
        return reverse("admin:commitments_commitment_change", args=[self.pk])

    @property
    def sides_agree(self) -> bool:
        return self.india_status == self.japan_status

    def side_status(self, side: str) -> str:
        return getattr(self, f"{side}_status")

    def side_status_update(self, side: str):
        """The side's latest status update (`india_report`, `japan_report`), or None."""
        return getattr(self, f"{side}_report")

    def side_responsible(self, side: str):
        return getattr(self, f"responsible_{side}")

    @property
    def responsible(self):
        """Deprecated, for one release: the lead side's responsible user; on a joint
        commitment India's, else Japan's. Each side has its own (`responsible_india`,
        `responsible_japan`)."""
        if self.lead_side in Side.values:
            return self.side_responsible(self.lead_side)
        return self.responsible_india or self.responsible_japan

    def clean(self) -> None:
        super().clean()
        if self.clause_part and self.clause_part not in (self.source_clause or ""):
            raise ValidationError(
                {"clause_part": _("The clause's own words must be words of the source clause.")}
            )
        if self.pillar_id and self.code and not self.code.startswith(f"{self.pillar.code_prefix}-"):
            raise ValidationError(
                {
                    "code": _("A %(pillar)s code starts with %(prefix)s-.")
                    % {"pillar": self.pillar, "prefix": self.pillar.code_prefix}
                }
            )


class Milestone(Markable, Versioned):
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("title"), max_length=255)
    due_date = models.DateField(_("due date"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Its share of the commitment's progress, relative to the other milestones."),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    marking = marking_field(_("Who may read the milestone: its title, dates and owner."))
    side = models.CharField(
        _("side"),
        max_length=10,
        choices=Side.choices,
        help_text=_("The government whose user added it, which alone may change it."),
    )

    marking_governs = None
    marking_kind = "milestone"
    marking_pillar = "commitment.pillar_id"
    marking_related = ("commitment",)
    objects = MarkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["due_date"],
                condition=Q(completed_on__isnull=True),
                name="milestone_open_due_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100),
                name="milestone_weight_1_100",
                violation_error_message=_("The weight must be between 1 and 100."),
            ),
            marking_constraint("milestone"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="milestone_side_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        start = self.commitment.start_date if self.commitment_id else None
        if start and self.due_date and self.due_date < start:
            raise ValidationError(
                {
                    "due_date": _(
                        "The due date cannot be before the commitment's start (%(start)s)."
                    )
                    % {"start": start.isoformat()}
                }
            )

    def state_on(self, today: datetime.date) -> str:
        """Return the milestone's state as seen on `today`."""
        if self.completed_on:
            return MilestoneState.DONE
        if self.due_date < today:
            return MilestoneState.OVERDUE
        if (self.due_date - today).days <= settings.TRACKER_DUE_SOON_DAYS:
            return MilestoneState.DUE_SOON
        return MilestoneState.UPCOMING

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @staticmethod
    def state_condition(state: str, today: datetime.date) -> Q:
        """Return the filter selecting milestones in `state` on `today` (as `state_on` says)."""
        soon = today + datetime.timedelta(days=settings.TRACKER_DUE_SOON_DAYS)
        open_ = Q(completed_on__isnull=True)
        return {
            MilestoneState.DONE: ~open_,
            MilestoneState.OVERDUE: open_ & Q(due_date__lt=today),
            MilestoneState.DUE_SOON: open_ & Q(due_date__gte=today, due_date__lte=soon),
            MilestoneState.UPCOMING: open_ & Q(due_date__gt=soon),
        }[state]


class CommitmentContext(Markable, Versioned):
    """One government's own context of a commitment: background its analysts add, apart from
    the declaration's words and from the tracker's note (`Commitment.context`, from the data
    file). Each side has at most one per commitment, which only that side's users write and
    re-mark; marked national-only, the other government never learns it exists."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="contexts",
    )
    side = models.CharField(
        _("side"),
        max_length=10,
        choices=Side.choices,
        help_text=_("The government whose context it is, which alone may change it."),
    )
    text = models.TextField(_("text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marking = marking_field(_("Who may read this side's context."))

    marking_governs = None
    marking_kind = "context"
    marking_pillar = "commitment.pillar_id"
    marking_related = ("commitment",)
    objects = MarkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("side's context")
        verbose_name_plural = _("sides' contexts")
        ordering = ["commitment_id", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "side"], name="commitmentcontext_one_per_side"
            ),
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="commitmentcontext_side_valid"
            ),
            marking_constraint("commitmentcontext"),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="commitmentcontext_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("%(side)s's context of %(code)s") % {
            "side": Side(self.side).label,
            "code": self.commitment.code if self.commitment_id else "",
        }
