"""The release marking every markable row carries: one field and one constraint, alike."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import Marking


def marking_field(what) -> models.CharField:
    """A row's marking; `what` says what of the row it governs."""
    return models.CharField(
        _("marking"),
        max_length=12,
        choices=Marking.choices,
        default=Marking.BILATERAL,
        help_text=what,
    )


def marking_constraint(table: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(marking__in=Marking.values), name=f"{table}_marking_valid"
    )
