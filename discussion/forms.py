"""The comment form, with the markings its writer may give on this item."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from access import permissions, visibility

from . import comment_selectors, targets
from .comment_services import MAX_LENGTH, replies_allow


def markings_for(item, user) -> list[tuple[str, str]]:
    """The markings `user` may give a new comment on `item`."""
    return [
        (value, label)
        for value, label in visibility.markings_offered(user, None, user.side)
        if targets.within(item, value)
    ]


def markings_for_edit(comment, user, item, parent=None) -> list[tuple[str, str]]:
    """The markings `user` (its author) may give `comment` now, as `comment_update` will take
    them: its own, narrower ones, and wider ones for a manager of its side only; never wider
    than `item` it is on, nor, for a reply, than the comment it answers (`parent`); not a
    national one while the other side has replied to it."""
    return [
        (value, label)
        for value, label in visibility.markings_offered(user, comment.marking, comment.side)
        if targets.within(item, value)
        and (parent is None or targets.narrower_or_same(value, parent.marking))
        # Replies have none of their own (one level deep): no need to ask.
        and (value == comment.marking or parent is not None or replies_allow(comment, value))
    ]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "comment_body_hint"}),
    )
    marking = forms.ChoiceField(label=_("Marking"))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, item, user, editing=None, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")  # unique beside the page's other forms
        super().__init__(*args, **kwargs)
        if editing is None:
            choices = markings_for(item, user)
        else:
            choices = markings_for_edit(editing, user, item, editing.parent)
        self.fields["marking"].choices = choices
        self.fields["marking"].initial = targets.default_marking(item)

    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            name = field if field in self.fields else NON_FIELD_ERRORS
            for message in messages:
                self.add_error(None if name == NON_FIELD_ERRORS else name, message)


def thread_context(item, user, form=None, editing=None) -> dict:
    """What the thread's template needs: the comments, and a form if the user may comment.
    Each of the user's own comments gets the markings they may give it (`marking_choices`),
    and the one they were `editing` its bound form (`edit_form`), shown beside it with its
    errors; `form` without `editing` is the new comment's form."""
    may_comment = permissions.can_discuss(user)
    comments = comment_selectors.thread(item, user)
    beside = False  # the edit's form shown beside its comment
    if may_comment:
        for comment in comments:
            for own, parent in [(comment, None)] + [(r, comment) for r in comment.shown_replies]:
                if own.created_by_id != user.pk or own.deleted_at is not None:
                    continue
                own.marking_choices = markings_for_edit(own, user, item, parent)
                if editing is not None and own.pk == editing.pk:
                    own.edit_form, beside = form, True
    # Else (no form, or the comment edited is gone since) the form below shows any errors.
    if form is None or beside:
        form = CommentForm(item=item, user=user) if may_comment else None
    return {
        "item": item,
        "item_kind": targets.target_kind(item),
        "item_ref": targets.ref_of(item),
        "comments": comments,
        "may_comment": may_comment,
        "form": form,
        "viewer": user,
    }
