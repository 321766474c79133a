"""Webhook subscriptions in the admin: made and changed through the services (the target and
reader checked, the secret made), the secret shown once, the recent attempts beside them."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from commitments.events import EventType
from declaration_tracker.core.admin import ServiceAdmin, changed_fields

from . import services
from .models import WebhookSubscription

FIELDS = ("url", "events", "active", "description", "reader")


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

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

    def get_queryset(self, request):
        return services.subscriptions_of(request.user)

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
