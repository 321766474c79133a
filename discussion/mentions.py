"""Mentions: `@username` in a comment tells that user, if they may read the comment.

A mentioned user who may read the comment (its marking, and the item it is on) is told once
for each comment — in their next digest and on their Notifications page (`notifications`'
`mention` reminders) — when it is written, or when an edit mentions them anew or lets them
read it. Anyone else (the other government's users under a national comment, a user of no side
under a bilateral one, the author, a name nobody has) is told nothing, and the author learns
nothing either way: the comment shows every mention alike (`rendering`) and nothing says who
was told. A reminder shown later is checked again against the comment's marking as it stands
then (`comment_markings`, the notifications' registry), so a comment narrowed since is not
shown to a reader who lost it."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404

from access import permissions, visibility
from notifications.choices import ReminderKind
from notifications.messages import Detail
from notifications.services import reminder_notify

from . import targets
from .models import Comment
from .rendering import mentioned


def _title(item) -> str:
    """What the reminder names: the item the comment is on."""
    kind = targets.target_kind(item)
    if kind == "commitment":
        return f"{item.code}: {item.title}"
    if kind == "milestone":
        return f"{item.commitment.code}: {item.title}"
    if kind == "meeting":
        return f"{item.mechanism.name} — {item.date:%d %b %Y}"
    return item.title


def _may_read(user, comment: Comment, item) -> bool:
    if not permissions.can_read(user) or not visibility.may_read(user, comment.marking):
        return False
    try:
        targets.target_again(item, user)
    except Http404:
        return False
    return True


def mentions_notify(comment: Comment, actor) -> int:
    """Tell each user `comment` mentions who may read it, once; how many were told now."""
    names = mentioned(comment.body)
    if not names or comment.deleted_at is not None:
        return 0
    named = Q(pk__in=[])
    for name in names:
        named |= Q(username__iexact=name)
    users = get_user_model().objects.filter(named, is_active=True).exclude(pk=actor.pk)
    item = comment.target
    told = 0
    for user in users:
        if not _may_read(user, comment, item):
            continue
        reminder = reminder_notify(
            recipient=user,
            kind=ReminderKind.MENTION,
            item_key=f"comment:{comment.pk}",
            title=_title(item),
            detail=Detail("mention", {"author": actor.get_username()}),
            path=f"{targets.page_of(item)}#comment-{comment.pk}",
        )
        told += reminder is not None
    return told


def comment_markings(ids: list[int]) -> dict[int, str]:
    """The markings of the comments mention reminders name (`comment:<id>`), as they stand."""
    return dict(Comment.objects.filter(pk__in=ids).values_list("pk", "marking"))
