"""Organisations of either side and the people who use the tracker."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from access.choices import Side
from declaration_tracker.core.i18n import localized

from ..choices import DEFAULT_TIME_ZONES, OrganisationKind, OrganisationSide
from .declaration import Pillar


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(
        _("name in Japanese"),
        max_length=200,
        blank=True,
        help_text=_("The tracker's unofficial Japanese translation; empty: the English is shown."),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    side = models.CharField(_("side"), max_length=10, choices=OrganisationSide.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    inferred = models.BooleanField(
        _("inferred by the tracker"),
        default=False,
        help_text=_("Ticked for a body the declaration does not name: the tracker's inference."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["side", "name"]
        constraints = [
            models.UniqueConstraint(fields=["side", "name"], name="organisation_unique_side_name"),
            models.CheckConstraint(
                condition=Q(side__in=OrganisationSide.values), name="organisation_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        name = self.acronym or localized(self, "name")
        # 「MoD（インド）」 in Japanese: the parentheses are the language's own.
        return gettext("%(name)s (%(side)s)") % {"name": name, "side": self.get_side_display()}


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
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The tracker's language for this user; blank: their browser's."),
    )
    pillars = models.ManyToManyField(
        Pillar,
        verbose_name=_("assigned pillars"),
        blank=True,
        related_name="assigned_users",
        help_text=_("Analysts edit commitments in these pillars; managers oversee them."),
    )

    # Moved on when the user is deactivated (`access.apps`): every session signed in before
    # ends for good, reactivated or not.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # The operator (a superuser) runs the system for both governments and acts for
            # neither: no side, so no side's markings (`access.visibility.reader_markings`).
            models.CheckConstraint(
                condition=Q(is_superuser=False) | (Q(side="") & Q(organisation__isnull=True)),
                name="user_operator_of_no_side",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password, with the session epoch once it has moved (so the
        sessions of users never deactivated stay valid across this change)."""
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            f"{self.password}#{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def clean(self) -> None:
        super().clean()
        if self.organisation_id and self.organisation.side not in Side.values:
            raise ValidationError(
                {"organisation": _("A user works for one of the two governments' organisations.")}
            )
        if self.organisation_id and self.side and self.organisation.side != self.side:
            raise ValidationError(
                {"organisation": _("The organisation belongs to the other side.")}
            )

    def save(self, *args, **kwargs) -> None:
        if self.is_superuser:
            # The operator: of neither government (`createsuperuser`, the admin, the demo).
            self.side = ""
            self.organisation = None
        if not self.side and self.organisation_id and self.organisation.side in Side.values:
            self.side = self.organisation.side
        if not self.time_zone:
            self.time_zone = DEFAULT_TIME_ZONES.get(self.side, DEFAULT_TIME_ZONES[Side.INDIA])
        super().save(*args, **kwargs)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        """The user's time zone; India's if theirs is blank or unknown."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or DEFAULT_TIME_ZONES[Side.INDIA])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONES[Side.INDIA])
