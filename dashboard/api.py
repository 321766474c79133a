from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from access.choices import Side
from commitments import history
from commitments.choices import CommitmentStrength, LeadSide, Status, TrailKind
from commitments.selectors import pillar_choices
from declaration_tracker.api.serializers import OptionalChoiceField

from .figures import dashboard_figures_cached
from .trend import trend_cached

AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.STR,
    description="The figures as they stood at this instant: an ISO 8601 date (the end of that "
    "day in UTC) or date-time, from the declaration (2025-08-29) to now; every link then "
    "opens the list as of that instant. A bad or future value is a 400 naming `as_of`.",
)


class StatusFigure(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    link = serializers.CharField(help_text="The filtered list behind the figure.")


class StatusMix(serializers.Serializer):
    def get_fields(self):
        return {status: StatusFigure() for status in Status.values}


class CountFigure(serializers.Serializer):
    count = serializers.IntegerField()
    link = serializers.CharField(help_text="The filtered list behind the figure.")


class AwaitingFigure(CountFigure):
    label = serializers.CharField(help_text="The side awaited, in words.")


class AwaitingMix(serializers.Serializer):
    india = AwaitingFigure(help_text="Commitments whose official status awaits India's answer.")
    japan = AwaitingFigure(help_text="Commitments whose official status awaits Japan's answer.")


class GroupFigures(serializers.Serializer):
    commitments = serializers.IntegerField()
    progress = serializers.IntegerField(help_text="Mean progress, 0–100.")
    by_status = StatusMix()
    link = serializers.CharField()
    sides_disagree = CountFigure(help_text="Commitments whose two sides give different statuses.")
    awaiting = AwaitingMix(
        help_text="Pending confirmations: commitments whose official status waits for a side."
    )


class ReconciliationFigures(serializers.Serializer):
    open = CountFigure(help_text="Open reconciliations (overdue ones included).")
    overdue = CountFigure(help_text="Open reconciliations past their due date.")


RECONCILIATIONS_HELP = (
    "Reconciliations the reader may read (bilateral: none for a reader of neither "
    "government), open and overdue, each linking to its list; null with `as_of` (not "
    "reproduced for the past)."
)


class PillarFigures(GroupFigures):
    slug = serializers.CharField()
    name = serializers.CharField()
    reconciliations = ReconciliationFigures(allow_null=True, help_text=RECONCILIATIONS_HELP)


class SideFigures(GroupFigures):
    lead_side = serializers.ChoiceField(choices=LeadSide.choices)
    label = serializers.CharField()


class StrengthFigures(GroupFigures):
    commitment_strength = serializers.ChoiceField(
        choices=CommitmentStrength.choices, help_text="How the declaration words them."
    )
    label = serializers.CharField()


class MilestoneItem(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_date = serializers.DateField()
    code = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    link = serializers.CharField()


class MilestoneFigures(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="The open milestones the reader may read: `shared_count` and "
        "`national_count` together."
    )
    shared_count = serializers.IntegerField(
        help_text="Of these, the shared (public and bilateral) ones: the official figure, the "
        "same for both governments (for a reader of neither, the public ones)."
    )
    national_count = serializers.IntegerField(
        help_text="Of these, the reader's own government's national-only ones, which the other "
        "government neither reads nor counts."
    )
    link = serializers.CharField()
    items = MilestoneItem(many=True, help_text="The first ten, soonest due first.")


class DueFigures(MilestoneFigures):
    days = serializers.IntegerField()


class StaleItem(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    updated_at = serializers.DateTimeField()
    link = serializers.CharField()


class StaleFigures(serializers.Serializer):
    count = serializers.IntegerField()
    link = serializers.CharField()
    items = StaleItem(many=True)


class ActivityItem(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    at = serializers.DateTimeField()
    author = serializers.CharField()
    side = OptionalChoiceField(
        choices=Side.choices,
        help_text="The side the status update speaks for; null for one by a user of neither side.",
    )
    kind = serializers.ChoiceField(
        choices=TrailKind.choices,
        help_text="What the status update records: `report`, `confirm`, `decline`, `progress` "
        "(from milestones) or `shared` (before per-side assessments).",
    )
    assessment = OptionalChoiceField(
        choices=Status.choices,
        help_text="The status the side gave; null for `progress` status updates, which give none.",
    )
    from_status = serializers.ChoiceField(
        choices=Status.choices, help_text="The official status before."
    )
    to_status = serializers.ChoiceField(
        choices=Status.choices, help_text="The official status after."
    )
    to_progress = serializers.IntegerField()
    note = serializers.CharField(
        allow_blank=True,
        help_text="The status update's note; empty where its marking is not yours.",
    )
    withheld = serializers.BooleanField(
        help_text="True when the note is outside the reader's release markings."
    )
    link = serializers.CharField()


class MechanismItem(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    last_held = serializers.DateField(allow_null=True)
    next_due = serializers.DateField(allow_null=True)
    link = serializers.CharField()


class DashboardSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="The day the figures are of.")
    as_of_instant = serializers.DateTimeField(
        allow_null=True,
        help_text="With the `as_of` parameter, the instant the figures reproduce; null for now.",
    )
    overall = GroupFigures()
    sides_disagree = CountFigure(
        help_text="All commitments whose two sides give different statuses (as in `overall`)."
    )
    awaiting = AwaitingMix(
        help_text="All pending confirmations, per side awaited (as in `overall`)."
    )
    pillars = PillarFigures(many=True)
    reconciliations = ReconciliationFigures(allow_null=True, help_text=RECONCILIATIONS_HELP)
    lead_sides = SideFigures(many=True)
    strengths = StrengthFigures(
        many=True,
        help_text="Status by the declaration's strength of language: an `exploring` item not "
        "started is not a `pledged` one off track. Only strengths some commitment has.",
    )
    milestones_overdue = MilestoneFigures()
    milestones_due = DueFigures()
    stale = StaleFigures(help_text="Commitments with no status update in 90 days.")
    recent_activity = ActivityItem(many=True)
    dialogues_overdue = MechanismItem(many=True)


class DashboardView(APIView):
    """The figures of the managers' dashboard, exactly as the browser shows them."""

    @extend_schema(
        summary="Dashboard figures",
        parameters=[AS_OF_PARAMETER],
        responses={200: DashboardSerializer},
        tags=["dashboard"],
    )
    def get(self, request):
        # A bad `as_of` raises a ValidationError naming it: the API's handler makes it a 400.
        at = history.as_of_parse(request.query_params.get("as_of"))
        figures = dashboard_figures_cached(request.user, timezone.localdate(), at)
        return Response(DashboardSerializer(figures).data)


class TrendPoint(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM.")
    as_of = serializers.DateField(help_text="The month's last day (today for this month).")
    commitments = serializers.IntegerField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Commitments per status at the end of the month: the official status, or "
        "with `side` that government's own assessment.",
    )
    progress = serializers.IntegerField(help_text="Mean (official) progress, 0–100.")
    link = serializers.CharField(help_text="The commitments list as of that day.")


class TrendSerializer(serializers.Serializer):
    pillar = serializers.CharField(allow_null=True)
    side = serializers.ChoiceField(choices=Side.choices, allow_null=True)
    points = TrendPoint(many=True, help_text="One a month, from the declaration to today.")


class TrendQuerySerializer(serializers.Serializer):
    pillar = serializers.SlugField(required=False, help_text="Only this pillar's commitments.")
    side = serializers.ChoiceField(
        choices=Side.choices,
        required=False,
        help_text="Count by this government's own assessment instead of the official status.",
    )

    def to_internal_value(self, data):
        # A blank parameter (`?side=`) is a mistake to name, not a request for every side.
        blank = {name: ["May not be blank."] for name in self.fields if data.get(name) == ""}
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)

    def validate_pillar(self, value: str) -> str:
        if value not in dict(pillar_choices()):
            raise serializers.ValidationError(
                f"“{value}” is not a pillar; use one of {', '.join(dict(pillar_choices()))}."
            )
        return value


class TrendView(APIView):
    """Month by month since the declaration: commitments per status and mean progress."""

    @extend_schema(
        summary="Trend since the declaration",
        parameters=[TrendQuerySerializer],
        responses={200: TrendSerializer},
        tags=["dashboard"],
    )
    def get(self, request):
        query = TrendQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(TrendSerializer(trend_cached(**query.validated_data)).data)
