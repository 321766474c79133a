"""The reconciliations' API routes, under /api/v1/ (declaration_tracker.api.urls)."""

from django.urls import path

from .reconciliation_api import ReconciliationDetail, ReconciliationList

urlpatterns = [
    path("reconciliations/", ReconciliationList.as_view(), name="reconciliation-api-list"),
    path(
        "reconciliations/<int:pk>/",
        ReconciliationDetail.as_view(),
        name="reconciliation-api-detail",
    ),
]
