"""The reminder log, digests and preferences in the admin."""

from django.contrib import admin

from declaration_tracker.core.admin import ReadOnlyInline, ServiceAdmin

from .choices import ReminderKind
from .models import Digest, Reminder, ReminderPreference
from .services import reminder_preference_set


class ReminderInline(ReadOnlyInline):
    model = Reminder
    fields = ["kind", "title", "detail", "path"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """The reminder log, by recipient and day: read-only, so what was sent stays known."""

    list_display = ["day", "recipient", "state", "attempts", "sent_at", "note"]
    list_filter = ["state", "day"]
    search_fields = ["recipient__username", "recipient__email"]
    readonly_fields = ["recipient", "day", "state", "enqueued_at", "sent_at", "attempts", "note"]
    inlines = [ReminderInline]

    def get_queryset(self, request):
        """Each government's digests to its own administrators: a digest names items only its
        recipient may read, and one side's national items are not the other's to see."""
        return super().get_queryset(request).filter(recipient__side=request.user.side or "-")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(ServiceAdmin):
    """Saved through the same service as the preferences page, so the same rules hold."""

    list_display = ["user", "email", "muted_kinds", "lead_days", "updated_at"]
    search_fields = ["user__username"]

    def write(self, request, obj, form, change):
        return reminder_preference_set(
            user=obj.user,
            kinds=[k for k in ReminderKind.values if k not in (obj.muted_kinds or [])],
            lead_days=list(obj.lead_days or []),
            email=obj.email,
        )
