from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.contrib.auth import middleware

# The API answers 401 itself (token or session); the admin has its own log-in; static files
# and the calendar feed (a key in its URL) are reached without a session.
OPEN_PREFIXES = ("/api/", "/admin/", "/static/")

# Pages whose HTML is not ours: DRF's browsable API and Swagger UI (/api/docs/) carry inline
# <style> blocks and style attributes in their templates.
INLINE_STYLE_PREFIXES = ("/api/",)


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    """Every page of the tracker needs a log-in, except the ones that authenticate otherwise."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """settings.CONTENT_SECURITY_POLICY on every response, whatever DEBUG is.

    Under /api/ only, styles may also be inline, for the browsable API's and Swagger UI's own
    templates; scripts stay 'self' there too (Swagger UI's set-up script is a separate file).
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(INLINE_STYLE_PREFIXES) and parts.replace is None:
            parts.replace = {"style-src": [SELF, UNSAFE_INLINE]}
        return parts
