from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Limit each API key; browser sessions are not throttled here."""

    scope = "token"

    def get_cache_key(self, request, view):
        if request.auth is None or not hasattr(request.auth, "prefix"):  # a session
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
