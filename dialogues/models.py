import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from access.choices import Side
from access.markings import Markable, MarkedQuerySet, marking_constraint, marking_field
from commitments.models import Commitment, Declaration, Organisation, Pillar
from declaration_tracker.core.i18n import localized
from declaration_tracker.core.models import FromDataFile, Versioned

from .choices import CADENCE_MONTHS, ActionItemState, Cadence, MeetingState


def next_due(cadence: str, since: datetime.date) -> datetime.date | None:
    """Return the date by which a meeting is due `since` the last one, or None without cadence."""
    months = CADENCE_MONTHS[cadence]
    if months is None:
        return None
    try:
        return since + relativedelta(months=months)
    except (ValueError, OverflowError):  # past the end of the calendar: never due
        return datetime.date.max


def lapsed_before(cadence: str, today: datetime.date) -> datetime.date | None:
    """The first date whose meeting would still be in time today: earlier ones have lapsed.

    `next_due(cadence, since) < today` holds exactly for `since` before this date (adding months
    never goes backwards), so the overdue test can run in SQL on any database.
    """
    if CADENCE_MONTHS[cadence] is None:
        return None
    start = today - relativedelta(months=CADENCE_MONTHS[cadence]) - datetime.timedelta(days=4)
    while next_due(cadence, start) < today:
        start += datetime.timedelta(days=1)
    return start


def overdue_condition(today: datetime.date, since: str = "since") -> Q:
    """Established mechanisms whose cadence lapsed; `since` names the last-held-or-start date."""
    lapsed = Q(pk__in=[])
    for cadence in Cadence.values:
        cutoff = lapsed_before(cadence, today)
        if cutoff is not None:
            lapsed |= Q(cadence=cadence, **{f"{since}__lt": cutoff})
    return Q(established=True) & lapsed


class DialogueMechanism(FromDataFile):
    """A follow-through mechanism the declaration names, such as the annual NSA consultations."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="dialogue_mechanisms"
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_ja = models.CharField(
        _("name in Japanese"),
        max_length=200,
        blank=True,
        help_text=_("The tracker's unofficial Japanese translation; empty: the English is shown."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the declaration says of it.")
    )
    description_ja = models.TextField(
        _("description in Japanese"),
        blank=True,
        help_text=_("The tracker's unofficial Japanese translation; empty: the English is shown."),
    )
    cadence = models.CharField(
        _("cadence"),
        max_length=20,
        choices=Cadence.choices,
        default=Cadence.UNSPECIFIED,
        help_text=_(
            "How often it meets: as the declaration states it, or as both sides agree. Not "
            "stated: never reported overdue."
        ),
    )
    pillar = models.ForeignKey(
        Pillar, verbose_name=_("pillar"), on_delete=models.PROTECT, related_name="mechanisms"
    )
    reinforced_by = models.ForeignKey(
        Commitment,
        verbose_name=_("reinforced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mechanisms_reinforced",
        help_text=_(
            "The declaration's commitment to reinforce this mechanism (from the data file)."
        ),
    )
    lead_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("lead organisations"), blank=True, related_name="mechanisms"
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead users"),
        blank=True,
        related_name="led_mechanisms",
        help_text=_("Reminded when the cadence lapses with no meeting planned."),
    )
    established = models.BooleanField(
        _("established"),
        default=True,
        help_text=_("Unticked for a mechanism the declaration only says will be explored."),
    )
    source_clause = models.TextField(_("source clause"))
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("dialogue mechanism")
        verbose_name_plural = _("dialogue mechanisms")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="mechanism_cadence_valid"
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "name")

    def next_due(self, last_held: datetime.date | None) -> datetime.date | None:
        """Return the date by which the next meeting is due: None for a mechanism without a
        cadence, or one the declaration only says will be explored (not established).

        The one rule for the pages, the API and the reminders; `overdue_condition` is its
        twin in SQL for the dashboard."""
        if not self.established:
            return None
        return next_due(self.cadence, last_held or self.declaration.date)

    def is_overdue(self, last_held: datetime.date | None, today: datetime.date) -> bool:
        """Say whether the cadence has lapsed since the last meeting held (or the declaration)."""
        due = self.next_due(last_held)
        return due is not None and due < today


class Meeting(Markable, Versioned):
    mechanism = models.ForeignKey(
        DialogueMechanism,
        verbose_name=_("mechanism"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    outcome_summary = models.TextField(_("outcome summary"), blank=True)
    marking = marking_field(
        _("Who may read the outcome summary; the meeting itself (date, place, state) is bilateral.")
    )
    side = models.CharField(
        _("side"),
        max_length=10,
        choices=Side.choices,
        help_text=_("The government whose user recorded it, which alone may change it."),
    )

    marking_governs = ("outcome_summary",)
    marking_kind = "meeting"
    marking_pillar = "mechanism.pillar_id"
    marking_related = ("mechanism",)
    objects = MarkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["mechanism", "state", "date"], name="meeting_mech_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=MeetingState.values), name="meeting_state_valid"
            ),
            marking_constraint("meeting"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="meeting_side_valid"),
        ]

    def __str__(self) -> str:
        # The date in the active language's format (the audit log records it in English).
        return f"{self.mechanism} — {formats.date_format(self.date, 'DATE_FORMAT')}"


class ActionItem(Markable, Versioned):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="action_items"
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ActionItemState.choices, default=ActionItemState.OPEN
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    marking = marking_field(_("Who may read the action item."))
    side = models.CharField(
        _("side"),
        max_length=10,
        choices=Side.choices,
        help_text=_("The government whose user added it, which alone may change it."),
    )

    marking_governs = None
    marking_kind = "action_item"
    marking_pillar = "meeting.mechanism.pillar_id"
    marking_related = ("meeting__mechanism",)
    objects = MarkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ActionItemState.values), name="actionitem_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=ActionItemState.DONE, completed_on__isnull=False)
                | (~Q(state=ActionItemState.DONE) & Q(completed_on__isnull=True)),
                name="actionitem_done_has_date",
                violation_error_message=_("A done action item has a completion date; others none."),
            ),
            marking_constraint("actionitem"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="actionitem_side_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date) -> bool:
        """Say whether it is still open past its due date on `today`."""
        return bool(self.state == ActionItemState.OPEN and self.due_date and self.due_date < today)
