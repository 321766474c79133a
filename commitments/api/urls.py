from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views
from .calendar import CalendarFeedView, CalendarTokenView
from .dashboard import DashboardView

router = SimpleRouter()
router.register("pillars", views.PillarViewSet, basename="pillar")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")

urlpatterns = [
    *router.urls,
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("calendar.ics", CalendarFeedView.as_view(), name="calendar-feed-ics"),
    path("calendar-feed/", CalendarTokenView.as_view(), name="calendar-feed-token"),
]
