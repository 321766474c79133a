"""`GET /health/`: for load balancers and docker-compose healthchecks. No sign-in (a probe
has none) and no content: each check's name and "OK" or what is wrong with it.

`GET /metrics`: for Prometheus. No sign-in either, but a bearer token when
TRACKER_METRICS_TOKEN is set; counts and names of views and tasks only."""

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView
from health_check.views import HealthCheckView
from prometheus_client import generate_latest

from . import checks, metrics


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


@login_not_required
@require_safe
@transaction.non_atomic_requests  # reads only; an unreachable database leaves its figures out
def metrics_view(request):
    """django-prometheus's metrics of this process (requests by view, method and status…),
    then the tracker's, counted across every process (operations/metrics.py). With
    TRACKER_METRICS_TOKEN set, only for `Authorization: Bearer <that token>`: 401 otherwise."""
    if not _token_given(request):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["Content-Type"] = "text/plain; charset=utf-8"
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = ExportToDjangoView(request)
    response.content = response.content + generate_latest(metrics.REGISTRY)
    response["Cache-Control"] = "no-store"
    return response


def _token_given(request) -> bool:
    expected = settings.TRACKER_METRICS_TOKEN
    if not expected:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode()
    )
