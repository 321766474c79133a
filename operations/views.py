"""`GET /health/`: for load balancers and docker-compose healthchecks. No sign-in (a probe
has none) and no content: each check's name and "OK" or what is wrong with it."""

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from health_check.views import HealthCheckView

from . import checks


@method_decorator(login_not_required, name="dispatch")
class HealthView(HealthCheckView):
    """200 when every check passes, else 503 (Service Unavailable, what a load balancer takes
    out of rotation), naming the failing checks."""

    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        checks.Broker,
        checks.WorkerAnswering,
        checks.BeatRunning,
        checks.WebhookBacklog,
        checks.ReportQueue,
    )

    def render_to_response_json(self, status):
        return super().render_to_response_json(_unavailable(status))

    def render_to_response_text(self, status):
        return super().render_to_response_text(_unavailable(status))

    def render_to_response(self, context, **kwargs):
        kwargs["status"] = _unavailable(kwargs.get("status", 200))
        return super().render_to_response(context, **kwargs)


def _unavailable(status: int) -> int:
    return 503 if status == 500 else status
