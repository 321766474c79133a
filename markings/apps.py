from django.apps import AppConfig


class MarkingsConfig(AppConfig):
    """Changing an item's release marking, whichever app holds the item. It has no models."""

    name = "markings"
    verbose_name = "Release markings"
