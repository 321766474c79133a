"""Endpoints written the ordinary way, naming no reader and calling no visibility function, as
a new feature might be: the gate must hold for them all the same (tests/test_gate.py)."""

from django.http import HttpResponse
from django.urls import include, path
from rest_framework import routers, serializers, viewsets

from commitments.models import Commitment, Milestone, StatusUpdate
from dialogues.models import ActionItem, Meeting


def page(request):
    """Everything a careless page could print."""
    lines = [m.title for m in Milestone.objects.all()]
    lines += [f"count={Milestone.objects.count()}"]
    lines += [str(t) for t in Milestone.objects.values_list("title", flat=True)]
    lines += [c.context for c in Commitment.objects.all()]
    lines += [u.note + u.evidence_url + str(u.message_params) for u in StatusUpdate.objects.all()]
    lines += [m.outcome_summary for m in Meeting.objects.all()]
    lines += [a.title + a.description for a in ActionItem.objects.all()]
    for commitment in Commitment.objects.prefetch_related("milestones"):
        lines += [m.title for m in commitment.milestones.all()]
        update = commitment.india_report or commitment.japan_report
        if update is not None:  # a foreign key, followed
            lines.append(update.note)
    for item in ActionItem.objects.select_related("commitment"):
        lines.append(item.commitment.context if item.commitment else "")
    return HttpResponse("\n".join(lines))


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = "__all__"


class StatusUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusUpdate
        fields = "__all__"


class NaiveMilestones(viewsets.ReadOnlyModelViewSet):
    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer


class NaiveTrail(viewsets.ReadOnlyModelViewSet):
    queryset = StatusUpdate.objects.all()
    serializer_class = StatusUpdateSerializer


router = routers.SimpleRouter()
router.register("naive-milestones", NaiveMilestones)
router.register("naive-trail", NaiveTrail)

urlpatterns = [
    path("naive/", page),
    path("api/naive/", include(router.urls)),
    path("", include("declaration_tracker.urls")),
]
