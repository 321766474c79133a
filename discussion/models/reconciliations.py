"""Reconciliations: when the two sides disagree about a commitment, a place to settle it.

The tracker opens one by itself when a joint commitment's sides report different statuses, or
when a change of its shared terms awaits the other side's answer; it has a thread of its own
(comments and attachments on it), a due date (`TRACKER_RECONCILIATION_DAYS` after it opened,
moved by either side's manager), and reminders to both sides as the date nears and passes. It
closes itself once the sides agree and no change of terms is pending, saying how each question
was settled (`settled`). At most one is open per commitment.

It is the two governments' business: marked bilateral, so the gate shows it to both sides'
users and to nobody else (the public, the operator).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.choices import Marking
from access.markings import Markable, MarkedQuerySet, marking_constraint, marking_field
from declaration_tracker.core.models import Versioned


class ReconciliationQuerySet(MarkedQuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class Reconciliation(Markable, Versioned):
    """The two sides' difference over one commitment, from when it opened to how it closed."""

    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="reconciliations",
    )
    about_status = models.BooleanField(
        _("statuses differ"),
        default=False,
        help_text=_("The sides report different statuses of this joint commitment."),
    )
    about_terms = models.BooleanField(
        _("terms pending"),
        default=False,
        help_text=_("A change of the shared terms awaits the other side's answer."),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_on = models.DateField(_("due"), help_text=_("The date by which the sides settle it."))
    due_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("due date set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The manager who moved the due date; empty while it is the default."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    settled = models.JSONField(
        _("how it was settled"),
        default=list,
        blank=True,
        help_text=_(
            "Each question settled, in order: what (status, terms), how, when and by whose action."
        ),
    )
    marking = marking_field(_("Who may read the reconciliation: the two governments."))

    marking_governs = None
    marking_kind = "reconciliation"
    marking_pillar = "commitment.pillar_id"
    marking_related = ("commitment",)
    marking_changed_here = False  # always bilateral

    objects = ReconciliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(closed_at__isnull=True), name="reconciliation_open"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment"],
                condition=Q(closed_at__isnull=True),
                name="reconciliation_one_open",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, about_status=True)
                | Q(closed_at__isnull=True, about_terms=True)
                | Q(closed_at__isnull=False, about_status=False, about_terms=False),
                name="reconciliation_open_while_apart",
            ),
            marking_constraint("reconciliation"),
            models.CheckConstraint(
                condition=Q(marking=Marking.BILATERAL), name="reconciliation_bilateral"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reconciliation of %(code)s") % {"code": self.commitment.code})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_on < today
