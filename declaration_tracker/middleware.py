from urllib.parse import urlsplit

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import middleware
from django.utils import timezone, translation

from .core.timezones import reader_zone
from .views import api_not_found

# The API answers 401 itself (token or session); the admin has its own log-in; static files
# and the calendar feed (a key in its URL) are reached without a session.
API_PREFIX = "/api/"
OPEN_PREFIXES = (API_PREFIX, "/admin/", "/static/", "/i18n/")
SET_LANGUAGE = "/i18n/setlang/"
LOGIN_PATH = "/accounts/login/"

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
        if request.path_info == LOGIN_PATH and parts.update is None:
            # The log-in's buttons for each government's provider redirect the form there.
            origins = provider_origins()
            if origins:
                parts.update = {"form-action": origins}
        return parts


def provider_origins() -> list[str]:
    """The origins of the configured OpenID Connect providers (settings.SOCIALACCOUNT_PROVIDERS)."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    origins = []
    for app in apps:
        url = urlsplit(app.get("settings", {}).get("server_url", ""))
        if url.scheme in ("http", "https") and url.netloc:
            origins.append(f"{url.scheme}://{url.netloc}")
    return sorted(set(origins))


class ApiNotFoundMiddleware:
    """A URL under /api/ that no view answers is a JSON 404 in the API's error body, also while
    debugging, when Django would answer its HTML debug page instead of `handler404`.

    Inside CommonMiddleware, so that a URL missing only its trailing slash is still redirected
    to it. A view's own 404 (an unknown code, say) is the view's, and left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.resolver_match is None
            and request.path_info.startswith(API_PREFIX)
        ):
            return api_not_found()
        return response


def accepted_language(request) -> str | None:
    """The first language of the request's Accept-Language header that the tracker speaks, or
    None (no header, or only languages it does not speak; `*` names none)."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for tag, _quality in translation.trans_real.parse_accept_lang_header(header):
        if tag == "*":
            continue
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return None


class UserLanguageMiddleware:
    """The signed-in user's saved language, else what LocaleMiddleware took from the browser
    (Accept-Language, or the language cookie), else English. Choosing a language in the
    switcher (Django's set_language at /i18n/setlang/) saves it for a signed-in user.

    The API (docs/api.md, "Languages") answers in the language its client asks for: under
    /api/ an Accept-Language naming a language the tracker speaks wins over the cookie and over
    a session user's saved language (the pages keep the saved choice). API clients with a token
    are authenticated later, by the API itself, and follow Accept-Language the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        saved = getattr(user, "language", "") if user and user.is_authenticated else ""
        asked = accepted_language(request) if request.path.startswith(API_PREFIX) else None
        if asked:
            translation.activate(asked)
            request.LANGUAGE_CODE = translation.get_language()
        elif saved and request.path != SET_LANGUAGE:
            translation.activate(saved)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if request.path == SET_LANGUAGE and request.method == "POST":
            chosen = request.POST.get("language", "")
            signed_in = user is not None and user.is_authenticated
            if signed_in and chosen in dict(settings.LANGUAGES) and chosen != user.language:
                user.__class__.objects.filter(pk=user.pk).update(language=chosen)
        return response


class ReaderTimeZoneMiddleware:
    """Times on the page in the reader's zone (`core.timezones.reader_zone`: their own, or their
    side's; by language for a user of neither side), after the language is settled. Not under
    /api/: its instants stay in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            # The API writes instants in UTC (ISO 8601 with Z), whoever reads them.
            return self.get_response(request)
        timezone.activate(reader_zone(getattr(request, "user", None), translation.get_language()))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class TranslationResetMiddleware:
    """Outermost: once a response is made, the thread's language is reset, so the language of
    one request does not linger into code that runs after it (tests, a worker thread)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            translation.deactivate()
