"""Comments: a thread on each item of the record, replies one level deep."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from access.choices import Side
from access.markings import MarkedQuerySet, marking_constraint, marking_field

from .base import OnItem


class CommentQuerySet(MarkedQuerySet):
    pass


class Comment(OnItem):
    """A comment in an item's thread, or a reply to one (one level deep)."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    body = models.TextField(
        _("comment"),
        max_length=10000,
        help_text=_("Plain text; simple Markdown (emphasis, lists, links) is shown formatted."),
    )
    marking = marking_field(_("Who may read the comment."))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(
        _("deleted"),
        null=True,
        blank=True,
        help_text=_("Deleted by its author: the thread keeps its place, without its text."),
    )

    marking_kind = "comment"
    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["commitment", "created_at"], name="comment_commitment"),
            models.Index(fields=["milestone", "created_at"], name="comment_milestone"),
            models.Index(fields=["meeting", "created_at"], name="comment_meeting"),
            models.Index(fields=["action_item", "created_at"], name="comment_action_item"),
            models.Index(fields=["reconciliation", "created_at"], name="comment_reconciliation"),
        ]
        constraints = [
            OnItem.one_target("comment"),
            marking_constraint("comment"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="comment_side_valid"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="comment_not_its_own_reply"
            ),
        ]

    def __str__(self) -> str:
        if self.deleted_at:
            return str(_("(deleted comment)"))
        return self.body[:80]
