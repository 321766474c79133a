"""The reminder preferences form: which kinds a user wants, when, and whether by e-mail."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import ReminderKind
from .models import ReminderPreference
from .services import LEAD_DAYS_MAX, LEAD_DAYS_MIN

WHOLE_NUMBER = re.compile(r"\d{1,3}")


def lead_days_text(days) -> str:
    return ", ".join(str(day) for day in days)


class ReminderPreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me reminders about:"),
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lead_days = forms.CharField(label=_("Days before a due date"), required=False, max_length=200)
    email = forms.BooleanField(
        label=_("E-mail me a daily digest"),
        required=False,
        help_text=_(
            "At most one e-mail a day. Without it, your reminders still appear on your "
            "Notifications page."
        ),
    )

    def __init__(self, *args, preference: ReminderPreference | None = None, **kwargs):
        if preference is None:
            initial = {"kinds": list(ReminderKind.values), "lead_days": "", "email": True}
        else:
            initial = {
                "kinds": [k for k in ReminderKind.values if k not in preference.muted_kinds],
                "lead_days": lead_days_text(preference.lead_days or []),
                "email": preference.email,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        default = lead_days_text(settings.TRACKER_REMINDERS["lead_days"])
        self.fields["lead_days"].help_text = _(
            "For “Due soon” reminders: whole numbers from %(low)s to %(high)s, separated by "
            "commas, e.g. 14, 7, 1. Leave empty for the tracker's default: %(default)s."
        ) % {"low": LEAD_DAYS_MIN, "high": LEAD_DAYS_MAX, "default": default}

    def clean_lead_days(self) -> list[int]:
        text = self.cleaned_data["lead_days"].strip()
        if not text:
            return []
        days = set()
        for piece in (part.strip() for part in text.split(",")):
            if not piece:
                raise ValidationError(
                    _("An entry between commas is empty: give whole numbers only, e.g. 14, 7, 1.")
                )
            if not WHOLE_NUMBER.fullmatch(piece) or not (
                LEAD_DAYS_MIN <= int(piece) <= LEAD_DAYS_MAX
            ):
                raise ValidationError(
                    _("“%(piece)s” is not a whole number from %(low)s to %(high)s."),
                    params={"piece": piece, "low": LEAD_DAYS_MIN, "high": LEAD_DAYS_MAX},
                )
            days.add(int(piece))
        return sorted(days, reverse=True)
