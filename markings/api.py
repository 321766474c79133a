"""The API endpoint that re-marks an item."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions as drf
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from access import permissions
from access.choices import Marking
from commitments import services
from declaration_tracker.api.serializers import StrictSerializer

from .kinds import kinds, markable_item, pillar_of


class MarkingChangeSerializer(StrictSerializer):
    object_type = serializers.ChoiceField(
        choices=kinds(),
        help_text="`commitment` (its added context), `milestone`, `status_update` (its note "
        "and evidence), `meeting` (its outcome) or `action_item`.",
    )
    id = serializers.IntegerField(help_text="The item's id.")
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        help_text="The new marking. Tighter: an editor of the item's pillar or a manager, to "
        "their own side only if national. Looser: a manager of the side whose marking it "
        "carries (any manager from bilateral to public).",
    )


class Readers(drf.BasePermission):
    """Anyone with a role may ask; the service decides who may give which marking."""

    message = "Your account has no role in the tracker yet."

    def has_permission(self, request, view) -> bool:
        return permissions.can_read(request.user)


class MarkingChangeView(APIView):
    """Change an item's release marking (audited)."""

    permission_classes = [Readers]

    @extend_schema(
        summary="Change an item's release marking",
        description="A 404 for an item the caller may not read; a 403 for a marking they may "
        "not give; a 400 naming the field for an unknown value.",
        request=MarkingChangeSerializer,
        responses={200: MarkingChangeSerializer},
        tags=["markings"],
    )
    def post(self, request):
        serializer = MarkingChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = markable_item(data["object_type"], data["id"], request.user)
        changed = services.marking_change(
            item=item,
            actor=request.user,
            marking=data["marking"],
            pillar_id=pillar_of(data["object_type"], item),
        )
        return Response(
            {"object_type": data["object_type"], "id": changed.pk, "marking": changed.marking}
        )
