from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may do what, the release-marking gate every read passes, and the API's keys."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        """DRF's plaintext tokens leave the admin (the keys are `ApiKey`, hashed); deactivating
        a user ends their sessions and keys at once."""
        from django.contrib import admin
        from rest_framework.authtoken.models import TokenProxy

        if admin.site.is_registered(TokenProxy):
            admin.site.unregister(TokenProxy)
        from django.conf import settings
        from django.db.models.signals import post_save, pre_save

        from .apikeys import user_deactivated, user_deactivating

        pre_save.connect(user_deactivating, sender=settings.AUTH_USER_MODEL, weak=False)
        post_save.connect(user_deactivated, sender=settings.AUTH_USER_MODEL, weak=False)
