"""Reading comments: an item's thread as its reader may read it."""

from . import targets
from .models import Comment


def comment_list(reader):
    """Every comment `reader` may read (the gate: its own marking, never wider than its item)."""
    return (
        Comment.objects.visible_to(reader)
        .select_related("created_by", "commitment")
        .order_by("created_at", "id")
    )


def thread(item, reader) -> list[Comment]:
    """`item`'s comments `reader` may read, oldest first, each with `.shown_replies`: its
    replies the reader may read. A reply whose comment they may not read is not shown."""
    comments = list(comment_list(reader).filter(**targets.on(item)))
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    top = [comment for comment in comments if comment.parent_id is None]
    for comment in top:
        comment.shown_replies = replies.get(comment.pk, [])
    return top
