"""The signed-in user's reminders: what they were told lately, and what they want to hear."""

import datetime
from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import require_reader
from declaration_tracker.core.timezones import local_today
from declaration_tracker.core.views import form_add_errors

from .choices import ReminderKind
from .forms import ReminderPreferenceForm
from .models import Digest, Reminder, ReminderPreference
from .selectors import reminders_readable
from .services import reminder_preference_set

DAYS_SHOWN = 30
KIND_RANK = {kind: rank for rank, kind in enumerate(ReminderKind.values)}
KIND_LABELS = dict(ReminderKind.choices)


def _link(path: str) -> str:
    """The reminder's page, if it is a page of this site (never another host or a script)."""
    if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return ""


@require_GET
def notification_list(request):
    require_reader(request)
    user = request.user
    since = local_today(user) - datetime.timedelta(days=DAYS_SHOWN - 1)
    reminders = sorted(
        reminders_readable(
            user,
            Reminder.objects.filter(recipient=user, day__gte=since).only(
                "id",
                "day",
                "kind",
                "title",
                "detail",
                "detail_message",
                "detail_params",
                "path",
                "item_key",
            ),
        ),
        key=lambda r: (-r.day.toordinal(), KIND_RANK.get(r.kind, len(KIND_RANK)), r.title, r.pk),
    )
    digests = {d.day: d for d in Digest.objects.filter(recipient=user, day__gte=since)}
    days = []
    for day, of_day in groupby(reminders, key=attrgetter("day")):
        of_day = list(of_day)
        for reminder in of_day:
            reminder.href = _link(reminder.path)
        days.append(
            {
                "day": day,
                "count": len(of_day),
                "digest": digests.get(day),
                "groups": [
                    {"kind": kind, "label": KIND_LABELS.get(kind, kind), "reminders": list(rows)}
                    for kind, rows in groupby(of_day, key=attrgetter("kind"))
                ],
            }
        )
    return render(
        request,
        "commitments/notification_list.html",
        {"days": days, "days_shown": DAYS_SHOWN, "zone": user.tzinfo},
    )


@require_http_methods(["GET", "POST"])
def reminder_preferences(request):
    require_reader(request)
    preference = ReminderPreference.objects.filter(user=request.user).first()
    form = ReminderPreferenceForm(
        request.POST if request.method == "POST" else None, preference=preference
    )
    if request.method == "POST" and form.is_valid():
        try:
            reminder_preference_set(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, gettext("Your reminder preferences are saved."))
            return redirect("reminder-preferences")
    return render(request, "commitments/reminder_preferences.html", {"form": form})
