from django.apps import AppConfig


class DeclarationConfig(AppConfig):
    """The declaration as a whole: its reader page, the loading of its data file and the
    demonstration data, with their commands. It has no models."""

    name = "declaration"
    verbose_name = "Declaration"
