from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("dialogues", views.DialogueMechanismViewSet, basename="dialogue")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("action-items", views.ActionItemViewSet, basename="action-item")

urlpatterns = router.urls
