from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """The project package as an app: what needs both commitments and dialogues (the
    dashboard, the calendar feed, the declaration reader, loading and demo data) and the
    commands for it. It has no models."""

    name = "declaration_tracker"
    verbose_name = "Declaration tracker"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from .dashboard.figures import dashboard_invalidate
        from .webhooks import events

        events.connect()

        for label in (
            "commitments.Commitment",
            "commitments.Milestone",
            "commitments.StatusUpdate",
            "dialogues.DialogueMechanism",
            "dialogues.Meeting",
            "dialogues.ActionItem",
        ):
            model = apps.get_model(label)
            post_save.connect(dashboard_invalidate, sender=model, weak=False)
            post_delete.connect(dashboard_invalidate, sender=model, weak=False)
