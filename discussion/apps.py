from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    """Discussion and evidence on the record: comment threads and attached documents on
    commitments, milestones, meetings and action items, under the same markings and gate as
    every markable item; and the reconciliations the tracker opens when the sides disagree."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        """Add what discussion contributes to the apps below it, which do not import it: keep
        reconciliations current from the commitments' events and remind both sides of them, show
        mention reminders only while their comment's marking lets them be, let search find
        comment text, and let a status update cite an attachment as its evidence."""
        from declaration_tracker.core import events, registry

        from . import mentions, reconciliation_reminders, reconciliation_services
        from .comment_selectors import comment_search_condition
        from .evidence import attachment_evidence

        events.register(reconciliation_services.on_commitment_event, reconciliation_services.EVENTS)
        registry.add(registry.reminder_sources, reconciliation_reminders.reconciliation_reminders)
        registry.reminder_item_markings["reconciliation"] = (
            reconciliation_reminders.reconciliation_markings
        )
        registry.reminder_item_markings["comment"] = mentions.comment_markings
        registry.add(registry.search_sources, comment_search_condition)
        registry.add(registry.evidence_sources, attachment_evidence)
