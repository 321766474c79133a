from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view

from access.api import GatedReadOnlyModelViewSet, GatedWritableViewSet
from declaration_tracker.api.pagination import PAGINATION_PARAMETERS, SwitchablePaginationMixin
from declaration_tracker.api.versioning import IF_MATCH, ServiceWriteMixin

from .. import selectors, services
from ..filters import ActionItemFilter, DialogueMechanismFilter, MeetingFilter
from ..models import ActionItem, Meeting
from . import serializers as s


@extend_schema_view(
    list=extend_schema(summary="List the dialogue mechanisms, with overdue flags"),
    retrieve=extend_schema(summary="One dialogue mechanism, by slug"),
)
class DialogueMechanismViewSet(GatedReadOnlyModelViewSet):
    serializer_class = s.DialogueMechanismSerializer
    lookup_field = "slug"
    pagination_class = None
    filterset_class = DialogueMechanismFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.mechanism_list(timezone.localdate()).select_related("reinforced_by")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


class _WritableViewSet(SwitchablePaginationMixin, ServiceWriteMixin, GatedWritableViewSet):
    pass


@extend_schema_view(
    list=extend_schema(summary="List meetings", parameters=PAGINATION_PARAMETERS),
    retrieve=extend_schema(summary="One meeting", description="Sends an ETag."),
    create=extend_schema(summary="Record a meeting (planned or held)"),
    update=extend_schema(
        summary="Replace a meeting", parameters=[IF_MATCH], request=s.MeetingUpdateSerializer
    ),
    partial_update=extend_schema(
        summary="Change a meeting (e.g. record its outcome)",
        parameters=[IF_MATCH],
        request=s.MeetingUpdateSerializer,
    ),
)
class MeetingViewSet(_WritableViewSet):
    queryset = Meeting.objects.none()  # the model, for the schema

    def get_queryset(self):
        return selectors.meeting_list(self.request.user)

    serializer_class = s.MeetingSerializer
    update_serializer_class = s.MeetingUpdateSerializer
    filterset_class = MeetingFilter
    # `search` is the filter set's: the outcome only where the reader may read it.
    search_fields = []
    ordering_fields = ["date", "updated_at", "id"]
    ordering = ["-date", "-id"]

    def pillar_id_of(self, obj):
        return obj.mechanism.pillar_id

    def create_object(self, data):
        return services.meeting_create(actor=self.request.user, **data)

    def update_object(self, meeting, version, data):
        return services.meeting_update(
            meeting=meeting, actor=self.request.user, expected_version=version, **data
        )


@extend_schema_view(
    list=extend_schema(summary="List action items", parameters=PAGINATION_PARAMETERS),
    retrieve=extend_schema(summary="One action item", description="Sends an ETag."),
    create=extend_schema(summary="Add an action item from a meeting"),
    update=extend_schema(
        summary="Replace an action item",
        parameters=[IF_MATCH],
        request=s.ActionItemUpdateSerializer,
    ),
    partial_update=extend_schema(
        summary="Change an action item (e.g. mark it done)",
        parameters=[IF_MATCH],
        request=s.ActionItemUpdateSerializer,
    ),
)
class ActionItemViewSet(_WritableViewSet):
    queryset = ActionItem.objects.none()  # the model, for the schema

    def get_queryset(self):
        """Only the action items the reader may see: another's is a 404, as if none existed."""
        return selectors.action_item_list(self.request.user)

    serializer_class = s.ActionItemSerializer
    update_serializer_class = s.ActionItemUpdateSerializer
    filterset_class = ActionItemFilter
    search_fields = ["title", "description"]
    ordering_fields = ["due_date", "updated_at", "id"]
    ordering = ["due_date", "id"]

    def pillar_id_of(self, obj):
        return obj.meeting.mechanism.pillar_id

    def create_object(self, data):
        return services.action_item_create(actor=self.request.user, **data)

    def update_object(self, item, version, data):
        return services.action_item_update(
            action_item=item, actor=self.request.user, expected_version=version, **data
        )
