"""The comments' API routes, under /api/v1/."""

from django.urls import path

from .comment_api import CommentDetail, item_comments

urlpatterns = [
    path(
        "commitments/<str:code>/comments/",
        item_comments("commitment").as_view(),
        name="commitment-comments",
    ),
    path(
        "milestones/<int:pk>/comments/",
        item_comments("milestone").as_view(),
        name="milestone-comments",
    ),
    path(
        "meetings/<int:pk>/comments/", item_comments("meeting").as_view(), name="meeting-comments"
    ),
    path(
        "action-items/<int:pk>/comments/",
        item_comments("action_item").as_view(),
        name="action-item-comments",
    ),
    path(
        "reconciliations/<int:pk>/comments/",
        item_comments("reconciliation").as_view(),
        name="reconciliation-comments",
    ),
    path("comments/<int:pk>/", CommentDetail.as_view(), name="comment-detail"),
]
