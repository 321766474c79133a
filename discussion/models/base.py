"""What is said and attached on an item of the record: what comments and attachments share.

Each is written on one item — a commitment, a milestone, a meeting or an action item — by a
user of one side (`side`: theirs, which alone changes it), under a release marking of its own
that the one gate applies as to every markable row (`access.markings`).

A comment or attachment is never read more widely than the item it is on: on a wholly marked
item (a milestone, an action item) its marking is at most as wide as the item's, checked when
it is written, and narrowed with the item when the item is re-marked narrower
(`access.markings.copies_follow`, by `marking_follows`). So its own marking is all the gate
needs to ask, and a new read path cannot show a comment on an item its reader cannot see.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from access.choices import Side
from access.markings import Markable
from declaration_tracker.core.models import Versioned

# The kinds of item a comment or an attachment is on, by the name the API gives each.
TARGETS = ("commitment", "milestone", "meeting", "action_item", "reconciliation")


class OnItem(Markable, Versioned):
    """Written on exactly one item of the record, by a user of one side."""

    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    milestone = models.ForeignKey(
        "commitments.Milestone", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "dialogues.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action_item = models.ForeignKey(
        "dialogues.ActionItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A reconciliation's own thread: the two sides settling a difference.
    reconciliation = models.ForeignKey(
        "discussion.Reconciliation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    side = models.CharField(
        _("side"),
        max_length=10,
        choices=Side.choices,
        help_text=_("The government of who wrote it, which alone may change it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    marking_governs = None  # the whole row
    marking_pillar = "target_pillar_id"
    marking_related = (
        "commitment",
        "milestone__commitment",
        "meeting__mechanism",
        "reconciliation__commitment",
    )
    # Re-marked narrower with the wholly marked item it is on (`copies_follow`).
    marking_follows = ("milestone", "action_item")
    # Re-marked through its own PATCH (its author's), not the generic /markings/ endpoint.
    marking_changed_here = False

    class Meta:
        abstract = True

    @staticmethod
    def one_target(table: str) -> models.CheckConstraint:
        exactly_one = Q(pk__in=[])
        for chosen in TARGETS:
            exactly_one |= Q(**{f"{chosen}__isnull": False}) & Q(
                *[Q(**{f"{other}__isnull": True}) for other in TARGETS if other != chosen]
            )
        return models.CheckConstraint(condition=exactly_one, name=f"{table}_one_target")

    @property
    def target_kind(self) -> str:
        return next(kind for kind in TARGETS if getattr(self, f"{kind}_id") is not None)

    @property
    def target(self):
        return getattr(self, self.target_kind)

    @property
    def target_pillar_id(self) -> int:
        target = self.target
        if self.target_kind == "commitment":
            return target.pillar_id
        if self.target_kind == "milestone":
            return target.commitment.pillar_id
        if self.target_kind == "meeting":
            return target.mechanism.pillar_id
        if self.target_kind == "reconciliation":
            return target.commitment.pillar_id
        return target.meeting.mechanism.pillar_id
