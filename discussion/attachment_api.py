"""The attachments' API: each item's attachments (list, upload), one attachment (read, change
its title or marking, remove), and its file (download, through the gate on every request)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from access.api import GatedGenericViewSet, MarkedSerializerMixin
from access.choices import Marking
from declaration_tracker.api.versioning import IF_MATCH, ETagMixin, expected_version

from . import attachment_selectors as selectors
from . import attachment_services as services
from . import targets
from .api_permissions import DiscussPermission
from .attachment_download import serve
from .models import Attachment, AttachmentState


class FileTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "file_too_large"


class AttachmentSerializer(MarkedSerializerMixin, serializers.ModelSerializer):
    item_kind = serializers.SerializerMethodField(help_text="The kind of item it is on.")
    item = serializers.SerializerMethodField(
        help_text="The item it is on: a commitment's code, else the item's id."
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, help_text="Who attached it (username)."
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the file (the gate applies on every request); null while "
        "quarantined."
    )

    class Meta:
        model = Attachment
        fields = [
            "id",
            "item_kind",
            "item",
            "title",
            "original_name",
            "marking",
            "side",
            "created_by",
            "created_at",
            "updated_at",
            "size",
            "content_type",
            "sha256",
            "state",
            "version",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "original_name": {"help_text": "The name of the file as uploaded."},
            "size": {"help_text": "The file's size in bytes."},
            "content_type": {"help_text": "The file's type, read from its content."},
            "sha256": {"help_text": "The SHA-256 of the file, in hexadecimal."},
        }

    def get_item_kind(self, obj) -> str:
        return obj.target_kind

    def get_item(self, obj) -> str:
        if obj.target_kind == "commitment":
            return obj.commitment.code
        return str(getattr(obj, f"{obj.target_kind}_id"))

    def get_download_url(self, obj) -> str | None:
        if obj.state != AttachmentState.STORED:
            return None
        path = reverse("api:attachment-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The file (multipart). Its type is read from its content: PDF, PNG, JPEG, "
        "GIF, WebP, Word, Excel, PowerPoint or plain UTF-8 text."
    )
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Default: the file's name."
    )
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        required=False,
        help_text="Default: bilateral, or the item's own marking where narrower.",
    )


class AttachmentUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200, help_text="A new title.")
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        required=False,
        help_text="A new marking: never wider than the item it is on; only the uploader's side.",
    )


def _upload_response(view, attachment, status_code=201):
    data = AttachmentSerializer(attachment, context=view.get_serializer_context()).data
    if attachment.state == AttachmentState.QUARANTINED:
        message = services.infected_message()
        body = {
            "error": {
                "status": 422,
                "code": "quarantined",
                "message": f"file: {message}",
                "fields": {"file": [message]},
            },
            "attachment": data,
        }
        return Response(body, status=422)
    return Response(data, status=status_code, headers={"ETag": f'"{attachment.version}"'})


@extend_schema_view(
    list=extend_schema(summary="The attachments of an item", tags=["attachments"]),
    create=extend_schema(
        summary="Attach a file to an item",
        tags=["attachments"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            400: OpenApiResponse(description="A bad file, title or marking (named)."),
            413: OpenApiResponse(description="The file is larger than allowed."),
            422: OpenApiResponse(description="Infected: stored quarantined, not downloadable."),
        },
    ),
)
class ItemAttachmentViewSet(GatedGenericViewSet):
    """The attachments on one item: `kind` from the URL, the item by its code or id."""

    queryset = Attachment.objects.none()  # the model, for the schema
    serializer_class = AttachmentSerializer
    permission_classes = [DiscussPermission]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    pagination_class = None
    filter_backends: list = []
    kind = "commitment"

    def item(self):
        if not hasattr(self, "_item"):
            self._item = targets.target_get(self.kind, self._ref(), self.request.user)
        return self._item

    def _ref(self):
        return self.kwargs["code"] if self.kind == "commitment" else self.kwargs["pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        return selectors.attachments_of(self.item(), self.request.user)

    def list(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_queryset(), many=True)
        return Response(serializer.data)

    def create(self, request, *args, **kwargs):
        item = self.item()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            attachment = services.attachment_add(
                target=item,
                actor=request.user,
                upload=data["file"],
                title=data.get("title", ""),
                marking=data.get("marking", ""),
            )
        except services.AttachmentTooLarge as error:
            raise FileTooLarge(str(error)) from None
        return _upload_response(self, attachment)


@extend_schema_view(
    retrieve=extend_schema(summary="One attachment", tags=["attachments"]),
    partial_update=extend_schema(
        summary="Change an attachment's title or marking",
        tags=["attachments"],
        parameters=[IF_MATCH],
        request=AttachmentUpdateSerializer,
    ),
    destroy=extend_schema(
        summary="Remove an attachment and its file", tags=["attachments"], parameters=[IF_MATCH]
    ),
    download=extend_schema(
        summary="Download an attachment's file",
        tags=["attachments"],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    ),
)
class AttachmentViewSet(ETagMixin, GatedGenericViewSet):
    """One attachment: 404 for a reader who may not read it, as if there were none."""

    queryset = Attachment.objects.none()  # the model, for the schema
    serializer_class = AttachmentSerializer
    permission_classes = [DiscussPermission]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.attachment_list(self.request.user)

    def partial_update(self, request, *args, **kwargs):
        attachment = self.get_object()
        serializer = AttachmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, required=True)
        services.attachment_update(
            attachment=attachment,
            actor=request.user,
            expected_version=version,
            **serializer.validated_data,
        )
        return self.respond(self.tag(self.get_queryset().get(pk=attachment.pk)))

    def destroy(self, request, *args, **kwargs):
        attachment = self.get_object()
        version = expected_version(request, required=True)
        services.attachment_remove(
            attachment=attachment, actor=request.user, expected_version=version
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return serve(self.get_object(), request.user)
