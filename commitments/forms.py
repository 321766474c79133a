"""Browser forms. They check input shape; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from declaration_tracker.core.forms import VersionField

from .choices import Status
from .models import Milestone
from .selectors import owner_candidates


class StatusUpdateForm(forms.Form):
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

    def __init__(self, *args, has_milestones: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_milestones:
            del self.fields["progress"]


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
