"""Each government's OpenID Connect provider is configured from the environment
(declaration_tracker/settings.py, TRACKER_OIDC_<SIDE>_*); the sign-in through real providers is
tests/browser/test_identity_providers.py."""

import os
import runpy
from unittest import mock

from tests.settings import TRACKER_SETTINGS


def settings_with(environment: dict) -> dict:
    with mock.patch.dict(os.environ, environment):
        return runpy.run_path(str(TRACKER_SETTINGS))


def test_a_side_without_an_issuer_has_no_provider():
    apps = settings_with({})["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"]

    assert apps == []


def test_each_sides_provider_comes_from_its_own_variables():
    loaded = settings_with(
        {
            "TRACKER_OIDC_JAPAN_ISSUER": "https://id.example.jp/realms/gov",
            "TRACKER_OIDC_JAPAN_CLIENT_ID": "tracker",
            "TRACKER_OIDC_JAPAN_CLIENT_SECRET": "s3cret",
            "TRACKER_OIDC_JAPAN_ROLE_CLAIM": "roles",
            "TRACKER_OIDC_JAPAN_SCOPES": "openid,profile,email,tracker",
        }
    )

    (app,) = loaded["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"]
    assert app["provider_id"] == "japan"
    assert (app["client_id"], app["secret"]) == ("tracker", "s3cret")
    assert app["settings"] == {
        "server_url": "https://id.example.jp/realms/gov",
        "side": "japan",
        "scope": ["openid", "profile", "email", "tracker"],
        "role_claim": "roles",
        "pillars_claim": "tracker_pillars",
    }
