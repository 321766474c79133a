"""The form a manager moves a reconciliation's due date with."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DueDateForm(forms.Form):
    due_on = forms.DateField(
        label=_("Due"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the due date as a date, e.g. 2026-12-31.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
