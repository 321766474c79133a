from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views
from .dashboard import DashboardView

router = SimpleRouter()
router.register("pillars", views.PillarViewSet, basename="pillar")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("milestones", views.MilestoneViewSet, basename="milestone")

urlpatterns = [*router.urls, path("dashboard/", DashboardView.as_view(), name="dashboard")]
