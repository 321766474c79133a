"""ETags from row versions, and If-Match on every update, so no update is lost."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from .errors import PreconditionFailed, PreconditionRequired

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag from your last read of this object, e.g. `"3"`. Missing: 428; '
    "stale: 412.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional: the commitment's ETag; if it is stale the change is refused (412).",
)


def etag_for(obj) -> str:
    return f'"{obj.version}"'


def expected_version(request, *, required: bool) -> int | None:
    """Read the version the client saw from If-Match; refuse a missing or malformed one."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if required:
            raise PreconditionRequired()
        return None
    value = header.removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise PreconditionFailed(
            f"If-Match {header[:40]!r} is not an ETag of this object; send the ETag header of "
            "your last GET."
        )
    return int(value)


class ETagMixin:
    """Put an ETag on single-object responses; require If-Match on PUT and PATCH."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = getattr(self, "_etag_object", None)
        if obj is not None and 200 <= response.status_code < 300:
            response["ETag"] = etag_for(obj)
        return response

    def tag(self, obj):
        """Remember `obj` as the object whose version the response's ETag names."""
        self._etag_object = obj
        return obj

    def retrieve(self, request, *args, **kwargs):
        instance = self.tag(self.get_object())
        return self.respond(instance)

    def respond(self, instance, status=200):
        """Answer with the object as the view's (read) serializer shows it."""
        serializer = self.serializer_class(instance, context=self.get_serializer_context())
        return Response(serializer.data, status=status)


class ServiceWriteMixin(ETagMixin):
    """Create and update through the app's services, with If-Match on every update.

    A view sets `update_serializer_class` and implements `create_object(data)` and
    `update_object(obj, version, data)`, each one call to a service.
    """

    create_serializer_class = None
    update_serializer_class = None

    def create(self, request, *args, **kwargs):
        serializer_class = self.create_serializer_class or self.serializer_class
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        created = self.create_object(serializer.validated_data)
        return self.respond(self.tag(self.get_queryset().get(pk=created.pk)), status=201)

    def update(self, request, *args, partial=False, **kwargs):
        instance = self.get_object()
        serializer = self.update_serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, required=True)
        self.update_object(instance, version, serializer.validated_data)
        return self.respond(self.tag(self.get_queryset().get(pk=instance.pk)))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)
