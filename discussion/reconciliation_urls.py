"""The reconciliations' pages (declaration_tracker.urls)."""

from django.urls import path

from . import reconciliation_views as views

urlpatterns = [
    path("reconciliations/", views.reconciliation_list, name="reconciliation-list"),
    path("reconciliations/<int:pk>/", views.reconciliation_detail, name="reconciliation-detail"),
    path("reconciliations/<int:pk>/due/", views.reconciliation_due, name="reconciliation-due"),
    path(
        "reconciliations/<int:pk>/attachments/",
        views.reconciliation_attachments,
        name="reconciliation-attachments",
    ),
]
