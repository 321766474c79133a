"""Writing comments: who may, under which marking, and the thread's shape. Each service checks
its own rules (it reads as the system, `acting_as`), and its changes are in the audit log: an
edit keeps the previous text there, under the comment's marking. Each says what it causes: its
webhook event (`events`), and the users its `@mentions` tell (`mentions`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions, visibility
from access.choices import MARKING_SIDE, Marking
from audit.recording import acting_as
from declaration_tracker.core.events import changed, emit, snapshot
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from . import events, mentions, targets
from .models import Comment

MAX_LENGTH = 10000


def require_discuss(actor) -> None:
    permissions.require_not_operator(actor)
    permissions.require(
        permissions.can_discuss(actor),
        _("Comments are written by the analysts and managers of India and Japan."),
    )


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the comment first.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": _("A comment is at most %(max)d characters.") % {"max": MAX_LENGTH}}
        )
    return body


def _within_parent(parent: Comment | None, marking: str) -> None:
    if parent is not None and not targets.narrower_or_same(marking, parent.marking):
        raise ValidationError(
            {
                "marking": _(
                    "A reply is read by no more people than the comment it answers: mark it "
                    "%(marking)s or narrower."
                )
                % {"marking": Marking(parent.marking).label}
            }
        )


@acting_as("actor")
def comment_create(
    *, target, actor, body: str, marking: str | None = None, parent: Comment | None = None
) -> Comment:
    """Add a comment to `target`'s thread (or a reply to `parent`, one level deep), written by
    `actor` for their side, marked bilateral unless they say otherwise (narrower where the item
    is: a comment is never released more widely than what it is on)."""
    require_discuss(actor)
    target = targets.target_again(target, actor)
    body = _body(body)
    marking = marking or targets.default_marking(target)
    visibility.marking_check(actor, marking, current=None, origin=actor.side)
    targets.marking_within_check(target, marking)
    if parent is not None:
        on_it = Comment.objects.filter(pk=parent.pk, **targets.on(target), parent__isnull=True)
        parent = on_it.visible_to(actor).first()
        if parent is None or parent.deleted_at is not None:
            raise ValidationError(
                {"parent": _("Reply to a comment of this thread that is still there.")}
            )
        _within_parent(parent, marking)
    with transaction.atomic():
        comment = Comment.objects.create(
            **targets.on(target),
            parent=parent,
            side=actor.side,
            created_by=actor,
            body=body,
            marking=marking,
        )
        emit(events.comment_created(comment, actor))
        mentions.mentions_notify(comment, actor)
    return comment


def require_author(comment: Comment, actor) -> None:
    require_discuss(actor)
    permissions.require(
        comment.created_by_id == actor.pk,
        _("Only its author changes or deletes a comment."),
    )


def replies_allow(comment: Comment, marking: str) -> bool:
    """Say whether `comment` may be marked `marking` with its replies, which are narrowed with
    it: not a national marking while a reply of the other side is under it (deleted or not: the
    audit log keeps its text), which would take that side's text from it, or give the other
    government a reply it marked national-only."""
    side = MARKING_SIDE.get(marking)
    return side is None or not comment.replies.exclude(side=side).exists()


@acting_as("actor")
def comment_update(
    *,
    comment: Comment,
    actor,
    expected_version: int | None,
    body: str | None = None,
    marking: str | None = None,
) -> Comment:
    """Edit a comment's text or marking (its author's); the previous text stays in the audit
    log. Narrowed, its replies wider than it are narrowed with it."""
    require_author(comment, actor)
    with transaction.atomic():
        current = lock_for_write(comment, expected_version)
        if current.deleted_at is not None:
            raise ValidationError({"body": _("This comment was deleted.")})
        before = snapshot(current, ["body", "marking"])
        if body is not None:
            current.body = _body(body)
        if marking is not None and marking != current.marking:
            visibility.marking_check(actor, marking, current=current.marking, origin=current.side)
            targets.marking_within_check(current.target, marking)
            _within_parent(current.parent, marking)
            if not replies_allow(current, marking):
                raise ValidationError(
                    {
                        "marking": _(
                            "The other side has replied to this comment, and replies follow "
                            "its marking: it cannot be made %(marking)s."
                        )
                        % {"marking": Marking(marking).label}
                    }
                )
            current.marking = marking
        current.edited_at = timezone.now()
        versioned_save(current)
        for reply in current.replies.exclude(marking=current.marking):
            if not targets.narrower_or_same(reply.marking, current.marking):
                reply.marking = current.marking
                reply.save(update_fields=["marking", "updated_at"])
        fields = changed(current, before)
        emit(events.comment_changed(current, fields, actor))
        if fields:  # a name mentioned anew, or a reader the marking now lets in
            mentions.mentions_notify(current, actor)
    return current


@acting_as("actor")
def comment_delete(*, comment: Comment, actor, expected_version: int | None) -> Comment:
    """Delete a comment (its author's): its place in the thread stays, without its text (the
    audit log keeps what it said, under its marking)."""
    require_author(comment, actor)
    with transaction.atomic():
        current = lock_for_write(comment, expected_version)
        if current.deleted_at is not None:
            return current
        current.body = ""
        current.deleted_at = timezone.now()
        current.version += 1
        current.save(update_fields=["body", "deleted_at", "updated_at", "version"])
        emit(events.comment_deleted(current, actor))
    return current
