"""Browser forms. They check input shape; the services decide and write."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from access import visibility
from access.choices import Marking, Side
from declaration_tracker.core.forms import VersionField

from .choices import Status
from .models import Milestone
from .models.trail import is_local_path
from .selectors import owner_candidates


class MarkingField(forms.ChoiceField):
    """Who may read what a form writes; `offer_markings` narrows it to what the user may give."""

    def __init__(self, *, governs, **kwargs):
        kwargs.setdefault("label", _("Marking"))
        kwargs.setdefault("initial", Marking.BILATERAL)
        kwargs.setdefault(
            "help_text",
            format_lazy(
                "{} {}",
                governs,
                _(
                    "Public: may be published. Bilateral: both governments' users. India only, "
                    "Japan only: that government's users only."
                ),
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(choices=Marking.choices, **kwargs)
        self.default = Marking.BILATERAL

    def clean(self, value):
        """Left out, the marking stays as it is (a new item's: bilateral), never loosened."""
        value = super().clean(value)
        return value or self.default


def offer_markings(
    form: forms.Form, user, current: str | None = None, origin: str | None = None
) -> None:
    """Offer in `form`'s marking the markings `user` may give (from `current`), all of them
    validating as known values: a forged one is the service's to refuse (a 403)."""
    field = form.fields["marking"]
    if user is not None:
        field.widget.choices = visibility.markings_offered(user, current, origin)
    if current:
        field.initial = current
        field.default = current


class CommitmentContextForm(forms.Form):
    """A side's own context of a commitment: its text, its marking, the version seen."""

    text = forms.CharField(
        label=_("Context"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Background your government adds, in its own words; empty clears it."),
    )
    marking = MarkingField(governs=_("Who may read this side's context."))
    # 0: the writer saw no context of their side yet.
    version = VersionField(min_value=0)

    def __init__(self, *args, user=None, side: str, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.side = side
        offer_markings(self, user, current.marking if current else None, side)
        if not self.is_bound:
            self.fields["text"].initial = current.text if current else ""
            self.fields["version"].initial = current.version if current else 0


class EvidenceField(forms.URLField):
    """A web link (`https://` assumed where none is given), or a path of this tracker: an
    attachment of the commitment, picked from the list the page offers beside the field (its
    download path). What a path names is the service's to check (`evidence_clean`)."""

    def to_python(self, value):
        value = (value or "").strip()
        return value if is_local_path(value) else super().to_python(value)

    def run_validators(self, value):
        if not is_local_path(value):
            super().run_validators(value)


# The id of the list of the commitment's attachments the page offers (discussion's
# `evidence_choices`, beside the field).
EVIDENCE_LIST = "evidence-attachments"


class StatusUpdateForm(forms.Form):
    """One side's status update. `sides` are those the user may update the status for: with one,
    it is implied."""

    side = forms.ChoiceField(label=_("Reporting for"), choices=Side.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Required: why the status is what it is."),
    )
    evidence_url = EvidenceField(
        label=_("Evidence link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"list": EVIDENCE_LIST}),
        help_text=_("A web link, or an attachment of this commitment chosen from the list."),
    )
    marking = MarkingField(
        governs=_("Who may read the note and evidence link (the status is for both sides).")
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Only for a commitment without milestones."),
    )
    version = VersionField()

    def __init__(self, *args, has_milestones: bool = False, sides=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if has_milestones:
            del self.fields["progress"]
        side_field(self, sides)
        offer_markings(self, user)


class AssessmentConfirmForm(forms.Form):
    """The counterpart's one action: take the other side's status as its own, with a note."""

    side = forms.ChoiceField(label=_("Confirming for"), choices=Side.choices, required=False)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("Required: why your side agrees."),
    )
    marking = MarkingField(governs=_("Who may read the note."))
    version = VersionField()

    def __init__(self, *args, sides=(), user=None, **kwargs):
        # On the page beside the status form: ids of its own, the same field names.
        kwargs.setdefault("auto_id", "id_confirm_%s")
        super().__init__(*args, **kwargs)
        side_field(self, sides)
        offer_markings(self, user)


def side_field(form: forms.Form, sides) -> None:
    """Offer the sides the user may update the status for; a single one travels hidden. A forged
    other side is the service's to refuse (403), not a form error."""
    field = form.fields["side"]
    offered = [(value, label) for value, label in Side.choices if value in sides]
    if len(offered) == 1:
        field.widget = forms.HiddenInput()
        field.initial = offered[0][0]
    else:
        field.widget.choices = offered


class MilestoneForm(forms.ModelForm):
    version = VersionField(required=False)
    marking = MarkingField(governs=_("Who may read the milestone: its title, dates and owner."))

    class Meta:
        model = Milestone
        fields = ["title", "due_date", "owner", "weight", "marking"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = self.instance.pk is not None
        offer_markings(
            self,
            user,
            self.instance.marking if existing else None,
            self.instance.side if existing else None,
        )
        self.fields["owner"].queryset = owner_candidates(keep=(self.instance.owner_id,)).order_by(
            "username"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def _post_clean(self):
        """Leave model validation to the service, which runs it inside its transaction."""
