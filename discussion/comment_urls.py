"""The comment thread's form posts (the thread itself is on each item's page)."""

from django.urls import path

from . import comment_views

urlpatterns = [
    path(
        "discussion/<str:kind>/<str:ref>/comments/",
        comment_views.comment_add,
        name="comment-add",
    ),
    path("comments/<int:pk>/edit/", comment_views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", comment_views.comment_delete, name="comment-delete"),
]
