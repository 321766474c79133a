from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What the operator watches: the health endpoint for load balancers, the worker's
    heartbeat and the Prometheus metrics. Nothing here reads either government's content."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import metrics

        # In every process: a worker counts the tasks it runs in the shared cache.
        metrics.connect()
