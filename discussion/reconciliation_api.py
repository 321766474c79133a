"""/api/v1/reconciliations/: the two sides' open and closed reconciliations (bilateral: both
governments' users and keys read them, nobody else), one with both positions, and a manager's
move of its due date (PATCH `due_on`, with If-Match)."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from access import permissions
from access.api import MarkedSerializerMixin
from access.choices import Side
from access.views import GatedViewMixin
from commitments.api.permissions import ReadersRead
from declaration_tracker.api.serializers import StrictSerializer
from declaration_tracker.api.versioning import IF_MATCH, etag_for, expected_version

from . import reconciliation_selectors as selectors
from . import reconciliation_services as services
from .models import Reconciliation


class ReconciliationSerializer(MarkedSerializerMixin, serializers.ModelSerializer):
    """A reconciliation as its reader may read it."""

    commitment = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The commitment's code."
    )
    state = serializers.SerializerMethodField(help_text="`open`, `overdue` or `closed`.")
    about = serializers.SerializerMethodField(
        help_text="What is open: `status` (the sides report different statuses of a joint "
        "commitment) and/or `terms` (a change of shared terms awaits an answer)."
    )
    positions = serializers.SerializerMethodField(
        help_text='Each side\'s position: {"india": {"status": …, "status_update": id or null}, '
        '"japan": {…}}; the status update read with its own marking.'
    )
    due_set_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The manager who moved the due date; null while it is the default.",
    )

    class Meta:
        model = Reconciliation
        fields = [
            "id",
            "commitment",
            "state",
            "about",
            "positions",
            "opened_at",
            "due_on",
            "due_set_by",
            "closed_at",
            "settled",
            "marking",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The reconciliation's id."},
            "opened_at": {"help_text": "When the tracker opened it."},
            "due_on": {"help_text": "The date by which the sides settle it."},
            "closed_at": {"help_text": "When it closed itself; null while open."},
            "settled": {
                "help_text": 'How each question was settled: [{"about": "status" | "terms", '
                '"how": "agreed" | "one_leads" | "confirmed" | "declined" | "withdrawn" | '
                '"resolved", "status"?, "at", "by": side or ""}].'
            },
            "marking": {"help_text": "Always bilateral: the two governments' business."},
            "version": {"help_text": "Its version: the number in its ETag."},
        }

    def get_state(self, item) -> str:
        if item.closed_at is not None:
            return "closed"
        return "overdue" if item.is_overdue(timezone.localdate()) else "open"

    def get_about(self, item) -> list[str]:
        return [
            name for name, on in (("status", item.about_status), ("terms", item.about_terms)) if on
        ]

    def get_positions(self, item) -> dict:
        commitment = item.commitment
        return {
            side: {
                "status": commitment.side_status(side),
                "status_update": getattr(commitment, f"{side}_report_id"),
            }
            for side in Side.values
        }


class DueDateSerializer(StrictSerializer):
    due_on = serializers.DateField(help_text="The new due date (YYYY-MM-DD).")


class ManagersMoveDates(ReadersRead):
    """Readers read; a manager of either side moves a due date (the service checks again)."""

    write_message = "A reconciliation's due date is set by a manager of India or Japan."

    def may_write(self, request, view) -> bool:
        return permissions.is_manager(request.user) and bool(permissions.own_side(request.user))


RECONCILIATION_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="The reconciliation's id."
)


class ReconciliationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=[(state, state) for state in selectors.STATES],
        method="by_state",
        help_text="Which: `open` (the default), `overdue`, `closed` or `all`.",
    )
    pillar = django_filters.CharFilter(
        field_name="commitment__pillar__slug", help_text="Only this pillar's (its slug)."
    )

    class Meta:
        model = Reconciliation
        fields = ["state", "pillar"]

    def by_state(self, queryset, _name, value):
        return selectors.in_state(queryset, value, timezone.localdate())

    @property
    def qs(self):
        found = super().qs
        if not self.form.cleaned_data.get("state"):
            found = selectors.in_state(found, "open", timezone.localdate())
        return found


class ReconciliationList(GatedViewMixin, generics.ListAPIView):
    queryset = Reconciliation.objects.none()  # the model, for the schema
    serializer_class = ReconciliationSerializer
    filterset_class = ReconciliationFilter

    def get_queryset(self):
        return selectors.reconciliation_list(
            self.request.user, state="all", today=timezone.localdate()
        )

    @extend_schema(summary="Reconciliations", tags=["reconciliations"])
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


@extend_schema(parameters=[RECONCILIATION_ID])
class ReconciliationDetail(GatedViewMixin, generics.GenericAPIView):
    queryset = Reconciliation.objects.none()  # the model, for the schema
    permission_classes = [ManagersMoveDates]
    serializer_class = ReconciliationSerializer

    def get_queryset(self):
        return selectors.reconciliation_list(
            self.request.user, state="all", today=timezone.localdate()
        )

    def answer(self, item):
        response = Response(self.get_serializer(item).data)
        response["ETag"] = etag_for(item)
        return response

    @extend_schema(summary="One reconciliation", tags=["reconciliations"])
    def get(self, request, *args, **kwargs):
        return self.answer(get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"]))

    @extend_schema(
        summary="Move its due date (a manager of either side)",
        parameters=[IF_MATCH],
        request=DueDateSerializer,
        tags=["reconciliations"],
    )
    def patch(self, request, *args, **kwargs):
        item = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        services.require_set_due(request.user)
        version = expected_version(request, required=True)
        data = DueDateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.reconciliation_due_set(
            reconciliation=item,
            actor=request.user,
            due_on=data.validated_data["due_on"],
            expected_version=version,
        )
        return self.answer(self.get_queryset().get(pk=saved.pk))
