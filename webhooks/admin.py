"""Webhook subscriptions in the admin: made and changed through the services (the target and
reader checked, the secret made), the secret shown once, the recent attempts beside them; to the
operator, every subscription's health only (where to, whose, failing since when, why disabled)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from access import permissions
from declaration_tracker.core.admin import ServiceAdmin, changed_fields

from . import services, types
from .models import WebhookSubscription

FIELDS = ("url", "events", "active", "description", "reader")


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=types.CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookSubscription
        fields = FIELDS


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ServiceAdmin):
    form = SubscriptionForm
    list_display = ("__str__", "url", "active", "reader", "created_by", "failing_since")
    list_filter = ("active",)
    readonly_fields = ("created_by", "created_at", "failing_since", "disabled_reason")
    autocomplete_fields = ("reader",)

    # What the operator sees of every subscription: its health, never its description.
    HEALTH = ("id", "url", "active", "created_by", "failing_since", "disabled_reason")

    def get_queryset(self, request):
        if permissions.is_operator(request.user):
            return services.subscriptions_health(request.user)
        return services.subscriptions_of(request.user)

    def get_list_display(self, request):
        if permissions.is_operator(request.user):
            return self.HEALTH
        return super().get_list_display(request)

    def get_list_display_links(self, request, list_display):
        if permissions.is_operator(request.user):
            return None  # to watch, not to open
        return super().get_list_display_links(request, list_display)

    def has_view_permission(self, request, obj=None):
        if permissions.is_operator(request.user):
            return obj is None
        return services.can_manage(request.user)

    def has_module_permission(self, request):
        return permissions.is_operator(request.user) or services.can_manage(request.user)

    def has_add_permission(self, request):
        return services.can_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return services.can_manage(request.user)

    def has_delete_permission(self, request, obj=None):
        return services.can_manage(request.user)

    def write(self, request, obj, form, change):
        if change:
            return services.subscription_update(
                subscription=obj, actor=request.user, **changed_fields(form, FIELDS)
            )
        created = services.subscription_create(
            actor=request.user, **{f: form.cleaned_data[f] for f in FIELDS}
        )
        self.message_user(
            request,
            _("The secret that signs its deliveries, shown this once: %(secret)s")
            % {"secret": created.secret},
            messages.WARNING,
        )
        return created
