"""The test OpenID Connect provider works end to end: an authorization code flow run with httpx,
as a browser would, from the sign-in form to the ID token and the userinfo endpoint."""

import base64
import html
import json
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from tests.oidc import OidcProvider

REDIRECT_URI = "http://127.0.0.1:9/callback"  # never fetched: the code is read off the redirect
SCOPE = "openid profile email tracker"
ASHA = {
    "email": "asha@example.org",
    "email_verified": True,
    "preferred_username": "asha",
    "name": "Asha",
    "tracker_role": "Manager",
    "tracker_pillars": ["maritime"],
    "tracker_side": "india",
}
CLIENTS = [
    {"client_id": "basic", "client_secret": "basic-secret", "redirect_uris": [REDIRECT_URI]},
    {
        "client_id": "post",
        "client_secret": "post-secret",
        "redirect_uris": [REDIRECT_URI],
        "token_endpoint_auth_method": "client_secret_post",
    },
]


@pytest.fixture(scope="module")
def provider():
    with OidcProvider(accounts={"asha": ASHA}, clients=CLIENTS) as running:
        yield running


def follow_within(browser: httpx.Client, response: httpx.Response, issuer: str) -> httpx.Response:
    """Follow the provider's redirects to its own pages; stop at one that leaves it."""
    while response.is_redirect:
        target = urljoin(str(response.url), response.headers["location"])
        if not target.startswith(issuer + "/"):
            break
        response = browser.get(target)
    return response


def jwt_payload(token: str) -> dict:
    """The claims of a JWT, read without checking its signature."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def sign_in(provider: OidcProvider, client: dict, login: str) -> dict:
    """An authorization code flow for `login`; the token endpoint's answer."""
    discovery = httpx.get(provider.discovery_url).raise_for_status().json()
    assert discovery["issuer"] == provider.issuer
    assert "tracker" in discovery["scopes_supported"]
    state, nonce = secrets.token_urlsafe(), secrets.token_urlsafe()

    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        authorize = browser.get(
            discovery["authorization_endpoint"],
            params={
                "client_id": client["client_id"],
                "redirect_uri": REDIRECT_URI,
                "response_type": "code",
                "scope": SCOPE,
                "state": state,
                "nonce": nonce,
            },
        )
        form = follow_within(browser, authorize, provider.issuer)
        assert form.status_code == 200, form.text
        assert 'name="login"' in form.text and 'name="password"' in form.text
        action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', form.text)[1])

        signed_in = browser.post(
            urljoin(str(form.url), action),
            data={"prompt": "login", "login": login, "password": "anything"},
        )
        back = follow_within(browser, signed_in, provider.issuer)
        # Consent is given without a page: the next stop is the client's redirect URI.
        assert back.is_redirect, back.text
        location = back.headers["location"]
        assert location.startswith(REDIRECT_URI + "?"), location
        answer = parse_qs(urlsplit(location).query)
        assert answer["state"] == [state]
        assert answer["iss"] == [provider.issuer]

    grant = {
        "grant_type": "authorization_code",
        "code": answer["code"][0],
        "redirect_uri": REDIRECT_URI,
    }
    if client.get("token_endpoint_auth_method") == "client_secret_post":
        grant |= {"client_id": client["client_id"], "client_secret": client["client_secret"]}
        auth = None
    else:
        auth = (client["client_id"], client["client_secret"])
    tokens = httpx.post(discovery["token_endpoint"], data=grant, auth=auth)
    assert tokens.status_code == 200, tokens.text
    tokens = tokens.json()
    assert jwt_payload(tokens["id_token"])["nonce"] == nonce
    tokens["userinfo"] = (
        httpx.get(
            discovery["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        .raise_for_status()
        .json()
    )
    return tokens


@pytest.mark.parametrize("client", CLIENTS, ids=lambda client: client["client_id"])
def test_code_flow_gives_the_accounts_claims(provider, client):
    """Both client authentication methods; the claims in the ID token and from userinfo."""
    tokens = sign_in(provider, client, "asha")

    id_token = jwt_payload(tokens["id_token"])
    assert id_token["iss"] == provider.issuer
    assert id_token["aud"] == client["client_id"]
    for claims in (id_token, tokens["userinfo"]):
        assert claims["sub"] == "asha"
        for name, value in ASHA.items():
            assert claims[name] == value, name


def test_unknown_login_signs_in_with_sub_only(provider):
    """A login that is not an account still signs in, with no claim but `sub`."""
    tokens = sign_in(provider, CLIENTS[0], "nobody")
    assert tokens["userinfo"] == {"sub": "nobody"}
    assert "email" not in jwt_payload(tokens["id_token"])


def test_provider_process_ends_with_the_context():
    with OidcProvider(accounts={}, clients=CLIENTS) as running:
        process = running.process
        assert process.poll() is None
        httpx.get(running.discovery_url).raise_for_status()
    assert process.returncode is not None  # ended and reaped
    with pytest.raises(httpx.ConnectError):
        httpx.get(running.discovery_url)
