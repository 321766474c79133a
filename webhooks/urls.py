from django.urls import path

from . import views

urlpatterns = [
    path("", views.webhook_list, name="webhook-list"),
    path("<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path(
        "<int:pk>/events/<uuid:event_id>/send-again/",
        views.webhook_send_again,
        name="webhook-send-again",
    ),
]
