"""Reads of the audit log."""

from django.db.models import Q, QuerySet

from access import visibility
from access.markings import marked_fields

from .models import AuditEvent


def audit_event_list(reader) -> QuerySet[AuditEvent]:
    """The audit log as `reader` may read it, newest first, with who and what kind of object.

    The changes of a wholly marked item (a milestone, an action item, a side's context) that
    the reader may not read are left out, as the item is: the other government does not learn
    that its national-only items exist or change. The changes of a partly marked one (a
    commitment, a meeting, a status update) are listed, their marked values withheld
    (`visibility.audit_event_as_read_by`)."""
    # A government's users' events are wholly its own too (`recording._event_marking`).
    wholly = [label for label, governs in marked_fields().items() if governs is None]
    wholly.append("commitments.user")
    hidden = Q(
        *[
            Q(content_type__app_label=label.split(".")[0], content_type__model=label.split(".")[1])
            for label in wholly
        ],
        _connector=Q.OR,
    ) & ~visibility.condition(reader)
    return (
        AuditEvent.objects.exclude(hidden)
        .select_related("actor", "content_type")
        .order_by("-at", "-id")
    )
