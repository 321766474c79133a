from django.apps import AppConfig


class DialoguesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dialogues"
    verbose_name = "Dialogue mechanisms"
