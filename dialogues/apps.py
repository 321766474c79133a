from django.apps import AppConfig


class DialoguesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dialogues"
    verbose_name = "Dialogue mechanisms"

    def ready(self) -> None:
        """Add what dialogues contribute to the commitments app, which does not import them."""
        from commitments.notifications.selectors import reminder_item_markings, reminder_sources
        from commitments.selectors import commitment_page_sections

        from . import reminders
        from .selectors import action_items_of_commitment

        for source in (reminders.action_item_reminders, reminders.mechanism_reminders):
            if source not in reminder_sources:
                reminder_sources.append(source)
        reminder_item_markings["action"] = reminders.action_item_markings
        if action_items_of_commitment not in commitment_page_sections:
            commitment_page_sections.append(action_items_of_commitment)
