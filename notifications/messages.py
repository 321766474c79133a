"""What a reminder says of its item ("due 16 Mar 2026, in 14 days"), as a message key and its
parameters: the reminder log keeps the English, and each reader (the page, the e-mail) reads
it in their own language, dates in their language's format."""

import dataclasses
import datetime

from django.utils import formats
from django.utils.translation import gettext, ngettext

from access.choices import Side


@dataclasses.dataclass(frozen=True)
class Detail:
    key: str
    params: dict

    @property
    def english(self) -> str:
        from django.utils import translation

        with translation.override("en"):
            return render(self.key, self.params)


def _day(value: str) -> str:
    return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")


def render(key: str, params: dict) -> str:
    """The detail in the active language."""
    days = params.get("days", 0)
    if key == "due_today":
        return gettext("due today")
    if key == "due_in":
        return ngettext("due %(due)s, in %(days)s day", "due %(due)s, in %(days)s days", days) % {
            "due": _day(params["due"]),
            "days": days,
        }
    if key == "overdue":
        return ngettext(
            "due %(due)s, %(days)s day overdue", "due %(due)s, %(days)s days overdue", days
        ) % {"due": _day(params["due"]), "days": days}
    if key == "escalation":
        # The days overdue, stated: `overdue`; a reminder filed before it was recorded holds
        # the policy's threshold in `days`, and was filed the day after it passed.
        overdue = params.get("overdue", days + 1)
        return ngettext(
            "due %(due)s, %(days)s day overdue: escalated",
            "due %(due)s, %(days)s days overdue: escalated",
            overdue,
        ) % {"due": _day(params["due"]), "days": overdue}
    if key == "stale":
        return gettext("no status update since %(since)s") % {"since": _day(params["since"])}
    if key == "awaiting":
        return gettext("awaiting %(side)s's confirmation since %(since)s") % {
            "side": Side(params["side"]).label,
            "since": _day(params["since"]),
        }
    if key == "proposal":
        return gettext("a change of shared terms awaits %(side)s's answer since %(since)s") % {
            "side": Side(params["side"]).label,
            "since": _day(params["since"]),
        }
    if key == "recon_due_today":
        return gettext("the sides' reconciliation is due today")
    if key == "recon_due_in":
        return ngettext(
            "the sides' reconciliation is due %(due)s, in %(days)s day",
            "the sides' reconciliation is due %(due)s, in %(days)s days",
            days,
        ) % {"due": _day(params["due"]), "days": days}
    if key == "recon_overdue":
        return ngettext(
            "the sides' reconciliation was due %(due)s, %(days)s day ago",
            "the sides' reconciliation was due %(due)s, %(days)s days ago",
            days,
        ) % {"due": _day(params["due"]), "days": days}
    if key == "mention":
        return gettext("%(author)s mentioned you in a comment") % {"author": params["author"]}
    if key == "mechanism":
        return gettext("a meeting was due by %(due)s and none is planned") % {
            "due": _day(params["due"])
        }
    return ""


def detail_rendered(reminder) -> str:
    """A reminder's detail in the active language; as recorded if it has no key."""
    if reminder.detail_message:
        return render(reminder.detail_message, reminder.detail_params)
    return reminder.detail
