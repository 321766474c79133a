"""The calendar feed (`calendar.ics?token=KEY`) and the endpoint that hands out its key."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework import permissions as drf
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from access import permissions
from declaration_tracker.api.serializers import ErrorSerializer

from . import services
from .feed import calendar_feed_build, calendar_feed_url
from .models import CalendarFeedToken

TRUE_VALUES = {"1", "true"}
FALSE_VALUES = {"", "0", "false"}
MAX_KEY_LENGTH = CalendarFeedToken._meta.get_field("key").max_length


class ICalendarRenderer(BaseRenderer):
    """Pass the feed's bytes through; render anything else (an error) as plain words."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        if isinstance(data, dict) and "error" in data:
            return str(data["error"].get("message", ""))
        return str(data or "")


class FeedNegotiation(BaseContentNegotiation):
    """Answer with the feed whatever Accept says: calendar applications send all sorts."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CalendarFeedSchema(AutoSchema):
    """Not the API's schema class: the feed answers errors in plain words, not the JSON body."""

    def get_operation_id(self):
        return "calendar_feed_ics"


def plain(message: str, status_code: int) -> HttpResponse:
    response = HttpResponse(message, status=status_code, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@extend_schema(
    summary="Calendar feed of milestones and meetings (iCalendar)",
    description=(
        "Subscribe to this URL in Outlook, Google Calendar or Apple Calendar. It is "
        "authenticated by the key in `token` alone (get one from `/api/v1/calendar-feed/`), "
        "so keep the URL secret; rotate or delete the key to revoke it.\n\n"
        "One all-day event per milestone (open and done) and per meeting dated from a year "
        "ago on; each has a stable UID and its row's version as SEQUENCE, so changes update "
        "events in place. Errors are plain text."
    ),
    parameters=[
        OpenApiParameter(
            "token",
            OpenApiTypes.STR,
            required=True,
            description="The feed key from `/api/v1/calendar-feed/`.",
        ),
        OpenApiParameter(
            "mine",
            OpenApiTypes.STR,
            enum=["1", "0", "true", "false"],
            description="`1`: only the milestones you own and the meetings of the "
            "mechanisms you lead.",
        ),
    ],
    responses={
        (200, "text/calendar"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The calendar, as iCalendar (RFC 5545)."
        ),
        (400, "text/plain"): OpenApiResponse(
            OpenApiTypes.STR, description="`mine` is neither 1 nor 0."
        ),
        (401, "text/plain"): OpenApiResponse(
            OpenApiTypes.STR, description="The key is missing, unknown or revoked."
        ),
        (403, "text/plain"): OpenApiResponse(
            OpenApiTypes.STR,
            description="The key's user is deactivated or no longer holds a role.",
        ),
    },
    auth=[],
    tags=["calendar"],
)
class CalendarFeedView(APIView):
    """The milestones and meetings a key's user may read, as iCalendar for subscriptions."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    renderer_classes = [ICalendarRenderer]
    content_negotiation_class = FeedNegotiation
    schema = CalendarFeedSchema()

    def get(self, request):
        key = request.query_params.get("token", "")
        token = None
        if key and len(key) <= MAX_KEY_LENGTH and "\x00" not in key:
            token = CalendarFeedToken.objects.select_related("user").filter(key=key).first()
        if token is None:
            return plain("No calendar feed with this key: it is missing, wrong or revoked.", 401)
        if not permissions.can_read(token.user):
            return plain("This calendar feed's user may no longer read the tracker.", 403)
        mine = request.query_params.get("mine", "")
        if mine not in TRUE_VALUES | FALSE_VALUES:
            return plain("mine is either 1 (only your own) or 0 (everything).", 400)
        body = calendar_feed_build(
            user=token.user, today=timezone.localdate(), mine=mine in TRUE_VALUES
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="calendar.ics"'
        response["Cache-Control"] = "private, max-age=300"
        return response


class CalendarFeedTokenSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The feed URL to subscribe to; it contains the key.")
    created_at = serializers.DateTimeField(help_text="When this key was made.")


class CanRead(drf.BasePermission):
    """Any signed-in user with a role manages their own feed key, viewers included."""

    message = "You do not have permission to do this."

    def has_permission(self, request, view) -> bool:
        return permissions.can_read(request.user)


def _body(token: CalendarFeedToken) -> dict:
    data = {"url": calendar_feed_url(token), "created_at": token.created_at}
    return CalendarFeedTokenSerializer(data).data


class CalendarTokenView(APIView):
    """The signed-in user's calendar feed key: read it, rotate it, revoke it."""

    permission_classes = [CanRead]

    @extend_schema(
        summary="Your calendar feed URL",
        description="404 until you create one with POST.",
        responses={
            200: CalendarFeedTokenSerializer,
            404: OpenApiResponse(ErrorSerializer, description="You have no calendar feed key."),
        },
        tags=["calendar"],
    )
    def get(self, request):
        token = CalendarFeedToken.objects.filter(user=request.user).first()
        if token is None:
            raise exceptions.NotFound("You have no calendar feed key yet; POST here to make one.")
        return Response(_body(token))

    @extend_schema(
        summary="Make a new calendar feed URL",
        description="Creates your key, or replaces it: the previous URL stops working at once.",
        request=None,
        responses={201: CalendarFeedTokenSerializer},
        tags=["calendar"],
    )
    def post(self, request):
        token = services.calendar_token_rotate(user=request.user)
        return Response(_body(token), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke your calendar feed URL",
        description="Deletes your key: the feed URL stops working. Nothing happens without one.",
        request=None,
        responses={204: None},
        tags=["calendar"],
    )
    def delete(self, request):
        services.calendar_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
