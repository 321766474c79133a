from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The reports (briefs, the summit report) and the jobs that make the large ones."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"
