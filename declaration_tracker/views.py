"""Project-wide error pages: JSON under /api/, the normal pages everywhere else."""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message}}, status=status
    )


def page_not_found(request, exception):
    if _is_api(request):
        return _api_error(404, "not_found", "No such resource: check the URL.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _api_error(500, "server_error", "The server failed; the error is logged.")
    return defaults.server_error(request)
