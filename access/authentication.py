"""The API's sign-in with a key: `Authorization: Token <key>` or `Authorization: Bearer <key>`."""

from rest_framework import authentication, exceptions, permissions

from .apikeys import KeyRefused, key_check


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Hashed, expiring, scoped keys (`access.models.ApiKey`); `request.auth` is the key."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid authorization header: send `Token <key>` or `Bearer <key>`."
            )
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid API key.") from None
        try:
            key = key_check(raw)
        except KeyRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused)) from None
        # The scope holds here, where every request with a key passes: no view can skip it.
        if key.read_only and request.method not in permissions.SAFE_METHODS:
            raise exceptions.PermissionDenied("This API key is read-only: it may not write.")
        return key.user, key

    def authenticate_header(self, request) -> str:
        return "Token"
