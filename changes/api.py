"""`GET /api/v1/changes/`: the change feed, per reader (declare, call the feed, answer)."""

from django.db import transaction
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import feed, sequencing, tokens

TYPES = [kind.name for kind in feed.TYPES]


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "sync_token_expired"
    default_detail = (
        "This sync token has expired: the changes after it are no longer kept (or it was made "
        "for a reader of other markings). Start again without `since`: the feed begins with a "
        "full snapshot of what you may read; replace your copy with it."
    )


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}]})
class KeyField(serializers.Field):
    def to_representation(self, value):
        return value


class ChangeEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField(
        help_text="The change's position in the reader's own sequence (each audience — the "
        "public reader, India's users, Japan's users — has its own, counting only what its "
        "readers may learn of). Snapshot entries all carry the position the snapshot is taken "
        "at."
    )
    type = serializers.ChoiceField(choices=TYPES, help_text="The kind of object.")
    id = KeyField(
        help_text="The object's key as the API names it: the code of a commitment, the slug of "
        "a pillar, organisation or dialogue, `<code>/<side>` for a side's context, the number "
        "of the others (a JSON number)."
    )
    op = serializers.ChoiceField(
        choices=["upsert", "delete"],
        help_text="`upsert`: store `object` under this type and id. `delete`: remove it (it was "
        "deleted, or you may no longer read it).",
    )
    object = serializers.DictField(
        required=False,
        help_text="For `upsert`: the object as its own endpoint represents it to you now. "
        "Absent for `delete`.",
    )


class ChangePageSerializer(serializers.Serializer):
    results = ChangeEntrySerializer(many=True, help_text="Oldest first, up to `page_size`.")
    next = serializers.URLField(
        allow_null=True,
        help_text="More of the feed is ready now: follow it at once. Null when you have it all.",
    )
    sync_token = serializers.CharField(
        help_text="Keep it: your next run asks `?since=<sync_token>` and gets what changed "
        "after this page."
    )


SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.STR,
    description="The `sync_token` of your last page. Without it the feed starts with a full "
    "snapshot of what you may read. A token older than `TRACKER_CHANGES_RETENTION_DAYS` "
    "(default 90) answers 410: start again without it.",
)
PAGE_SIZE = OpenApiParameter(
    "page_size", OpenApiTypes.INT, description=f"Entries per page, 1–{feed.PAGE_MAX} (default)."
)


class ChangeFeedView(APIView):
    """The changes the reader may learn of, oldest first: lossless however writes interleave.

    Outside the request's transaction (`non_atomic_requests`): the sequencer commits the
    positions it hands out, and releases its lock, before the page is read and written out,
    rather than holding it for the whole request."""

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def handle_exception(self, exc):
        # DRF's handler marks the innermost transaction for rollback: give it one of its own,
        # which writes nothing, rather than whatever encloses the view.
        with transaction.atomic():
            return super().handle_exception(exc)

    @extend_schema(
        summary="The change feed: sync a copy of what you may read",
        description="Without `since`: a full snapshot of what you may read, then the changes "
        "since. With `since`: what changed after that token. Follow `next` while it is not "
        "null; keep the last page's `sync_token` for your next run. An object you may no longer "
        "read (deleted, or re-marked out of your reach) comes as a `delete`. A 410 says the "
        "token has expired: start again without `since`.",
        parameters=[SINCE, PAGE_SIZE],
        responses={
            200: ChangePageSerializer,
            400: OpenApiResponse(description="`since` or `page_size` is not valid."),
            410: OpenApiResponse(description="The token has expired: start without `since`."),
        },
        tags=["changes"],
    )
    def get(self, request):
        size = self._page_size(request)
        audience = feed.audience_of(request.user)
        if audience is None:
            raise exceptions.PermissionDenied()
        since = request.query_params.get("since")
        position = None
        try:
            if since is not None:
                position = tokens.loads(since, audience=audience, max_age=sequencing.retention())
            found = feed.page(request, position, size)
        except tokens.TokenInvalid:
            raise exceptions.ValidationError(
                {"since": ["Not a sync token of this feed: send one this feed gave you."]}
            ) from None
        except tokens.TokenExpired:
            raise Gone() from None
        token = tokens.dumps(found.position)
        following = None
        if found.more:
            query = {"since": token}
            if "page_size" in request.query_params:
                query["page_size"] = size
            following = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
        return Response({"results": found.entries, "next": following, "sync_token": token})

    @staticmethod
    def _page_size(request) -> int:
        raw = request.query_params.get("page_size")
        if raw is None:
            return feed.PAGE_MAX
        size = int(raw) if raw.isdigit() else 0
        if not 1 <= size <= feed.PAGE_MAX:
            raise exceptions.ValidationError(
                {"page_size": [f"A whole number from 1 to {feed.PAGE_MAX}."]}
            )
        return size
