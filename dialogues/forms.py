"""Browser forms for meetings and action items. They check the input's shape; the services
decide and write (permissions, versions, model rules)."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commitments.forms import MarkingField, offer_markings
from declaration_tracker.core.forms import VersionField
from declaration_tracker.core.i18n import localized

from .choices import ActionItemState, Cadence, MeetingState

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects the view has already loaded, so that drawing the same choices in
    many forms of a page costs no query; cleans to the object, or None when left empty."""

    def __init__(self, *, objects: Iterable[Any] = (), describe=str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.set_objects(objects, describe)

    def set_objects(self, objects: Iterable[Any], describe=str) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [("", "—"), *((pk, describe(obj)) for pk, obj in self.objects.items())]

    def to_python(self, value):
        return "" if value in self.empty_values else str(value)

    def clean(self, value):
        value = super().clean(value)
        return self.objects.get(value) if value else None


def describe_user(user) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


def describe_commitment(commitment) -> str:
    return f"{commitment.code} {localized(commitment, 'title')}"


class CadenceForm(forms.Form):
    cadence = forms.ChoiceField(label=_("Agreed cadence"), choices=Cadence.choices)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=MeetingState.choices, initial=MeetingState.PLANNED
    )
    outcome_summary = forms.CharField(
        label=_("Outcome summary"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was agreed, once the meeting is held."),
    )
    marking = MarkingField(
        governs=_("Who may read the outcome summary (the meeting itself is bilateral).")
    )

    FIELDS = ("date", "place", "state", "outcome_summary", "marking")

    def __init__(self, *args, user=None, current_marking: str | None = None, origin=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_markings(self, user, current_marking, origin)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class MeetingEditForm(MeetingForm):
    version = VersionField()


class ActionItemForm(forms.Form):
    """A new action item; ActionItemEditForm adds its state and the version."""

    title = forms.CharField(label=_("Action item"), max_length=255)
    owner = ObjectChoiceField(label=_("Owner"))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE_WIDGET)
    commitment = ObjectChoiceField(
        label=_("Linked commitment"), help_text=_("The commitment this action item serves.")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    marking = MarkingField(governs=_("Who may read the action item."))

    FIELDS = ("title", "owner", "due_date", "commitment", "description", "marking")

    def __init__(
        self,
        *args,
        users: Iterable[Any] = (),
        commitments: Iterable[Any] = (),
        user=None,
        current_marking: str | None = None,
        origin: str | None = None,
        **kw,
    ):
        super().__init__(*args, **kw)
        self.fields["owner"].set_objects(users, describe_user)
        self.fields["commitment"].set_objects(commitments, describe_commitment)
        offer_markings(self, user, current_marking, origin)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


def _check_completion(form: forms.Form, cleaned: dict[str, Any]) -> None:
    state, completed_on = cleaned.get("state"), cleaned.get("completed_on")
    if completed_on and state and state != ActionItemState.DONE:
        form.add_error(
            "completed_on", _("Only a done action item has a completion date: clear it.")
        )


class ActionItemEditForm(ActionItemForm):
    state = forms.ChoiceField(label=_("State"), choices=ActionItemState.choices)
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For a done item; left empty, today."),
    )
    version = VersionField()

    FIELDS = (*ActionItemForm.FIELDS, "state", "completed_on")

    def clean(self):
        cleaned = super().clean()
        _check_completion(self, cleaned)
        return cleaned


class ActionItemStateForm(forms.Form):
    """Close (or reopen) an action item from the meeting page: its state only."""

    part = forms.CharField(widget=forms.HiddenInput, initial="state")
    state = forms.ChoiceField(label=_("State"), choices=ActionItemState.choices)
    version = VersionField()

    FIELDS = ("state",)

    def changes(self) -> dict[str, Any]:
        return {"state": self.cleaned_data["state"]}
