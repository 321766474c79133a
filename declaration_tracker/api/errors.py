"""One error body for the whole API: {"error": {"status", "code", "message", "fields"}}."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from declaration_tracker.core.versioning import ConflictError, StaleVersionError


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = "Send the object's ETag in an If-Match header, so no update is lost."


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The object changed since you read it. Fetch it again and retry."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The record's present state does not allow this."


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"The request body is larger than the {limit:,} bytes this API reads.")


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_flatten(value)}" for key, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)


def _as_api_exception(exc: Exception) -> Exception:
    """Turn the domain's exceptions into the HTTP answers clients expect."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {
                    "non_field_errors" if field == "__all__" else field: messages
                    for field, messages in exc.message_dict.items()
                }
            )
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, StaleVersionError):
        return PreconditionFailed(str(exc))
    if isinstance(exc, ConflictError):
        return Conflict(str(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    return exc


def exception_handler(exc: Exception, context):
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    fields = None
    if isinstance(detail, dict):
        fields = {
            key: value if isinstance(value, list) else [value] for key, value in detail.items()
        }
        fields = {key: [str(v) for v in value] for key, value in fields.items()}
        message = _flatten(detail)
        code = "invalid"
    elif isinstance(detail, list):
        message = _flatten(detail)
        code = "invalid"
    else:
        message = str(detail)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    body = {"status": response.status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response({"error": body}, status=response.status_code, headers=_headers(response))


def _headers(response: Response) -> dict[str, str]:
    return {
        name: response[name]
        for name in ("WWW-Authenticate", "Retry-After", "Allow")
        if name in response
    }
