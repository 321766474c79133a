"""The dialogue pages. The meetings/ and action-items/ routes come before <slug>/ so that
neither word is taken for a mechanism's slug."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dialogue_list, name="dialogue-list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/action-items/", views.action_item_add, name="action-item-add"),
    path("action-items/<int:pk>/edit/", views.action_item_edit, name="action-item-edit"),
    path("<slug:slug>/", views.dialogue_detail, name="dialogue-detail"),
    path("<slug:slug>/meetings/", views.meeting_add, name="meeting-add"),
    path("<slug:slug>/cadence/", views.mechanism_cadence, name="mechanism-cadence"),
]
