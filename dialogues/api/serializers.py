from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from access.api import MarkedSerializerMixin
from access.choices import Side
from commitments.api.serializers import (
    NamedInBothLanguages,
    OrganisationSerializer,
    PillarBriefSerializer,
    UserBriefSerializer,
    UsernameField,
)
from commitments.models import Commitment
from declaration_tracker.api.serializers import StrictModelSerializer, StrictSlugRelatedField

from ..models import ActionItem, DialogueMechanism, Meeting


class DialogueMechanismSerializer(NamedInBothLanguages, serializers.ModelSerializer):
    cadence_label = serializers.CharField(
        source="get_cadence_display", read_only=True, help_text="The cadence in words."
    )
    pillar = PillarBriefSerializer(read_only=True)
    reinforced_by = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The code of the declaration's commitment to reinforce this mechanism; null "
        "for none.",
    )
    lead_organisations = OrganisationSerializer(many=True, read_only=True)
    leads = UserBriefSerializer(many=True, read_only=True)
    last_held = serializers.DateField(
        read_only=True, allow_null=True, help_text="The last meeting held."
    )
    next_planned = serializers.DateField(
        read_only=True, allow_null=True, help_text="The next meeting planned."
    )
    next_due = serializers.SerializerMethodField(help_text="When the cadence wants a meeting.")
    overdue = serializers.SerializerMethodField(help_text="The cadence has lapsed.")
    inferred_fields = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The fields whose value is the tracker's inference, not the declaration's "
        "(`lead_organisations`).",
    )

    class Meta:
        model = DialogueMechanism
        fields = [
            "slug",
            "name",
            "name_en",
            "name_ja",
            "description",
            "context",
            "cadence",
            "cadence_label",
            "pillar",
            "reinforced_by",
            "lead_organisations",
            "leads",
            "established",
            "source_clause",
            "paragraph",
            "inferred_fields",
            "last_held",
            "next_planned",
            "next_due",
            "overdue",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_due(self, obj):
        return obj.next_due(obj.last_held)

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(obj.last_held, self.context["today"])


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Record a meeting held",
            request_only=True,
            value={
                "mechanism": "coast-guard-commandant-meetings",
                "date": "2026-10-14",
                "place": "New Delhi",
                "state": "held",
                "outcome_summary": "Agreed a joint exercise and a liaison officer exchange.",
            },
        )
    ]
)
class MeetingSerializer(MarkedSerializerMixin, StrictModelSerializer):
    mechanism = StrictSlugRelatedField(
        slug_field="slug", queryset=DialogueMechanism.objects.all(), help_text="Mechanism slug."
    )
    side = serializers.ChoiceField(
        choices=Side.choices,
        read_only=True,
        help_text="The government it belongs to (`india`, `japan`): the side of whoever "
        "recorded it. Only that side's users change it; the other side gets a 403.",
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "mechanism",
            "date",
            "place",
            "state",
            "outcome_summary",
            "marking",
            "side",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "side", "version", "created_at", "updated_at"]
        extra_kwargs = {
            "outcome_summary": {
                "help_text": "What was agreed; empty where its `marking` is outside the reader's."
            },
            "marking": {
                "help_text": "Who may read the outcome summary: `public`, `bilateral` (default) "
                "or the writer's own side only. The meeting itself is for both sides."
            },
        }


class MeetingUpdateSerializer(MeetingSerializer):
    mechanism = serializers.SlugRelatedField(slug_field="slug", read_only=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Add an action item",
            request_only=True,
            value={
                "meeting": 12,
                "title": "Draft the exercise's terms of reference",
                "owner": "analyst_jp",
                "due_date": "2026-12-15",
                "commitment": "MAR-02",
            },
        ),
        OpenApiExample("Close it", request_only=True, value={"state": "done"}),
    ]
)
class ActionItemSerializer(MarkedSerializerMixin, StrictModelSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    owner = UsernameField(required=False, allow_null=True, help_text="A username.")
    commitment = StrictSlugRelatedField(
        slug_field="code",
        queryset=Commitment.objects.all(),
        required=False,
        allow_null=True,
        help_text="The commitment it advances, by code.",
    )
    side = serializers.ChoiceField(
        choices=Side.choices,
        read_only=True,
        help_text="The government it belongs to (`india`, `japan`): the side of whoever added it. "
        "Only that side's users change it; the other side gets a 403.",
    )

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "title",
            "description",
            "owner",
            "due_date",
            "state",
            "completed_on",
            "commitment",
            "marking",
            "side",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "side", "version", "created_at", "updated_at"]
        extra_kwargs = {
            "marking": {
                "help_text": "Who may read the action item: `public`, `bilateral` (default) or "
                "the writer's own side only; readers outside it never see it."
            }
        }


class ActionItemUpdateSerializer(ActionItemSerializer):
    meeting = serializers.PrimaryKeyRelatedField(read_only=True)
