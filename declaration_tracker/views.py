"""Project-wide error pages: JSON under /api/, the normal pages everywhere else."""

import sys

from django import db
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

# How long a client should wait before trying again while the database cannot be reached.
RETRY_AFTER_SECONDS = 30


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message}}, status=status
    )


def api_not_found() -> JsonResponse:
    """The API's 404 for a URL nothing answers, in the API's one error body."""
    return _api_error(404, "not_found", "No such resource: check the URL.")


def page_not_found(request, exception):
    if _is_api(request):
        return api_not_found()
    return defaults.page_not_found(request, exception)


def _database_unreachable() -> bool:
    """Say whether the error being handled is the database gone (down, restarting, cut off)."""
    return isinstance(sys.exc_info()[1], db.OperationalError | db.InterfaceError)


def server_error(request):
    if _database_unreachable():
        # 503, not 500: nothing is wrong with the request, and it will work again shortly.
        if _is_api(request):
            response = _api_error(
                503, "unavailable", "The database cannot be reached; try again shortly."
            )
        else:
            response = HttpResponse(loader.get_template("500.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):
        return _api_error(500, "server_error", "The server failed; the error is logged.")
    return defaults.server_error(request)
