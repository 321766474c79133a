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
