from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may do what, the release-marking gate every read passes, and the API's keys."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        """DRF's plaintext tokens leave the admin: the keys are `ApiKey`, hashed."""
        from django.contrib import admin
        from rest_framework.authtoken.models import TokenProxy

        if admin.site.is_registered(TokenProxy):
            admin.site.unregister(TokenProxy)
