"""What the tracker itself writes into a commitment's trail, kept as a message key and its
parameters, so that each reader reads it in their own language.

The English is also stored in the status update's `note` (the trail's record, and what systems read
that do not ask for a language); pages, the API and e-mails render the key in the reader's.
"""

from django.utils.translation import gettext, gettext_noop

MESSAGES = {
    "milestone_added": gettext_noop("Progress %(old)s%% → %(new)s%%: milestone “%(title)s” added"),
    "milestone_changed": gettext_noop(
        "Progress %(old)s%% → %(new)s%%: milestone “%(title)s” changed"
    ),
    "milestone_done": gettext_noop("Progress %(old)s%% → %(new)s%%: milestone “%(title)s” done"),
    "milestone_reopened": gettext_noop(
        "Progress %(old)s%% → %(new)s%%: milestone “%(title)s” reopened"
    ),
    "milestone_removed": gettext_noop(
        "Progress %(old)s%% → %(new)s%%: milestone “%(title)s” removed"
    ),
    # Written once, by migration 0024: the official progress left national-only milestones out.
    "national_excluded": gettext_noop(
        "Progress %(old)s%% → %(new)s%%: national-only milestones no longer count in it"
    ),
    # A change of shared terms (`services.proposals`): `terms` lists each term and its values.
    "terms_proposed": gettext_noop(
        "Proposed a change of shared terms, awaiting the other side: %(terms)s"
    ),
    "terms_confirmed": gettext_noop("Confirmed the other side's change of shared terms: %(terms)s"),
    "terms_declined": gettext_noop(
        "Declined the other side's change of shared terms: %(terms)s. Why: %(note)s"
    ),
    "terms_withdrawn": gettext_noop("Withdrew its proposed change of shared terms: %(terms)s"),
}


def english(key: str, params: dict) -> str:
    """The message as the trail records it, in English."""
    return MESSAGES[key] % params


def rendered(status_update) -> str:
    """The status update's note in the active language: a tracker message translated, else the
    note its author wrote, as written. A status update withheld from its reader (`visible_to`,
    `shown`) has neither its note nor its message's parameters: it renders empty."""
    if getattr(status_update, "withheld", False):
        return ""
    if status_update.message in MESSAGES and status_update.message_params:
        return gettext(MESSAGES[status_update.message]) % status_update.message_params
    return status_update.note
