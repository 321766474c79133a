from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    """Discussion and evidence on the record: comment threads and attached documents on
    commitments, milestones, meetings and action items, under the same markings and gate as
    every markable item."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        """Add what discussion contributes to the apps below it, which do not import it."""
        from declaration_tracker.core import registry

        from .comment_selectors import comment_search_condition
        from .evidence import attachment_evidence

        registry.add(registry.search_sources, comment_search_condition)
        registry.add(registry.evidence_sources, attachment_evidence)
