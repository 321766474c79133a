from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Other systems' subscriptions to changes, the outbox of their events and its delivery."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        """Write an outbox row for each event the services emit."""
        from . import events

        events.connect()
