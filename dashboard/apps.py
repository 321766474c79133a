from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The managers' dashboard. It has no models."""

    name = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        """Retire the cached figures whenever the services say they changed."""
        from declaration_tracker.core.events import FIGURES_CHANGED, register

        from .figures import dashboard_invalidate

        register(dashboard_invalidate, [FIGURES_CHANGED])
