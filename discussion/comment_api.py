"""/api/v1/…/comments/: an item's thread (commitments, milestones, meetings, action items), and
one comment, changed or deleted with If-Match."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from access.api import MarkedSerializerMixin
from access.choices import Marking
from access.views import GatedViewMixin
from declaration_tracker.api.serializers import StrictSerializer
from declaration_tracker.api.versioning import IF_MATCH, etag_for, expected_version

from . import comment_selectors, comment_services, targets
from .api_permissions import DiscussPermission
from .models import Comment
from .rendering import markdown_html


class CommentSerializer(MarkedSerializerMixin, serializers.ModelSerializer):
    """A comment in an item's thread, as its reader may read it."""

    author = serializers.SlugRelatedField(
        source="created_by", slug_field="username", read_only=True, help_text="Who wrote it."
    )
    on = serializers.SerializerMethodField(
        help_text='The item it is on: {"kind": "commitment", "ref": "MAR-01"} (a commitment '
        "by its code, the other kinds by their id)."
    )
    body_html = serializers.SerializerMethodField(
        help_text="The body's simple Markdown as sanitised HTML."
    )
    deleted = serializers.SerializerMethodField(
        help_text="Deleted by its author: the body is empty, its place in the thread kept."
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "on",
            "parent",
            "author",
            "side",
            "body",
            "body_html",
            "marking",
            "created_at",
            "edited_at",
            "deleted",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The comment's id."},
            "parent": {"help_text": "The comment it replies to; null for a comment of the thread."},
            "side": {"help_text": "The government of its author, which alone changes it."},
            "marking": {"help_text": "Who may read it: never wider than the item it is on."},
            "created_at": {"help_text": "When it was written."},
            "edited_at": {"help_text": "When its author last edited it; null if never."},
            "version": {"help_text": "Its version: the number in its ETag."},
        }

    def get_on(self, comment) -> dict:
        kind = comment.target_kind
        if kind == "commitment":
            return {"kind": kind, "ref": comment.commitment.code}
        return {"kind": kind, "ref": getattr(comment, f"{kind}_id")}

    def get_body_html(self, comment) -> str:
        return str(markdown_html(comment.body))

    def get_deleted(self, comment) -> bool:
        return comment.deleted_at is not None


class CommentCreateSerializer(StrictSerializer):
    body = serializers.CharField(
        max_length=comment_services.MAX_LENGTH,
        trim_whitespace=True,
        help_text="The comment (simple Markdown: emphasis, lists, links).",
    )
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        required=False,
        help_text="Default: bilateral (the item's own marking where that is narrower).",
    )
    parent = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The comment this one replies to (one level deep).",
    )


class CommentUpdateSerializer(StrictSerializer):
    body = serializers.CharField(
        max_length=comment_services.MAX_LENGTH,
        trim_whitespace=True,
        required=False,
        help_text="The new text (simple Markdown).",
    )
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        required=False,
        help_text="A new marking (its author's side's rules for re-marking apply).",
    )


class ItemComments(GatedViewMixin, mixins.ListModelMixin, generics.GenericAPIView):
    """An item's comments: `kind` comes from the URL, `ref` names the item."""

    queryset = Comment.objects.none()  # the model, for the schema
    serializer_class = CommentSerializer
    pagination_class = PageNumberPagination
    permission_classes = [DiscussPermission]
    kind = ""

    def get_queryset(self):
        return comment_selectors.comment_list(self.request.user).filter(**targets.on(self.item()))

    def item(self):
        if not hasattr(self, "_item"):
            ref = self.kwargs["code"] if self.kind == "commitment" else self.kwargs["pk"]
            self._item = targets.target_get(self.kind, ref, self.request.user)
        return self._item

    @extend_schema(summary="An item's comments, oldest first", tags=["comments"])
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        summary="Comment on the item (or reply to one of its comments)",
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
        tags=["comments"],
    )
    def post(self, request, *args, **kwargs):
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = self.item()
        parent_id = data.validated_data.pop("parent", None)
        parent = None
        if parent_id is not None:
            parent = comment_selectors.comment_list(request.user).filter(pk=parent_id).first()
            if parent is None:
                raise ValidationError({"parent": "Reply to a comment of this thread."})
        comment = comment_services.comment_create(
            target=item, actor=request.user, parent=parent, **data.validated_data
        )
        response = Response(
            self.get_serializer(
                comment_selectors.comment_list(request.user).get(pk=comment.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )
        response["ETag"] = etag_for(comment)
        return response


def item_comments(kind: str):
    """The thread's view for one kind of item, its path parameter described."""

    class Comments(ItemComments):
        pass

    Comments.kind = kind
    Comments.__name__ = f"{kind.title().replace('_', '')}Comments"
    described = (
        [OpenApiParameter("code", str, OpenApiParameter.PATH, description="The commitment's code.")]
        if kind == "commitment"
        else [OpenApiParameter("id", int, OpenApiParameter.PATH, description=f"The {kind}'s id.")]
    )
    Comments.get = extend_schema(parameters=described)(Comments.get)
    Comments.post = extend_schema(parameters=described)(Comments.post)
    return Comments


COMMENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The comment's id.")


@extend_schema(parameters=[COMMENT_ID])
class CommentDetail(GatedViewMixin, generics.GenericAPIView):
    queryset = Comment.objects.none()  # the model, for the schema
    serializer_class = CommentSerializer
    permission_classes = [DiscussPermission]

    def get_queryset(self):
        return comment_selectors.comment_list(self.request.user)

    def comment(self) -> Comment:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def answer(self, comment, code=200):
        response = Response(self.get_serializer(comment).data, status=code)
        response["ETag"] = etag_for(comment)
        return response

    @extend_schema(summary="One comment", tags=["comments"])
    def get(self, request, *args, **kwargs):
        return self.answer(self.comment())

    @extend_schema(
        summary="Edit a comment (its author's)",
        parameters=[IF_MATCH],
        request=CommentUpdateSerializer,
        tags=["comments"],
    )
    def patch(self, request, *args, **kwargs):
        comment = self.comment()
        data = CommentUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = comment_services.comment_update(
            comment=comment,
            actor=request.user,
            expected_version=expected_version(request, required=True),
            **data.validated_data,
        )
        return self.answer(self.get_queryset().get(pk=saved.pk))

    @extend_schema(
        summary="Delete a comment (its author's; a tombstone stays in the thread)",
        parameters=[IF_MATCH],
        responses={204: None},
        tags=["comments"],
    )
    def delete(self, request, *args, **kwargs):
        comment_services.comment_delete(
            comment=self.comment(),
            actor=request.user,
            expected_version=expected_version(request, required=True),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
