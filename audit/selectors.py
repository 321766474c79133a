"""Reads of the audit log."""

from django.db.models import QuerySet

from .models import AuditEvent


def audit_event_list() -> QuerySet[AuditEvent]:
    """The audit log, newest first, with who and what kind of object."""
    return AuditEvent.objects.select_related("actor", "content_type").order_by("-at", "-id")
