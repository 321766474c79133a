"""A change of a commitment's shared terms proposed by one side, awaiting the other's answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.choices import Side

from .commitments import Commitment

# The terms both governments hold jointly: one side proposes a change, the other confirms it.
SHARED_TERMS = ("lead_side", "start_date", "target_date", "priority")


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Awaiting the other side")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SharedTermChange(models.Model):
    """One side's proposal to change some of a commitment's shared terms (`SHARED_TERMS`).

    It takes effect when the other side confirms it; the other side may decline it, with a
    note, and the proposing side may withdraw it. Written only by `services.proposals`."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="term_changes",
    )
    fields = models.JSONField(
        _("proposed values"), help_text=_("Each shared term proposed, and its new value.")
    )
    before = models.JSONField(
        _("values before"), help_text=_("Each of those terms as it stood when proposed.")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by_side = models.CharField(_("proposing side"), max_length=10, choices=Side.choices)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ProposalState.choices,
        default=ProposalState.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("proposed change of shared terms")
        verbose_name_plural = _("proposed changes of shared terms")
        ordering = ["proposed_at", "id"]
        indexes = [
            models.Index(
                fields=["commitment"],
                condition=Q(state="pending"),
                name="termchange_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_by_side__in=Side.values), name="termchange_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ProposalState.values), name="termchange_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="termchange_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        terms = ", ".join(sorted(self.fields or {}))
        return f"{self.commitment.code}: {terms} ({self.get_proposed_by_side_display()})"

    @property
    def awaited_side(self) -> str:
        return Side.JAPAN if self.proposed_by_side == Side.INDIA else Side.INDIA
