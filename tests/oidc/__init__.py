"""A real OpenID Connect provider on a loopback port for the tests (see server.py)."""

from tests.oidc.server import OidcProvider, OidcProviderError, free_port

__all__ = ["OidcProvider", "OidcProviderError", "free_port"]
