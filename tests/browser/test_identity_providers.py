"""Each government's OpenID Connect provider (issue 25), against real providers: two
oidc-provider processes on loopback ports (tests/oidc), one configured as India's and one as
Japan's, and Chromium signing in through each.

A user signed in through a side's provider belongs to that side, whatever the provider
claims: Japan's provider asserting `tracker_side: india` makes a Japanese user."""

from collections.abc import Iterator

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from access import visibility
from commitments.models import User
from tests.oidc import OidcProvider

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "a-client-secret-of-the-tracker"
TRACKER_SCOPES = ["openid", "profile", "email", "tracker"]


def claims(login: str, *, role: str, pillars: list[str], side: str, name: str) -> dict:
    return {
        "preferred_username": login,
        "email": f"{login}@example.org",
        "name": name,
        "given_name": name.split()[0],
        "family_name": name.split()[-1],
        "tracker_role": role,
        "tracker_pillars": pillars,
        "tracker_side": side,
    }


ACCOUNTS = {
    "india": {
        "asha": claims(
            "asha", role="Manager", pillars=["maritime", "defence"], side="india", name="Asha Rao"
        )
    },
    "japan": {
        "kenji": claims("kenji", role="Analyst", pillars=["maritime"], side="japan", name="K S"),
        # Japan's provider claiming an Indian manager: its users are Japan's all the same.
        "impostor": claims(
            "impostor", role="Manager", pillars=["defence"], side="india", name="Im Postor"
        ),
    },
}


@pytest.fixture(scope="module")
def started(live_server) -> Iterator[dict[str, OidcProvider]]:
    """India's and Japan's providers, each knowing the tracker as a client."""
    started = {}
    try:
        for side, accounts in ACCOUNTS.items():
            client = {
                "client_id": f"tracker-{side}",
                "client_secret": SECRET,
                "redirect_uris": [f"{live_server.url}/accounts/oidc/{side}/login/callback/"],
                "token_endpoint_auth_method": "client_secret_post",
            }
            started[side] = OidcProvider(accounts=accounts, clients=[client]).__enter__()
        yield started
    finally:
        for provider in started.values():
            provider.__exit__(None, None, None)


@pytest.fixture
def providers(started, settings) -> dict[str, OidcProvider]:
    """The providers, configured in the tracker's settings as a deployment's environment
    would configure them (declaration_tracker/settings.py, TRACKER_OIDC_*)."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": side,
                    "name": side.title(),
                    "client_id": f"tracker-{side}",
                    "secret": SECRET,
                    "settings": {
                        "server_url": provider.issuer,
                        "side": side,
                        "scope": TRACKER_SCOPES,
                        "role_claim": "tracker_role",
                        "pillars_claim": "tracker_pillars",
                    },
                }
                for side, provider in started.items()
            ],
        }
    }
    return started


def sign_in_through(site, side: str, login: str):
    page = site.page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in through {side.title()}'s identity provider").click()
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("whatever the provider checks")
    page.get_by_role("button", name="Sign-in").click()
    return page


def test_indias_provider_signs_in_an_indian_user_with_the_claimed_role_and_pillars(site, providers):
    page = sign_in_through(site, "india", "asha")

    page.wait_for_url(f"{site.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    user = User.objects.get(socialaccount__provider="india")
    assert user.side == "india"
    assert list(user.groups.values_list("name", flat=True)) == ["Manager"]
    assert set(user.pillars.values_list("slug", flat=True)) == {"maritime", "defence"}
    assert not user.is_superuser and not user.has_usable_password()


def test_japans_provider_claiming_an_indian_role_makes_a_japanese_user(site, providers):
    page = sign_in_through(site, "japan", "impostor")

    page.wait_for_url(f"{site.url}/")
    user = SocialAccount.objects.get(provider="japan", uid="impostor").user
    assert user.side == "japan"  # the provider's side, not the claim's
    assert list(user.groups.values_list("name", flat=True)) == ["Manager"]
    # Reading as Japan: India's national items stay out of reach.
    assert visibility.reader_markings(user) == {"public", "bilateral", "japan_only"}


def test_the_providers_claims_update_the_role_at_the_next_sign_in(site, providers):
    sign_in_through(site, "japan", "kenji").wait_for_url(f"{site.url}/")
    user = User.objects.get(socialaccount__uid="kenji")
    assert list(user.groups.values_list("name", flat=True)) == ["Analyst"]

    ACCOUNTS["japan"]["kenji"]["tracker_role"] = "Viewer"
    try:
        # The provider reads its accounts at start: restart Japan's with the new claim.
        providers["japan"].__exit__(None, None, None)
        providers["japan"].accounts = ACCOUNTS["japan"]
        providers["japan"].__enter__()
        sign_in_through(site, "japan", "kenji").wait_for_url(f"{site.url}/")
    finally:
        ACCOUNTS["japan"]["kenji"]["tracker_role"] = "Analyst"

    user = User.objects.get(socialaccount__uid="kenji")
    assert list(user.groups.values_list("name", flat=True)) == ["Viewer"]
    assert user.side == "japan"


def test_a_provider_account_needs_the_second_factor_its_role_requires(site, providers, settings):
    settings.TRACKER_MFA_REQUIRED = "managers"

    page = sign_in_through(site, "india", "asha")

    page.wait_for_url("**/accounts/2fa/?next=%2F")
    page.goto("/commitments/")
    expect(page).to_have_url(f"{site.url}/accounts/2fa/?next=%2Fcommitments%2F")
