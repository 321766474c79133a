"""Reading comments: an item's thread as its reader may read it."""

from django.db.models import Exists, OuterRef, Q

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


# Where a comment is on, from each kind of item searched: its own, and the items shown on its
# page (a commitment's milestones, a meeting's action items).
SEARCHED = {
    "commitments.Commitment": ("commitment", "milestone__commitment"),
    "commitments.Milestone": ("milestone",),
    "dialogues.Meeting": ("meeting", "action_item__meeting"),
    "dialogues.ActionItem": ("action_item",),
}


def comment_search_condition(model, word: str, reader) -> Q | None:
    """The rows of `model` with a comment holding `word` that `reader` may read (the gate: a
    national-only comment of the other side, or one on an item they cannot see, finds
    nothing); None for a kind of item comments are not on (`registry.search_sources`)."""
    paths = SEARCHED.get(model._meta.label)
    if paths is None:
        return None
    matching = Comment.objects.visible_to(reader).filter(
        body__icontains=word, deleted_at__isnull=True
    )
    return Q(
        *[Exists(matching.filter(**{path: OuterRef("pk")})) for path in paths], _connector=Q.OR
    )
