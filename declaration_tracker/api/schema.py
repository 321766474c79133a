from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer

ERRORS = {
    400: "Bad input: the `fields` say which field and why.",
    401: "No or bad credentials.",
    403: "Your role or pillar assignment does not allow this.",
    404: "No such object, page or cursor.",
    406: "The Accept header asks for a format this operation does not produce.",
    412: "If-Match names an old version: the object changed since you read it.",
    415: "The body is not JSON.",
    428: "If-Match is missing.",
    429: "Too many requests for this token; see Retry-After.",
}
UNSAFE_ONLY = {412, 415, 428}
WITH_BODY = {"POST", "PUT", "PATCH"}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The API keys (`access.authentication`), named by path: this layer imports no app."""

    target_class = "access.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (or `Bearer <key>`), a key from "
            "`python manage.py api_key_create USER`: hashed, expiring, read or read-write.",
        }


class TrackerAutoSchema(AutoSchema):
    """Document the one error body for every status code an operation can answer with."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code in UNSAFE_ONLY and self.method not in WITH_BODY | {"DELETE"}:
                continue
            if code == 415 and self.method not in WITH_BODY:
                continue
            responses.setdefault(
                str(code),
                self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), str(code)
                ),
            )
        return responses
