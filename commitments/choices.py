from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.choices import Side

# The reminders' choices live in the notifications app (below this one); re-exported here so
# that `commitments.choices` still names them.
from notifications.choices import DigestState, ReminderKind  # noqa: F401


class OrganisationSide(models.TextChoices):
    """Whose a body is: one government's, or neither (a multilateral body, a framework)."""

    INDIA = "india", _("India")
    JAPAN = "japan", _("Japan")
    OTHER = "other", _("Neither side")


class LeadSide(models.TextChoices):
    INDIA = "india", _("India")
    JAPAN = "japan", _("Japan")
    JOINT = "joint", _("Joint")


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
    ARMED_SERVICE = "armed_service", _("Armed service")
    COAST_GUARD = "coast_guard", _("Coast guard")
    RND_BODY = "rnd_body", _("R&D body")
    INDUSTRY_BODY = "industry_body", _("Industry body")
    THINK_TANK = "think_tank", _("Think tank")
    MULTILATERAL_BODY = "multilateral_body", _("Multilateral body")
    FRAMEWORK = "framework", _("Framework")


class CommitmentStrength(models.TextChoices):
    """How strongly the declaration words an undertaking, in its own terms."""

    PLEDGED = "pledged", _("Pledged")
    COMMITTED = "committed", _("Committed")
    WILL = "will", _("Will")
    PLANS = "plans", _("Plans")
    INTENDS = "intends", _("Intends")
    EXPLORING = "exploring", _("Exploring")
    ENCOURAGES = "encourages", _("Encourages")
    REAFFIRMED = "reaffirmed", _("Reaffirmed")
    KEY_PRIORITY = "key_priority", _("Key priority")
    CALLS_FOR = "calls_for", _("Calls for")
    FEATURES = "features", _("Features")


# The fields whose value may be the tracker's inference where the text does not state it.
INFERABLE_COMMITMENT_FIELDS = (
    "lead_side",
    "lead_organisations",
    "priority",
    "start_date",
    "target_date",
)
INFERABLE_MECHANISM_FIELDS = ("lead_organisations", "cadence")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


# A move to one of these closes a commitment: on a commitment led by one side it stays
# proposed until the other side confirms it (two keys for closing).
CLOSING_STATUSES = (Status.COMPLETED, Status.DISCONTINUED)


class TrailKind(models.TextChoices):
    """What a status update records. The plain kind, a side giving its assessment, keeps the
    stored value "report"."""

    REPORT = "report", _("Assessment reported")
    CONFIRM = "confirm", _("Assessment confirmed")
    DECLINE = "decline", _("Confirmation declined")
    PROGRESS = "progress", _("Progress from milestones")
    SHARED = "shared", _("Before per-side reporting")
    TERMS = "terms", _("Shared terms")


# The kinds that set the assessment of the status update's side.
ASSESSMENT_KINDS = (TrailKind.REPORT, TrailKind.CONFIRM, TrailKind.DECLINE)


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class MilestoneState(models.TextChoices):
    """Derived from the due and completed dates; never stored."""

    UPCOMING = "upcoming", _("Upcoming")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")


DEFAULT_TIME_ZONES = {Side.INDIA: "Asia/Kolkata", Side.JAPAN: "Asia/Tokyo"}


class SourceKind(models.TextChoices):
    """What a document the tracker draws on is: the instrument's own words, or not."""

    OFFICIAL_TEXT = "official_text", _("Official text")
    OFFICIAL_TRANSLATION = "official_translation", _("Official translation")
    UNOFFICIAL_SUMMARY = "unofficial_summary", _("Unofficial summary")


class SourceLanguage(models.TextChoices):
    """A document's language (its own words, not the interface's: hence the context)."""

    EN = "en", pgettext_lazy("language of a document", "English")
    JA = "ja", pgettext_lazy("language of a document", "Japanese")
