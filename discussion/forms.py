"""The comment form, with the markings its writer may give on this item."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from access import permissions, visibility

from . import comment_selectors, targets
from .comment_services import MAX_LENGTH


def markings_for(item, user) -> list[tuple[str, str]]:
    """The markings `user` may give a new comment on `item`."""
    return [
        (value, label)
        for value, label in visibility.markings_offered(user, None, user.side)
        if targets.within(item, value)
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
        choices = markings_for(item, user)
        if editing is not None and editing.marking not in dict(choices):
            choices = [(editing.marking, dict(visibility.Marking.choices)[editing.marking])]
        self.fields["marking"].choices = choices
        self.fields["marking"].initial = targets.default_marking(item)

    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            name = field if field in self.fields else NON_FIELD_ERRORS
            for message in messages:
                self.add_error(None if name == NON_FIELD_ERRORS else name, message)


def thread_context(item, user, form=None) -> dict:
    """What the thread's template needs: the comments, and a form if the user may comment."""
    may_comment = permissions.can_discuss(user)
    return {
        "item": item,
        "item_kind": targets.target_kind(item),
        "item_ref": targets.ref_of(item),
        "comments": comment_selectors.thread(item, user),
        "may_comment": may_comment,
        "form": form
        if form is not None
        else (CommentForm(item=item, user=user) if may_comment else None),
        "viewer": user,
    }
