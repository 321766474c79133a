from django.urls import path
from rest_framework.routers import SimpleRouter

from audit.api import AuditEventViewSet

from . import views

router = SimpleRouter()
router.register("pillars", views.PillarViewSet, basename="pillar")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("declaration/", views.DeclarationView.as_view(), name="declaration"),
    *router.urls,
]
