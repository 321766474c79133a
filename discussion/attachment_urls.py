"""The attachments' pages (declaration_tracker.urls)."""

from django.urls import path

from . import attachment_views as views

urlpatterns = [
    path(
        "commitments/<str:code>/attachments/",
        views.commitment_attachments,
        name="commitment-attachments",
    ),
    path(
        "commitments/<str:code>/milestones/<int:pk>/attachments/",
        views.milestone_attachments,
        name="milestone-attachments",
    ),
    path(
        "dialogues/meetings/<int:pk>/attachments/",
        views.meeting_attachments,
        name="meeting-attachments",
    ),
    path(
        "dialogues/action-items/<int:pk>/attachments/",
        views.action_item_attachments,
        name="action-item-attachments",
    ),
    path(
        "attachments/<int:pk>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
]
