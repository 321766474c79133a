from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = "Commitments"

    def ready(self) -> None:
        from .services import roles_sync

        def _sync_roles(sender, using="default", **kwargs):
            roles_sync(using=using)

        post_migrate.connect(_sync_roles, sender=self, weak=False)
        self._register_reminder_sources()
        self._invalidate_reference_lists_on_writes()

    @staticmethod
    def _register_reminder_sources() -> None:
        from declaration_tracker.core import registry

        from . import reminders

        registry.add(registry.reminder_sources, *reminders.OWN_SOURCES)
        registry.reminder_item_markings["milestone"] = reminders.milestone_markings

    @staticmethod
    def _invalidate_reference_lists_on_writes() -> None:
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from declaration_tracker.core.cache import REFERENCE, invalidate

        def reference_invalidate(**_signal):
            invalidate(REFERENCE)

        for label in ("commitments.Pillar", "commitments.Organisation"):
            model = apps.get_model(label)
            post_save.connect(reference_invalidate, sender=model, weak=False)
            post_delete.connect(reference_invalidate, sender=model, weak=False)
