"""Form pieces both apps' browser forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _


class VersionField(forms.IntegerField):
    """The version the user saw when the page was loaded: the stale-edit check."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("error_messages", {"required": _("The form is incomplete: reload it.")})
        super().__init__(**kwargs)
