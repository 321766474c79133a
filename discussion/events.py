"""The events the discussion services emit (`declaration_tracker.core.events`).

Their types (`EventType`) are webhook types beside those of commitments and dialogues
(`commitments.events`), each with the `change` it delivers: `{}` for a comment written
(`comment.created`: `data.parent` says whether it is a reply), `{"fields": [...]}` (sorted
field names: `body`, `marking`) for a comment its author edited, `{}` for a comment deleted
(`data` is its tombstone: `deleted` true, no body), and `{}` for a document attached. A comment
or an attachment is wholly marked, so it makes an event only for readers of its marking.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from declaration_tracker.core.events import Event


class EventType(models.TextChoices):
    COMMENT_CREATED = "comment.created", _("Comment written")
    COMMENT_CHANGED = "comment.changed", _("Comment edited")
    COMMENT_DELETED = "comment.deleted", _("Comment deleted")
    ATTACHMENT_ADDED = "attachment.added", _("Document attached")


def comment_created(comment, actor) -> Event:
    return Event(EventType.COMMENT_CREATED, comment, {}, actor)


def comment_changed(comment, fields: Iterable[str], actor) -> Event | None:
    """`comment.changed` for the `fields` that changed; None if none did."""
    fields = sorted(fields)
    return Event(EventType.COMMENT_CHANGED, comment, {"fields": fields}, actor) if fields else None


def comment_deleted(comment, actor) -> Event:
    return Event(EventType.COMMENT_DELETED, comment, {}, actor)


def attachment_added(attachment, actor) -> Event:
    return Event(EventType.ATTACHMENT_ADDED, attachment, {}, actor)
