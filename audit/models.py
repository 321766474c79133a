"""The audit log: every change to the audited models, append-only."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.markings import marking_field
from declaration_tracker.core.models import AppendOnly, AppendOnlyQuerySet


class AuditEventQuerySet(AppendOnlyQuerySet):
    what = "The audit log"


class AuditEvent(AppendOnly):
    """One recorded change: who changed which object, when, and each field from what to what.

    Written by `audit.recording` on every save and delete of the audited models and every
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
    marking = marking_field(
        _(
            "The object's current marking (it follows the object's re-markings): readers "
            "outside it see the event as restricted, without the marked values."
        )
    )

    what = "The audit log"
    mutable_fields = ("marking",)
    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "commitments_auditevent"
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="auditevent_at"),
            models.Index(fields=["content_type", "object_id"], name="auditevent_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
