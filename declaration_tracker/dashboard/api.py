from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.choices import CommitmentStrength, LeadSide, Status, TrailKind

from .figures import dashboard_figures_cached


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
    sides_disagree = CountFigure(help_text="Commitments whose two sides report different statuses.")
    awaiting = AwaitingMix(
        help_text="Pending confirmations: commitments whose official status waits for a side."
    )


class PillarFigures(GroupFigures):
    slug = serializers.CharField()
    name = serializers.CharField()


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
    count = serializers.IntegerField()
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
    side = serializers.CharField(help_text="The side the entry speaks for; may be empty.")
    kind = serializers.ChoiceField(choices=TrailKind.choices)
    assessment = serializers.CharField(help_text="The status the side reported; may be empty.")
    from_status = serializers.ChoiceField(
        choices=Status.choices, help_text="The official status before."
    )
    to_status = serializers.ChoiceField(
        choices=Status.choices, help_text="The official status after."
    )
    to_progress = serializers.IntegerField()
    note = serializers.CharField(
        allow_blank=True, help_text="The report's note; empty where its marking is not yours."
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
    as_of = serializers.DateField()
    overall = GroupFigures()
    sides_disagree = CountFigure(
        help_text="All commitments whose two sides report different statuses (as in `overall`)."
    )
    awaiting = AwaitingMix(
        help_text="All pending confirmations, per side awaited (as in `overall`)."
    )
    pillars = PillarFigures(many=True)
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

    def pillar_id_of(self, obj):  # pragma: no cover - read only
        return None

    @extend_schema(
        summary="Dashboard figures", responses={200: DashboardSerializer}, tags=["dashboard"]
    )
    def get(self, request):
        figures = dashboard_figures_cached(request.user, timezone.localdate())
        return Response(DashboardSerializer(figures).data)
