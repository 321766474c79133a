from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What the operator watches: the health endpoint for load balancers and the worker's
    heartbeat. Nothing here reads either government's content."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "operations"
    verbose_name = "Operations"
