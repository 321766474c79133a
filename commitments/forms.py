"""Browser forms. They check input shape; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from declaration_tracker.core.forms import VersionField

from .choices import Side, Status
from .models import Milestone
from .selectors import owner_candidates


class StatusUpdateForm(forms.Form):
    """One side's report. `sides` are those the user may report for: with one, it is implied."""

    side = forms.ChoiceField(label=_("Reporting for"), choices=Side.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Required: why the status is what it is."),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=500, assume_scheme="https"
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Only for a commitment without milestones."),
    )
    version = VersionField()

    def __init__(self, *args, has_milestones: bool = False, sides=(), **kwargs):
        super().__init__(*args, **kwargs)
        if has_milestones:
            del self.fields["progress"]
        side_field(self, sides)


class AssessmentConfirmForm(forms.Form):
    """The counterpart's one action: take the other side's status as its own, with a note."""

    side = forms.ChoiceField(label=_("Confirming for"), choices=Side.choices, required=False)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("Required: why your side agrees."),
    )
    version = VersionField()

    def __init__(self, *args, sides=(), **kwargs):
        # On the page beside the status form: ids of its own, the same field names.
        kwargs.setdefault("auto_id", "id_confirm_%s")
        super().__init__(*args, **kwargs)
        side_field(self, sides)


def side_field(form: forms.Form, sides) -> None:
    """Offer the sides the user may report for; a single one travels hidden. A forged other
    side is the service's to refuse (403), not a form error."""
    field = form.fields["side"]
    offered = [(value, label) for value, label in Side.choices if value in sides]
    if len(offered) == 1:
        field.widget = forms.HiddenInput()
        field.initial = offered[0][0]
    else:
        field.widget.choices = offered


class MilestoneForm(forms.ModelForm):
    version = VersionField(required=False)

    class Meta:
        model = Milestone
        fields = ["title", "due_date", "owner", "weight"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_candidates(keep=(self.instance.owner_id,)).order_by(
            "username"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def _post_clean(self):
        """Leave model validation to the service, which runs it inside its transaction."""
