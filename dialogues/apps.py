from django.apps import AppConfig


class DialoguesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dialogues"
    verbose_name = "Dialogue mechanisms"

    def ready(self) -> None:
        """Add what dialogues contribute to the commitments app, which does not import them."""
        from declaration_tracker.core import registry

        from . import reminders
        from .selectors import action_items_of_commitment

        registry.add(
            registry.reminder_sources,
            reminders.action_item_reminders,
            reminders.mechanism_reminders,
        )
        registry.reminder_item_markings["action"] = reminders.action_item_markings
        registry.add(registry.page_sections, action_items_of_commitment)
