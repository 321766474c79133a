"""The audit log in the API, read-only, for managers."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions as drf
from rest_framework import serializers

from access import permissions, visibility
from access.api import GatedReadOnlyModelViewSet

from .filters import AuditEventFilter
from .models import AuditEvent
from .recording import KINDS
from .selectors import audit_event_list

OBJECT_TYPES = {label: kind for kind, label in KINDS.items()}


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who made the change; null for the system (a command, a scheduled task).",
    )
    object_type = serializers.SerializerMethodField(
        help_text="`commitment`, `milestone`, `commitment_context` (a side's context), "
        "`dialogue_mechanism`, `meeting`, `action_item`, `user` or `status_update` (a status "
        "update's marking changed); empty for another kind the operator changed in the admin "
        "(a periodic task, an API key: `object_repr` names it)."
    )
    restricted = serializers.SerializerMethodField(
        help_text="True when the object's release marking is outside the reader's: the values "
        "it marks are withheld (`restricted`), and for a milestone or action item the object "
        "itself."
    )
    commitment = serializers.CharField(
        source="commitment_code",
        read_only=True,
        help_text="The code of the commitment the object belongs to; empty if none.",
    )
    changes = serializers.DictField(
        child=serializers.ListField(allow_null=True),
        read_only=True,
        help_text="Each changed field: [before, after]; related rows by name, lists for "
        "many-to-many fields, null for none.",
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "origin",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "commitment",
            "changes",
            "marking",
            "restricted",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "action": {"help_text": "`created`, `changed` or `deleted`."},
            "object_id": {"help_text": "The changed object's id (a commitment's, not its code)."},
            "object_repr": {"help_text": "The changed object in words, as it was then."},
        }

    def to_representation(self, event: AuditEvent) -> dict:
        return super().to_representation(
            visibility.audit_event_as_read_by(event, self.context["request"].user)
        )

    @extend_schema_field(serializers.BooleanField())
    def get_restricted(self, event: AuditEvent) -> bool:
        return event.restricted

    @extend_schema_field(serializers.CharField())
    def get_object_type(self, event: AuditEvent) -> str:
        return OBJECT_TYPES.get(f"{event.content_type.app_label}.{event.content_type.model}", "")


class ManagersOnly(drf.BasePermission):
    """Managers and side administrators read the log; nobody writes it (read-only views)."""

    message = "The audit log is for managers and side administrators."

    def has_permission(self, request, view) -> bool:
        return permissions.can_read_audit_log(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="The audit log: every change, newest first (managers)",
        description="Changes to commitments, milestones, meetings, action items and users' "
        "roles and pillars: who, when, through which request, each field before and after.",
        tags=["audit"],
    ),
    retrieve=extend_schema(summary="One audit event (managers)", tags=["audit"]),
)
class AuditEventViewSet(GatedReadOnlyModelViewSet):
    queryset = AuditEvent.objects.none()  # the model, for the schema
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        return audit_event_list(self.request.user)

    permission_classes = [ManagersOnly]
    filterset_class = AuditEventFilter
    search_fields = []
    ordering_fields = []
    ordering = ["-at", "-id"]
