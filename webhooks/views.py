"""The managers' pages: their subscriptions, each one's delivery log, and "send again"."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from access.permissions import require_reader
from declaration_tracker.core.views import page_size

from . import services
from .models import WebhookDelivery, WebhookEvent

SIZES = (100, 500)  # the newest attempts shown


@require_GET
def webhook_list(request):
    require_reader(request)
    subscriptions = services.subscriptions_of(request.user).order_by("-created_at", "-id")
    return render(request, "webhooks/webhook_list.html", {"subscriptions": subscriptions})


@require_GET
def webhook_detail(request, pk: int):
    require_reader(request)
    subscription = get_object_or_404(services.subscriptions_of(request.user), pk=pk)
    attempts = (
        WebhookDelivery.objects.filter(event__subscription=subscription)
        .select_related("event")
        .order_by("-attempted_at", "-id")[: page_size(request.GET, SIZES, SIZES[0])]
    )
    return render(
        request,
        "webhooks/webhook_detail.html",
        {"subscription": subscription, "attempts": attempts},
    )


@require_POST
def webhook_send_again(request, pk: int, event_id):
    require_reader(request)
    subscription = get_object_or_404(services.subscriptions_of(request.user), pk=pk)
    event = get_object_or_404(WebhookEvent, pk=event_id, subscription=subscription)
    services.send_again(event=event, actor=request.user)
    messages.success(
        request, gettext("%(id)s will be sent again shortly.") % {"id": event.webhook_id}
    )
    return redirect("webhook-detail", pk=subscription.pk)
