from django.apps import AppConfig


class CalendarFeedConfig(AppConfig):
    """The iCalendar feed of milestones and meetings, and the keys in its URLs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "calendar_feed"
    verbose_name = "Calendar feed"
