from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """The project package as an app: what needs both commitments and dialogues (the
    dashboard, the calendar feed, the declaration reader, loading and demo data) and the
    commands for it. It has no models."""

    name = "declaration_tracker"
    verbose_name = "Declaration tracker"

    def ready(self) -> None:
        """Handle the events the services emit: the webhooks' outbox, the dashboard's cache."""
        from .core.events import FIGURES_CHANGED, register
        from .dashboard.figures import dashboard_invalidate
        from .webhooks import events

        events.connect()
        register(dashboard_invalidate, [FIGURES_CHANGED])
