"""The upload form of the attachments panel."""

from django import forms
from django.utils.translation import gettext_lazy as _

from access.choices import Marking


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, image (PNG, JPEG, GIF, WebP), Word, Excel or PowerPoint document, or plain "
            "text; its type is read from its content."
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Default: the file's name."),
    )
    marking = forms.ChoiceField(label=_("Marking"), choices=Marking.choices)
