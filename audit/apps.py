from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log: every change to the audited models, who made it, when and through what."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        """Record the audited models' changes from their signals (every app's models are
        loaded by now)."""
        from . import recording

        recording.connect()
