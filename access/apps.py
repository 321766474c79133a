from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may do what, and the release-marking gate every read passes. No models of its own."""

    name = "access"
    verbose_name = "Access"
