"""Signing in with a second factor, in Chromium (issue 25): a password then an authenticator
app's code (computed with pyotp from the enrolled secret), a recovery code, and a WebAuthn
security key in Chromium's virtual authenticator (the DevTools WebAuthn domain)."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from playwright.sync_api import expect

from commitments.models import User
from declaration.demo import demo_totp_enrol

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def policy(settings):
    settings.TRACKER_MFA_REQUIRED = "managers"


def password(site, page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name="Log in").click()


def confirm_password(site, page) -> None:
    """Adding a second factor asks for the password again first (django-allauth's
    re-authentication for sensitive changes)."""
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.locator("#id_password").fill(site.password)
    page.locator("main button[type=submit]").click()


def test_a_password_then_the_authenticator_code_signs_in(site, policy):
    assert demo_totp_enrol(User.objects.get(username="manager_jp"), SECRET)
    page = site.page()

    password(site, page, "manager_jp")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    # Without the code, the tracker stays closed: back to the code.
    page.goto("/commitments/")
    expect(page).to_have_url(f"{site.url}/accounts/2fa/authenticate/")

    page.get_by_placeholder("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{site.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_wrong_code_is_told_and_signs_nobody_in(site, policy):
    demo_totp_enrol(User.objects.get(username="manager"), SECRET)
    page = site.page()

    password(site, page, "manager")
    page.get_by_placeholder("Code").fill("12345")
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(f"{site.url}/accounts/2fa/authenticate/")


def test_a_recovery_code_signs_in_when_the_phone_is_lost(site, policy):
    user = User.objects.get(username="manager")
    demo_totp_enrol(user, SECRET)
    recovery = RecoveryCodes.activate(user).get_unused_codes()[3]
    page = site.page()

    password(site, page, "manager")
    page.get_by_placeholder("Code").fill(recovery)
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url(f"{site.url}/")
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert recovery not in RecoveryCodes(codes).get_unused_codes()  # used up


def test_a_manager_without_a_second_factor_is_sent_to_enrol_and_enrols_an_app(site, policy):
    page = site.page()

    password(site, page, "manager")
    page.wait_for_url("**/accounts/2fa/?next=%2F")
    page.goto("/commitments/")
    expect(page).to_have_url(f"{site.url}/accounts/2fa/?next=%2Fcommitments%2F")
    expect(page.get_by_text("Your role requires a second factor")).to_be_visible()

    page.goto("/accounts/2fa/totp/activate/")
    confirm_password(site, page)
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    page.goto("/commitments/")
    expect(page).to_have_url(f"{site.url}/commitments/")


def test_a_security_key_enrols_and_signs_in(site, policy):
    context = site.context()
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    password(site, page, "manager_jp")
    page.wait_for_url("**/accounts/2fa/**")
    page.goto("/accounts/2fa/webauthn/add/")
    confirm_password(site, page)
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    page.locator("#id_name").fill("Desk key")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(
        user__username="manager_jp", type=Authenticator.Type.WEBAUTHN
    ).exists()

    page.goto("/commitments/")
    expect(page).to_have_url(f"{site.url}/commitments/")
    context.clear_cookies()  # signed out; the key stays in the browser's authenticator

    password(site, page, "manager_jp")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(f"{site.url}/")
