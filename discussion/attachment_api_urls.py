"""The attachments' API routes, under /api/v1/ (declaration_tracker.api.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .attachment_api import AttachmentViewSet, ItemAttachmentViewSet

router = SimpleRouter()
router.register("attachments", AttachmentViewSet, basename="attachment")

ON_ITEM = {"get": "list", "post": "create"}
PREFIXES = {
    "commitment": "commitments/<str:code>",
    "milestone": "milestones/<int:pk>",
    "meeting": "meetings/<int:pk>",
    "action_item": "action-items/<int:pk>",
    "reconciliation": "reconciliations/<int:pk>",
}

urlpatterns = [
    path(
        f"{prefix}/attachments/",
        ItemAttachmentViewSet.as_view(ON_ITEM, kind=kind),
        name=f"{kind.replace('_', '-')}-attachments",
    )
    for kind, prefix in PREFIXES.items()
] + router.urls
