"""The REST API: /api/v1/ for data, /api/schema/ and /api/docs/ to describe it."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from calendar_feed.api import CalendarFeedView, CalendarTokenView
from changes.api import ChangeFeedView
from dashboard.api import DashboardView, TrendView
from markings.api import MarkingChangeView
from webhooks.api import WebhookSubscriptionViewSet

webhooks = SimpleRouter()
webhooks.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")

app_name = "api"

urlpatterns = [
    path("v1/", include("commitments.api.urls")),
    path("v1/dashboard/", DashboardView.as_view(), name="dashboard"),
    path("v1/dashboard/trend/", TrendView.as_view(), name="dashboard-trend"),
    path("v1/changes/", ChangeFeedView.as_view(), name="changes"),
    path("v1/markings/", MarkingChangeView.as_view(), name="marking-change"),
    path("v1/calendar.ics", CalendarFeedView.as_view(), name="calendar-feed-ics"),
    path("v1/calendar-feed/", CalendarTokenView.as_view(), name="calendar-feed-token"),
    path("v1/", include("dialogues.api.urls")),
    path("v1/", include("discussion.comment_api_urls")),
    path("v1/", include(webhooks.urls)),
    path("v1/", include("discussion.attachment_api_urls")),
    path("v1/", include("discussion.reconciliation_api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its set-up script served separately (?script), so no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
