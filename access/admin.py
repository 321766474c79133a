"""API keys in the admin: listed with their last use, revoked at once; made with the command
(`api_key_create`), which shows the key the one time it exists in plain. A side administrator
sees and revokes the keys of their own government's users only (another side's key is a 404);
the operator, every key (a key of no government's client is its to look after)."""

from django.contrib import admin, messages

from . import permissions
from .apikeys import api_key_revoke
from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "user",
        "name",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "legacy"]
    search_fields = ["prefix", "user__username", "name"]
    # Only the client's name is edited here; the rest is what the key is.
    fields = [*list_display, "legacy"]
    readonly_fields = [name for name in fields if name != "name"]
    actions = ["revoke"]

    def get_queryset(self, request):
        keys = super().get_queryset(request).select_related("user")
        if permissions.is_operator(request.user):
            return keys
        if permissions.is_side_administrator(request.user):
            return keys.filter(user__side=permissions.own_side(request.user))
        return keys.none()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: its last use stays on record

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key)
        self.message_user(request, f"{queryset.count()} key(s) revoked.", messages.SUCCESS)
