from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    """Discussion and evidence on the record: comment threads and attached documents on
    commitments, milestones, meetings and action items, under the same markings and gate as
    every markable item."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        """Have mention reminders shown only while their comment's marking lets them be."""
        from declaration_tracker.core import registry

        from . import mentions

        registry.reminder_item_markings["comment"] = mentions.comment_markings
