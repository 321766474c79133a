from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Deadline reminders: who must hear about what, the daily digest, each user's choices."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"
