from django.apps import AppConfig


class ChangesConfig(AppConfig):
    """The change feed: a log of every change to what the API serves, written in the change's
    own transaction, numbered once committed, and read per reader (`GET /api/v1/changes/`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "changes"
    verbose_name = "Change feed"

    def ready(self) -> None:
        """Log every save, delete and re-marking of the served models."""
        from . import recording

        recording.connect()
