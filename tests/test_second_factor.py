"""The second factor (issue 25): signing in with a password then a code, the policy of who must
have one (TRACKER_MFA_REQUIRED), the lock-out on wrong codes, and the demo's authenticator.

The browser journeys (TOTP, recovery codes, a security key in Chromium's virtual
authenticator) are tests/browser/test_sign_in.py."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from commitments.models import User
from tests.factories import analyst, manager, superuser, viewer

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db]

PASSWORD = "a-long-test-password"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def policy(settings):
    settings.TRACKER_MFA_REQUIRED = "managers"
    return settings


def enrol(user, secret: str = SECRET) -> TOTP:
    return TOTP.activate(user, secret)


def password(client, username: str):
    return client.post("/accounts/login/", {"login": username, "password": PASSWORD})


def code(client, value: str):
    return client.post("/accounts/2fa/authenticate/", {"code": value})


def test_a_password_alone_does_not_sign_in_a_user_with_a_second_factor(client):
    enrol(manager(username="chief"))

    answer = password(client, "chief")

    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/2fa/authenticate/"
    # Not signed in yet: every page, fragment and API call is still refused.
    assert client.get("/").status_code == 302
    assert client.get("/commitments/").status_code == 302
    assert client.get("/api/v1/commitments/").status_code in (401, 403)
    assert client.get("/admin/").status_code == 302


def test_the_code_completes_the_sign_in_and_a_wrong_one_does_not(client):
    enrol(manager(username="chief"))
    password(client, "chief")

    wrong = code(client, "000000" if pyotp.TOTP(SECRET).now() != "000000" else "111111")
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert client.get("/").status_code == 302

    right = code(client, pyotp.TOTP(SECRET).now())
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_a_recovery_code_signs_in_once(client):
    user = manager(username="chief")
    enrol(user)
    recovery = RecoveryCodes.activate(user).get_unused_codes()[0]

    password(client, "chief")
    assert code(client, recovery).status_code == 302
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")
    password(client, "chief")
    assert code(client, recovery).status_code == 200  # used up
    assert client.get("/").status_code == 302


def test_wrong_codes_lock_the_user_out_as_wrong_passwords_do(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    enrol(manager(username="chief"))
    password(client, "chief")

    answers = [code(client, "12345678") for _ in range(3)]

    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[2].status_code == 429
    assert AccessAttempt.objects.filter(username="chief").get().failures_since_start == 3
    # Locked: the right code and the right password are refused alike.
    assert code(client, pyotp.TOTP(SECRET).now()).status_code == 429
    assert password(Client_(), "chief").status_code == 429


def Client_():
    from django.test import Client

    return Client()


@pytest.mark.parametrize("role", ["manager", "operator"])
def test_a_user_who_must_enrol_reaches_nothing_else_until_they_do(client, role):
    user = manager(username="chief") if role == "manager" else superuser(username="chief")
    password(client, "chief")

    page = client.get("/commitments/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/2fa/?next=%2Fcommitments%2F"
    fragment = client.get("/commitments/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 403
    assert fragment["HX-Redirect"] == "/accounts/2fa/"
    api = client.get("/api/v1/commitments/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"
    assert client.get("/admin/").status_code == 302
    # The pages that enrol it, and signing out, stay open.
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/sessions/").status_code == 200

    enrol(user)
    assert client.get("/commitments/").status_code == 200
    assert client.get("/api/v1/commitments/").status_code == 200


def test_the_policy_managers_spares_analysts_and_viewers_and_all_does_not(client, settings):
    analyst("maritime", username="worker")
    viewer(username="reader")

    password(client, "worker")
    assert client.get("/commitments/").status_code == 200
    client.post("/accounts/logout/")

    settings.TRACKER_MFA_REQUIRED = "all"
    password(client, "reader")
    assert client.get("/commitments/").status_code == 302

    settings.TRACKER_MFA_REQUIRED = "none"
    assert client.get("/commitments/").status_code == 200


def test_an_api_key_is_not_a_session_and_is_not_held_to_enrolment(client):
    """Machine clients authenticate with their own hashed, scoped, expiring key; the policy is
    about people signing in."""
    from tests.api_base import token_for

    key = token_for(manager(username="chief"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert api.get("/api/v1/commitments/").status_code == 200


def test_the_last_second_factor_of_a_user_who_must_have_one_cannot_be_removed():
    from access.signin import MFAAdapter

    user = manager(username="chief")
    totp = enrol(user).instance
    codes = RecoveryCodes.activate(user).instance

    assert not MFAAdapter().can_delete_authenticator(totp)
    assert MFAAdapter().can_delete_authenticator(codes)
    assert MFAAdapter().can_delete_authenticator(enrol(viewer(username="reader")).instance)


def test_the_authenticator_secret_is_stored_encrypted():
    user = manager(username="chief")
    enrol(user)

    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE user_id = %s", [user.pk])
        (stored,) = cursor.fetchone()

    assert SECRET not in stored
    assert TOTP(Authenticator.objects.get(user=user)).validate_code(pyotp.TOTP(SECRET).now())


def test_seed_demo_enrols_the_users_whose_role_requires_it(client):
    call_command("seed_demo", password=PASSWORD, totp_secret=SECRET.lower())

    enrolled = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
            "user__username", flat=True
        )
    )
    assert enrolled == {"admin", "manager", "manager_jp", "admin_in", "admin_jp"}
    answer = password(client, "manager_jp")
    assert answer["Location"] == "/accounts/2fa/authenticate/"
    assert code(client, pyotp.TOTP(SECRET).now()).status_code == 302
    assert client.get("/").status_code == 200
    assert User.objects.get(username="analyst").is_active


def test_seed_demo_refuses_a_secret_that_is_not_base32():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--totp-secret"):
        call_command("seed_demo", password=PASSWORD, totp_secret="not base32!")
