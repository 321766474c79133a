"""/api/v1/webhooks/: subscriptions (a side's managers), their delivery logs, a new
secret, and "send again"."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework import permissions as drf
from rest_framework.decorators import action
from rest_framework.response import Response

from access.api import GatedGenericViewSet
from commitments.models import User
from declaration_tracker.api.serializers import StrictModelSerializer, StrictSerializer

from . import services, types
from .models import WebhookDelivery, WebhookEvent, WebhookSubscription


class Managers(drf.BasePermission):
    message = "Webhooks are for managers."

    def has_permission(self, request, view) -> bool:
        return services.can_manage(request.user)


class SubscriptionSerializer(StrictModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=types.CHOICES),
        allow_empty=False,
        help_text="The event types to receive.",
    )
    reader = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="The user whose release markings apply to every event (default: you). An "
        "active user of your own government, or one of none (public items only).",
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Who made it (its owner)."
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "events",
            "active",
            "description",
            "reader",
            "created_by",
            "created_at",
            "failing_since",
            "disabled_reason",
        ]
        read_only_fields = ["id", "created_by", "created_at", "failing_since", "disabled_reason"]
        extra_kwargs = {
            "id": {"help_text": "The subscription's id."},
            "url": {
                "help_text": "Where events are POSTed: https:// (loopback, link-local and "
                "private addresses are refused)."
            },
            "active": {
                "help_text": "Whether events are written and sent; set true again after a "
                "subscription was disabled for failing."
            },
            "description": {"help_text": "What it is for, in words."},
            "created_at": {"help_text": "When it was made."},
            "failing_since": {
                "help_text": "The first failed attempt since the last success; null when well."
            },
            "disabled_reason": {"help_text": "Why the tracker disabled it, if it did."},
        }


class CreatedSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Shown this once: the `whsec_…` key that signs deliveries."
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event.type", help_text="The event's type.")
    webhook_id = serializers.CharField(
        source="event.webhook_id", help_text="The `webhook-id` header: one for all attempts."
    )
    event_id = serializers.UUIDField(source="event.pk", help_text="For `send-again`.")
    event_state = serializers.CharField(
        source="event.state", help_text="pending, delivered, failed or withheld."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_id",
            "webhook_id",
            "event_state",
            "attempted_at",
            "response_status",
            "duration_ms",
            "response_body",
            "error",
        ]
        extra_kwargs = {
            "id": {"help_text": "The attempt's id."},
            "attempted_at": {"help_text": "When the attempt began."},
            "response_status": {"help_text": "The receiver's HTTP status; null: no answer."},
            "duration_ms": {"help_text": "How long the attempt took."},
            "response_body": {"help_text": "The first 1,024 characters of the answer."},
            "error": {"help_text": "Why it failed: a network error, a refusal or the status."},
        }


class SendAgainSerializer(StrictSerializer):
    event = serializers.UUIDField(help_text="The `event_id` of a delivery in the log.")


SECRET = inline_serializer(
    "WebhookSecret", {"secret": serializers.CharField(help_text="The new `whsec_…` secret.")}
)
QUEUED = inline_serializer(
    "WebhookSendAgain",
    {
        "event_id": serializers.UUIDField(help_text="The event queued again."),
        "webhook_id": serializers.CharField(help_text="Its `webhook-id`, as before."),
        "state": serializers.CharField(help_text="pending."),
    },
)


@extend_schema_view(
    list=extend_schema(summary="List webhook subscriptions", tags=["webhooks"]),
    retrieve=extend_schema(summary="One webhook subscription", tags=["webhooks"]),
    create=extend_schema(
        summary="Subscribe: the response gives the secret, once",
        responses={201: CreatedSubscriptionSerializer},
        tags=["webhooks"],
    ),
    update=extend_schema(summary="Replace a subscription", tags=["webhooks"]),
    partial_update=extend_schema(
        summary="Change a subscription (e.g. set it active again)", tags=["webhooks"]
    ),
    destroy=extend_schema(summary="Delete a subscription and its log", tags=["webhooks"]),
)
class WebhookSubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GatedGenericViewSet,
):
    queryset = WebhookSubscription.objects.none()  # the type of `id`, for the schema
    serializer_class = SubscriptionSerializer
    permission_classes = [Managers]
    filter_backends = []

    def get_queryset(self):
        return services.subscriptions_of(self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = services.subscription_create(actor=request.user, **serializer.validated_data)
        data = CreatedSubscriptionSerializer(subscription, context=self.get_serializer_context())
        return Response(data.data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        services.subscription_update(
            subscription=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        summary="A new secret (the old one stops signing at once)",
        request=None,
        responses={200: SECRET},
        tags=["webhooks"],
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        secret = services.secret_rotate(subscription=self.get_object(), actor=request.user)
        return Response({"secret": secret})

    @extend_schema(
        summary="The delivery log: every attempt, newest first",
        responses={200: DeliverySerializer(many=True)},
        tags=["webhooks"],
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        subscription = self.get_object()
        attempts = WebhookDelivery.objects.filter(event__subscription=subscription).select_related(
            "event"
        )
        page = self.paginate_queryset(attempts.order_by("-attempted_at", "-id"))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send an event again (same webhook-id and body)",
        request=SendAgainSerializer,
        responses={202: QUEUED},
        tags=["webhooks"],
    )
    @action(detail=True, methods=["post"], url_path="send-again")
    def send_again(self, request, pk=None):
        subscription = self.get_object()
        data = SendAgainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = get_object_or_404(
            WebhookEvent, pk=data.validated_data["event"], subscription=subscription
        )
        event = services.send_again(event=event, actor=request.user)
        return Response(
            {"event_id": str(event.pk), "webhook_id": event.webhook_id, "state": event.state},
            status=status.HTTP_202_ACCEPTED,
        )
