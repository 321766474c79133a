"""The audit log in the admin: to read, never to add, change or delete."""

from django.contrib import admin

from access import visibility
from declaration_tracker.core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Readable by superusers in the admin; nobody adds, changes or deletes an event."""

    list_display = ("at", "actor", "action", "content_type", "object_repr", "origin")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "commitment_code", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "content_type")

    def get_queryset(self, request):
        """Only events whose marking the user may read: the admin shows every value."""
        return visibility.visible(super().get_queryset(request), request.user)
