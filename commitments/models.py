import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    DEFAULT_TIME_ZONES,
    DigestState,
    LeadSide,
    MilestoneState,
    OrganisationKind,
    Priority,
    ReminderKind,
    Side,
    Status,
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Versioned(models.Model):
    """A row users edit: a version every write checks and moves on, and its timestamps."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Declaration(models.Model):
    title = models.CharField(_("title"), max_length=255)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120)
    occasion = models.CharField(_("occasion"), max_length=255)
    text = models.TextField(_("full text"))

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(fields=["title", "date"], name="declaration_unique_title_date")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %B %Y})"

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]


class Pillar(models.Model):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    code_prefix = models.CharField(
        _("code prefix"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Three capital letters, e.g. MAR."))],
    )
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=255)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["side", "name"]
        constraints = [
            models.UniqueConstraint(fields=["side", "name"], name="organisation_unique_side_name"),
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="organisation_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        if self.acronym:
            return f"{self.acronym} ({self.get_side_display()})"
        return f"{self.name} ({self.get_side_display()})"


class User(AbstractUser):
    """A person using the tracker: a side, an organisation, a time zone, assigned pillars."""

    side = models.CharField(_("side"), max_length=10, choices=Side.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Left blank, Asia/Kolkata for India and Asia/Tokyo for Japan."),
    )
    pillars = models.ManyToManyField(
        Pillar,
        verbose_name=_("assigned pillars"),
        blank=True,
        related_name="assigned_users",
        help_text=_("Analysts edit commitments in these pillars; managers oversee them."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.organisation_id and self.side and self.organisation.side != self.side:
            raise ValidationError(
                {"organisation": _("The organisation belongs to the other side.")}
            )

    def save(self, *args, **kwargs) -> None:
        if not self.side and self.organisation_id:
            self.side = self.organisation.side
        if not self.time_zone:
            self.time_zone = DEFAULT_TIME_ZONES.get(self.side, DEFAULT_TIME_ZONES[Side.INDIA])
        super().save(*args, **kwargs)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or DEFAULT_TIME_ZONES[Side.INDIA])


class Commitment(Versioned):
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
    description = models.TextField(_("description"), blank=True)
    source_clause = models.TextField(
        _("source clause"), help_text=_("The declaration's words, verbatim.")
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
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
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

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["pillar", "status"], name="commitment_pillar_status"),
            models.Index(fields=["status"], name="commitment_status"),
            models.Index(fields=["target_date"], name="commitment_target_date"),
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
                condition=Q(priority__in=Priority.values), name="commitment_priority_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="commitment_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:commitments_commitment_change", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.pillar_id and self.code and not self.code.startswith(f"{self.pillar.code_prefix}-"):
            raise ValidationError(
                {
                    "code": _("A %(pillar)s code starts with %(prefix)s-.")
                    % {"pillar": self.pillar, "prefix": self.pillar.code_prefix}
                }
            )


class Milestone(Versioned):
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


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletions; the database's trigger refuses the rest."""

    what = "This table"

    def update(self, **kwargs):
        raise TypeError(f"{self.what} is append-only: updates are refused.")

    def delete(self):
        raise TypeError(f"{self.what} is append-only: deletions are refused.")


class StatusUpdateQuerySet(AppendOnlyQuerySet):
    what = "The status trail"


class AppendOnly(models.Model):
    """A row written once: saving it again or deleting it is refused (and, in the database,
    by the trigger `append_only` adds)."""

    what = "This table"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError(f"{self.what} is append-only: an entry cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self.what} is append-only: an entry cannot be deleted.")


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


def calendar_feed_key_new() -> str:
    """Return a fresh, unguessable key for a calendar feed URL."""
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a user's calendar feed URL; delete the row or rotate the key to revoke it.

    Calendar applications cannot send headers, so the key travels in the URL and reads the
    feed only: it is not an API token.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
    )
    key = models.CharField(_("key"), max_length=64, unique=True, default=calendar_feed_key_new)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.user)


class ReminderPreference(models.Model):
    """A user's choices about reminders: kinds they opted out of, and their own lead days."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    muted_kinds = models.JSONField(
        _("kinds not wanted"), default=list, blank=True, help_text=_("Reminder kinds to skip.")
    )
    lead_days = models.JSONField(
        _("days before a due date"),
        default=list,
        blank=True,
        help_text=_("When to be reminded before a due date; empty for the tracker's default."),
    )
    email = models.BooleanField(_("send e-mail digests"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user}"


class Digest(models.Model):
    """One recipient's reminders for one day of theirs: at most one e-mail a day."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField(_("day"), help_text=_("The recipient's local date."))
    state = models.CharField(
        _("state"), max_length=10, choices=DigestState.choices, default=DigestState.PENDING
    )
    enqueued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        ordering = ["-day", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_one_per_day"),
            models.CheckConstraint(
                condition=Q(state__in=DigestState.values), name="digest_state_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["enqueued_at"],
                condition=Q(state="pending"),
                name="digest_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.day}"


class Reminder(models.Model):
    """The reminder log: one row claims one reminder, so it is sent once and only once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    item_key = models.CharField(
        _("item"), max_length=60, help_text=_("What it is about, e.g. milestone:12.")
    )
    title = models.CharField(_("title"), max_length=400)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    path = models.CharField(_("page"), max_length=200, help_text=_("Its page in the tracker."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-day", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "item_key", "kind", "day"], name="reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "-day"], name="reminder_recipient_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class AuditEventQuerySet(AppendOnlyQuerySet):
    what = "The audit log"


class AuditEvent(AppendOnly):
    """One recorded change: who changed which object, when, and each field from what to what.

    Written by `commitments.audit` on every save and delete of the audited models and every
    change of their many-to-many fields; refused any update or deletion by the ORM and, in the
    database, by a trigger.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the system: a command, a scheduled task, a data load."),
    )
    origin = models.CharField(
        _("through"), max_length=300, blank=True, help_text=_("The request, e.g. PATCH /api/…")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    commitment_code = models.CharField(
        _("commitment"),
        max_length=12,
        blank=True,
        db_index=True,
        help_text=_("The commitment the object belongs to, if any: its page lists the events."),
    )
    changes = models.JSONField(
        _("changes"), encoder=DjangoJSONEncoder, help_text=_("{field: [before, after]}")
    )

    what = "The audit log"
    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="auditevent_at"),
            models.Index(fields=["content_type", "object_id"], name="auditevent_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
