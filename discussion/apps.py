from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    """Discussion and evidence on the record: comment threads and attached documents on
    commitments, milestones, meetings and action items, under the same markings and gate as
    every markable item; and the reconciliations the tracker opens when the sides disagree."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        """Keep reconciliations current from the commitments' events, remind both sides of them,
        and show mention reminders only while their comment's marking lets them be."""
        from declaration_tracker.core import events, registry

        from . import mentions, reconciliation_reminders, reconciliation_services

        events.register(reconciliation_services.on_commitment_event, reconciliation_services.EVENTS)
        registry.add(registry.reminder_sources, reconciliation_reminders.reconciliation_reminders)
        registry.reminder_item_markings["reconciliation"] = (
            reconciliation_reminders.reconciliation_markings
        )
        registry.reminder_item_markings["comment"] = mentions.comment_markings
