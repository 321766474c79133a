from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadence(models.TextChoices):
    UNSPECIFIED = "unspecified", _("Not stated")
    ANNUAL = "annual", _("Annual")
    SEMIANNUAL = "semiannual", _("Twice a year")
    QUARTERLY = "quarterly", _("Quarterly")
    AD_HOC = "ad_hoc", _("As needed")


# Months between meetings; None for a mechanism that is never overdue: no cadence stated or
# agreed yet, or one that meets as needed.
CADENCE_MONTHS = {
    Cadence.UNSPECIFIED: None,
    Cadence.ANNUAL: 12,
    Cadence.SEMIANNUAL: 6,
    Cadence.QUARTERLY: 3,
    Cadence.AD_HOC: None,
}


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class ActionItemState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")
