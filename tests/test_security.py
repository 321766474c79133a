"""Production hardening: the deploy check, security headers, log-in lock-out, session length."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api_base import token_for
from tests.factories import superuser, viewer

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-password"  # the factories' password
LOCKED = "Too many failed log-ins; try again in 30 minutes."


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only the given DJANGO_* and TRACKER_* settings."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "TRACKER_"))
        and k not in ("CELERY_BROKER_URL", "EMAIL_BACKEND")
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(**env: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
        **env,
    }


def settings_in_process(names: str, **env: str) -> list[str]:
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'declaration_tracker.settings'; "
        "from django.conf import settings as s; "
        f"print(*[repr(getattr(s, n, None)) for n in {names.split()!r}], sep='\\n')"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


# --------------------------------------------------------------------------- the deploy check


def test_production_settings_pass_the_deploy_check_with_no_warning():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deploy_check_fails_on_a_weak_secret_key():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production(DJANGO_SECRET_KEY="x" * 50),
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_is_https_only_by_default():
    names = (
        "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS "
        "SECURE_HSTS_PRELOAD SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_PROXY_SSL_HEADER"
    )
    assert settings_in_process(names, **production()) == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "None",
    ]


def test_the_environment_tunes_https_for_a_proxy():
    names = "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_PROXY_SSL_HEADER"
    env = production(
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )

    assert settings_in_process(names, **env) == [
        "False",
        "3600",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
    ]


def test_while_debugging_nothing_is_redirected_to_https():
    names = "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE"

    assert settings_in_process(names) == ["False", "0", "False", "False"]
    # Even when the environment asks for it: `make run` and the tests speak plain HTTP.
    assert settings_in_process(names, DJANGO_SECURE_SSL_REDIRECT="1")[0] == "False"


@pytest.mark.django_db
def test_the_test_server_does_not_redirect_to_https(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200


# --------------------------------------------------------------------------- headers


class _InlineCode(HTMLParser):
    """Collects inline scripts, <style> blocks and style attributes of a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        if "style" in attrs:
            self.found.append(f"style attribute on <{tag}>")
        self.found += [f"{name} on <{tag}>" for name in attrs if name.startswith("on")]


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


PAGES = ["/", "/commitments/", "/commitments/MAR-01/", "/dialogues/", "/declaration/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_strict_content_security_policy(client, loaded, path):
    client.force_login(viewer())

    response = client.get(path)

    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_the_log_in_page_has_the_headers(client):
    response = client.get("/accounts/login/")

    assert "'unsafe-inline'" not in policy(response)["script-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert inline_code(response.content.decode()) == []
    # htmx would otherwise inject an inline <style> for its indicators.
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_the_admin_has_the_strict_policy(client):
    client.force_login(superuser())

    response = client.get("/admin/")

    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]
    assert policy(response)["style-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_api_pages_allow_inline_styles_but_no_inline_script(client):
    client.force_login(superuser())

    docs = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")
    browsable = client.get("/api/v1/commitments/", HTTP_ACCEPT="text/html")

    for response in (docs, browsable):
        assert response.status_code == 200
        assert policy(response)["script-src"] == ["'self'"]
        assert policy(response)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "inline <script>" not in inline_code(docs.content.decode())
    assert "inline <script>" not in inline_code(browsable.content.decode())
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def log_in(client, username, password=PASSWORD, path="/accounts/login/", **extra):
    # The tracker's log-in names the field `login` (django-allauth), the admin's `username`.
    field = "login" if path.startswith("/accounts/") else "username"
    return client.post(path, {field: username, "password": password}, **extra)


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_ends_with_the_browser(client):
    viewer(username="reader")

    response = log_in(client, "reader")

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


# --------------------------------------------------------------------------- lock-out


def fail(client, username, times, **extra):
    return [log_in(client, username, "wrong-password", **extra) for _ in range(times)]


@pytest.mark.django_db
def test_four_failures_do_not_lock_out(client):
    viewer(username="reader")

    responses = fail(client, "reader", 4)

    assert {r.status_code for r in responses} == {200}
    assert log_in(client, "reader").status_code == 302


@pytest.mark.django_db
def test_five_failures_lock_out_even_the_right_password(client):
    viewer(username="reader")

    fifth = fail(client, "reader", 5)[-1]
    right = log_in(client, "reader")

    for response in (fifth, right):
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
        assert policy(response)["script-src"] == ["'self'"]
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_the_lock_out_is_for_one_username_from_one_address(client):
    viewer(username="reader")
    viewer(username="colleague")
    fail(client, "reader", 5)

    assert log_in(client, "colleague").status_code == 302
    client.post("/accounts/logout/")
    assert log_in(client, "reader", REMOTE_ADDR="192.0.2.7").status_code == 302
    client.post("/accounts/logout/")
    assert log_in(client, "reader").status_code == 429


def age_attempts(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_the_lock_out_ends_after_the_cool_off(client):
    viewer(username="reader")
    fail(client, "reader", 5)

    age_attempts(29)
    assert log_in(client, "reader").status_code == 429  # and tries now do not extend it
    age_attempts(31)
    assert log_in(client, "reader").status_code == 302
    assert client.get("/").status_code == 200
    assert not AccessAttempt.objects.exists()  # a successful log-in starts the count afresh


@pytest.mark.django_db
def test_the_cool_off_comes_from_the_settings(client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=5)
    viewer(username="reader")

    locked = fail(client, "reader", 5)[-1]
    assert "try again in 5 minutes" in locked.content.decode()
    age_attempts(6)
    assert log_in(client, "reader").status_code == 302


@pytest.mark.django_db
def test_the_admin_signs_in_through_the_trackers_log_in(client):
    """The admin's own log-in form takes no password: it sends to the tracker's log-in, whose
    second factor and lock-out hold for the admin too."""
    superuser(username="chief")

    answer = log_in(client, "chief", path="/admin/login/?next=/admin/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=")
    assert client.get("/admin/").status_code == 302
    fail(client, "chief", 5)
    assert log_in(client, "chief").status_code == 429


@pytest.mark.django_db
def test_a_locked_out_user_keeps_their_api_token(client):
    user = viewer(username="reader")
    token = token_for(user)
    fail(client, "reader", 5)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api.get("/api/v1/pillars/").status_code == 200


# --------------------------------------------------------------------------- sessions


def test_a_log_in_lasts_eight_hours_unless_configured():
    assert settings_in_process("SESSION_COOKIE_AGE SESSION_EXPIRE_AT_BROWSER_CLOSE") == [
        str(8 * 3600),
        "True",
    ]
    assert settings_in_process("SESSION_COOKIE_AGE", TRACKER_SESSION_HOURS="2") == [str(7200)]


@pytest.mark.django_db
def test_a_session_expires_after_session_cookie_age(client, settings):
    settings.SESSION_COOKIE_AGE = 3600
    viewer(username="reader")
    before = timezone.now()

    log_in(client, "reader")

    session = Session.objects.get(session_key=client.session.session_key)
    assert before + timedelta(hours=1) <= session.expire_date <= timezone.now() + timedelta(hours=1)
    assert client.get("/").status_code == 200
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
