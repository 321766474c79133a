"""The commitments part of the REST API: declare, validate, call a service; no rules here."""

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from access import permissions
from access.api import GatedGenericViewSet, GatedModelViewSet, GatedReadOnlyModelViewSet
from declaration_tracker.api.pagination import (
    PAGINATION_PARAMETERS,
    PageNumberPagination,
    SwitchablePaginationMixin,
)
from declaration_tracker.api.renderers import CSVRenderer
from declaration_tracker.api.versioning import (
    IF_MATCH,
    IF_MATCH_OPTIONAL,
    ServiceWriteMixin,
    expected_version,
)
from declaration_tracker.core.tabular import csv_lines

from .. import history, selectors, services
from ..exports import COLUMNS, commitment_rows
from ..filters import CommitmentFilter, MilestoneFilter
from ..models import Commitment, Declaration, Milestone, Organisation, Pillar, SharedTermChange
from . import serializers as s


@extend_schema_view(
    list=extend_schema(summary="List the six pillars", tags=["reference"]),
    retrieve=extend_schema(summary="One pillar, by slug", tags=["reference"]),
)
class PillarViewSet(GatedReadOnlyModelViewSet):
    serializer_class = s.PillarSerializer
    lookup_field = "slug"
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        from django.db.models import Count

        return Pillar.objects.annotate(commitment_count=Count("commitments")).order_by("position")


@extend_schema_view(
    list=extend_schema(summary="List organisations on both sides", tags=["reference"]),
    retrieve=extend_schema(summary="One organisation, by slug", tags=["reference"]),
)
class OrganisationViewSet(GatedReadOnlyModelViewSet):
    queryset = Organisation.objects.all()
    serializer_class = s.OrganisationSerializer
    lookup_field = "slug"
    filterset_fields = ["side", "kind"]
    search_fields = ["name", "acronym"]
    ordering_fields = ["name", "acronym", "side"]
    ordering = ["side", "name"]


CHANGE_ID = OpenApiParameter(
    "change_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The proposed change's `id` (from the 202 answer, or `pending_changes`).",
)
SIDE = OpenApiParameter(
    "side",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=["india", "japan"],
    description="The government whose context it is.",
)
CONTEXT_IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='Optional: the context\'s ETag from your last read (`"0"`: you saw none); if it '
    "is stale the write is refused (412).",
)
SHARED_TERMS_RULE = (
    "The shared terms (`lead_side`, `start_date`, `target_date`, `priority`) change only with "
    "both sides: sent by an analyst of one side, they are proposed, not applied, and the "
    "answer is **202** with the pending change; the other fields sent with them apply at once. "
    "The other side confirms (`changes/{id}/confirm/`) or declines it. A 409 if the other side "
    "has a pending proposal of one of those terms: answer it first. A user of neither side "
    "may not propose (403)."
)


@extend_schema_view(
    list=extend_schema(
        summary="List commitments",
        description="Filter, search and order; `?format=csv` or `Accept: text/csv` streams "
        "every matching row as CSV (no pagination).",
        parameters=PAGINATION_PARAMETERS,
        responses={
            200: s.CommitmentSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV export"),
        },
    ),
    retrieve=extend_schema(summary="One commitment, by code", description="Sends an ETag."),
    create=extend_schema(
        summary="Add a commitment",
        request=s.CommitmentWriteSerializer,
        responses={201: s.CommitmentSerializer},
    ),
    update=extend_schema(
        summary="Replace a commitment's details and owners",
        description=SHARED_TERMS_RULE,
        parameters=[IF_MATCH],
        request=s.CommitmentUpdateSerializer,
        responses={200: s.CommitmentSerializer, 202: s.SharedTermChangeSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some of a commitment's details or owners",
        description="Status and progress change only by POSTing a status update. "
        + SHARED_TERMS_RULE,
        parameters=[IF_MATCH],
        request=s.CommitmentUpdateSerializer,
        responses={200: s.CommitmentSerializer, 202: s.SharedTermChangeSerializer},
    ),
)
class CommitmentViewSet(
    SwitchablePaginationMixin,
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    GatedGenericViewSet,
):
    queryset = Commitment.objects.none()  # the model, for the schema

    def get_queryset(self):
        return selectors.with_contexts(
            selectors.with_sources(
                selectors.with_pending_changes(selectors.commitment_list(self.request.user))
            ),
            self.request.user,
        )

    serializer_class = s.CommitmentSerializer
    create_serializer_class = s.CommitmentWriteSerializer
    update_serializer_class = s.CommitmentUpdateSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{3}-[0-9]{2,3}"
    filterset_class = CommitmentFilter
    # `search` is the filter set's, which searches the context only where the reader may read.
    search_fields = []
    ordering_fields = [
        "code",
        "title",
        "status",
        "progress",
        "priority",
        "target_date",
        "updated_at",
    ]
    ordering = ["code"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    allow_owner_reassignment = True

    def pillar_id_of(self, obj):
        return obj.pillar_id

    def ordering_columns(self, queryset) -> dict[str, str]:
        """As of a past instant, the status and progress to sort on are those of then."""
        return history.PAST_FIELDS if history.is_past(queryset) else {}

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            permissions.require(
                permissions.can_export(request.user), "Exports are for managers and analysts."
            )
            rows = commitment_rows(self.filter_queryset(self.get_queryset()))
            response = StreamingHttpResponse(csv_lines(rows, COLUMNS), content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="commitments.csv"'
            return response
        return super().list(request, *args, **kwargs)

    def create_object(self, data):
        return services.commitment_create(actor=self.request.user, **data)

    def update_object(self, commitment, version, data):
        return services.commitment_update(
            commitment=commitment, actor=self.request.user, expected_version=version, **data
        )

    def update(self, request, *args, partial=False, **kwargs):
        """As every update; shared terms sent make a proposal: 202 with it."""
        instance = self.get_object()
        serializer = self.update_serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, required=True)
        updated = self.update_object(instance, version, serializer.validated_data)
        current = self.tag(self.get_queryset().get(pk=instance.pk))
        proposal = getattr(updated, "proposal", None)
        if proposal is not None:
            return Response(
                s.SharedTermChangeSerializer(proposal, context={"request": request}).data,
                status=status.HTTP_202_ACCEPTED,
            )
        return self.respond(current)

    def _change(self, change_id) -> SharedTermChange:
        commitment = self.get_object()
        change = (
            SharedTermChange.objects.filter(commitment=commitment, pk=change_id)
            .select_related("commitment", "proposed_by", "decided_by")
            .first()
        )
        if change is None:
            raise Http404("No such proposed change of this commitment.")
        return change

    def _answer(self, request, change_id, service):
        change = self._change(change_id)
        serializer = s.TermsAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answered = service(
            change=change,
            actor=request.user,
            expected_version=expected_version(request, required=False),
            **serializer.validated_data,
        )
        self.tag(self.get_queryset().get(pk=change.commitment_id))
        answered.refresh_from_db()
        return Response(s.SharedTermChangeSerializer(answered, context={"request": request}).data)

    @extend_schema(
        summary="Confirm the other side's proposed change of shared terms",
        description="For the other side's analysts of the pillar: the commitment takes the "
        "proposed terms. Answers the change, now `confirmed` (the ETag is the commitment's). "
        "The proposing side: 403; an unknown id: 404; a change already answered: 409.",
        parameters=[CHANGE_ID, IF_MATCH_OPTIONAL],
        request=s.TermsAnswerSerializer,
        responses={200: s.SharedTermChangeSerializer},
        tags=["commitments"],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"changes/(?P<change_id>[0-9]{1,18})/confirm",
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
        filter_backends=[],
    )
    def change_confirm(self, request, code=None, change_id=None):
        return self._answer(request, change_id, services.terms_confirm)

    @extend_schema(
        summary="Decline the other side's proposed change of shared terms",
        description="For the other side's analysts of the pillar, with a note saying why "
        "(required): the terms stay. Answers the change, now `declined`.",
        parameters=[CHANGE_ID, IF_MATCH_OPTIONAL],
        request=s.TermsAnswerSerializer,
        responses={200: s.SharedTermChangeSerializer},
        tags=["commitments"],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"changes/(?P<change_id>[0-9]{1,18})/decline",
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
        filter_backends=[],
    )
    def change_decline(self, request, code=None, change_id=None):
        return self._answer(request, change_id, services.terms_decline)

    @extend_schema(
        summary="Withdraw one's own side's proposed change of shared terms",
        description="For the proposing side's analysts of the pillar: the terms stay. Answers "
        "the change, now `withdrawn`.",
        parameters=[CHANGE_ID, IF_MATCH_OPTIONAL],
        request=s.TermsAnswerSerializer,
        responses={200: s.SharedTermChangeSerializer},
        tags=["commitments"],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"changes/(?P<change_id>[0-9]{1,18})/withdraw",
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
        filter_backends=[],
    )
    def change_withdraw(self, request, code=None, change_id=None):
        return self._answer(request, change_id, services.terms_withdraw)

    @extend_schema(
        methods=["GET"],
        summary="The commitment's status trail, newest first",
        responses={200: s.StatusUpdateSerializer(many=True)},
        tags=["commitments"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Change the commitment's status (append to its trail)",
        description="A note is required. Send the commitment's ETag as If-Match to be sure "
        "nobody changed it since you read it.",
        parameters=[IF_MATCH_OPTIONAL],
        request=s.StatusUpdateCreateSerializer,
        responses={201: s.StatusUpdateSerializer},
        tags=["commitments"],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="status-updates",
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
        filter_backends=[],
        pagination_class=PageNumberPagination,
    )
    def status_updates(self, request, code=None):
        commitment = self.get_object()
        if request.method == "GET":
            paginator = PageNumberPagination()
            page = paginator.paginate_queryset(
                selectors.status_update_list(request.user).filter(commitment=commitment),
                request,
                view=self,
            )
            return paginator.get_paginated_response(
                s.StatusUpdateSerializer(page, many=True, context={"request": request}).data
            )
        serializer = s.StatusUpdateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.status_update_create(
            commitment=commitment,
            author=request.user,
            expected_version=expected_version(request, required=False),
            **serializer.validated_data,
        )
        self.tag(self.get_queryset().get(pk=commitment.pk))
        return Response(
            s.StatusUpdateSerializer(update, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Confirm the other side's assessment",
        description="One action for the counterpart: give the other side's status as one's "
        "own, with a note, so that the sides agree. A 400 if they already do. Declining is "
        "POSTing a different status to status-updates/.",
        parameters=[IF_MATCH_OPTIONAL],
        request=s.AssessmentConfirmSerializer,
        responses={201: s.StatusUpdateSerializer},
        tags=["commitments"],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="confirm",
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
        filter_backends=[],
    )
    def confirm(self, request, code=None):
        commitment = self.get_object()
        serializer = s.AssessmentConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.assessment_confirm(
            commitment=commitment,
            author=request.user,
            expected_version=expected_version(request, required=False),
            **serializer.validated_data,
        )
        self.tag(self.get_queryset().get(pk=commitment.pk))
        return Response(
            s.StatusUpdateSerializer(update, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        methods=["GET"],
        summary="One government's own context of the commitment",
        description="Sends the context's ETag. A 404 where there is none the reader may read "
        "(the other government's national-only context is not found, as if none existed).",
        parameters=[SIDE],
        responses={200: s.CommitmentContextSerializer},
        tags=["commitments"],
    )
    @extend_schema(
        methods=["PUT"],
        summary="Write one's own government's context of the commitment",
        description="For that side's analysts of the pillar alone (403 for the other "
        "government's users, a superuser included). The first write creates it (bilateral "
        "unless `marking` says otherwise); send the context's ETag as If-Match after that "
        '(412 if someone changed it since; `If-Match: "0"` says you saw none). It changes '
        "nothing of the commitment itself: not its version, `updated_at` or trail.",
        parameters=[SIDE, CONTEXT_IF_MATCH],
        request=s.CommitmentContextWriteSerializer,
        responses={200: s.CommitmentContextSerializer},
        tags=["commitments"],
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="contexts/(?P<side>india|japan)",
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
        filter_backends=[],
    )
    def side_context(self, request, code=None, side=None):
        commitment = self.get_object()
        if request.method == "PUT":
            serializer = s.CommitmentContextWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.context_write(
                commitment=commitment,
                actor=request.user,
                side=side,
                expected_version=expected_version(request, required=False),
                **serializer.validated_data,
            )
        context = selectors.side_context(request.user, commitment, side)
        if context is None:
            raise Http404("No context of this side that you may read.")
        self.tag(context)
        return Response(s.CommitmentContextSerializer(context, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(summary="List milestones", parameters=PAGINATION_PARAMETERS),
    retrieve=extend_schema(summary="One milestone", description="Sends an ETag."),
    create=extend_schema(summary="Add a milestone to a commitment"),
    update=extend_schema(
        summary="Replace a milestone", parameters=[IF_MATCH], request=s.MilestoneUpdateSerializer
    ),
    partial_update=extend_schema(
        summary="Change a milestone (set `completed_on` to mark it done, null to reopen)",
        parameters=[IF_MATCH],
        request=s.MilestoneUpdateSerializer,
    ),
    destroy=extend_schema(summary="Remove a milestone", parameters=[IF_MATCH]),
)
class MilestoneViewSet(SwitchablePaginationMixin, ServiceWriteMixin, GatedModelViewSet):
    queryset = Milestone.objects.none()  # the model, for the schema

    def get_queryset(self):
        """Only the milestones the reader may see: another's is a 404, as if none existed."""
        return selectors.milestone_list(self.request.user)

    serializer_class = s.MilestoneSerializer
    update_serializer_class = s.MilestoneUpdateSerializer
    filterset_class = MilestoneFilter
    search_fields = ["title", "commitment__code"]
    ordering_fields = ["due_date", "updated_at", "weight", "id"]
    ordering = ["due_date", "id"]

    def pillar_id_of(self, obj):
        return obj.commitment.pillar_id

    def create_object(self, data):
        return services.milestone_create(actor=self.request.user, **data)

    def update_object(self, milestone, version, data):
        return services.milestone_update(
            milestone=milestone, actor=self.request.user, expected_version=version, **data
        )

    def destroy(self, request, *args, **kwargs):
        # The milestone first, as an update finds it: a missing one is a 404 whatever If-Match.
        milestone = self.get_object()
        version = expected_version(request, required=True)
        services.milestone_delete(milestone=milestone, actor=request.user, expected_version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeclarationView(APIView):
    """The declaration's metadata and the documents the tracker draws on for it."""

    queryset = Declaration.objects.none()  # the model, for the schema

    @extend_schema(
        summary="The declaration and its sources",
        description="The declaration the tracker follows, and its source documents: the "
        "published summary the tracker's text is taken from (not the declaration's own words) "
        "and any official text or translation an administrator has loaded "
        "(`load_declaration --source`). 404 before the declaration is loaded.",
        responses={
            200: s.DeclarationSerializer,
            404: OpenApiResponse(description="The declaration has not been loaded yet."),
        },
        tags=["reference"],
    )
    def get(self, request):
        declaration = selectors.declaration_current()
        if declaration is None:
            raise Http404("The declaration has not been loaded yet.")
        return Response(s.DeclarationSerializer(declaration, context={"request": request}).data)
