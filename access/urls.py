"""The account pages: django-allauth's views the tracker uses, and its own sessions page.

Chosen one by one rather than `allauth.urls` whole: nobody signs up, e-mail addresses are not
managed here, and accounts are not connected to other providers, so those pages do not exist.
"""

from allauth.account import views as account
from allauth.socialaccount import views as social
from allauth.socialaccount.providers.openid_connect import views as oidc
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path

from . import sessions

urlpatterns = [
    path("login/", account.login, name="account_login"),
    path("logout/", account.logout, name="account_logout"),
    path("inactive/", account.account_inactive, name="account_inactive"),
    path("reauthenticate/", account.reauthenticate, name="account_reauthenticate"),
    path("password/change/", account.password_change, name="account_change_password"),
    # An account made by a government's provider has no password until its user sets one.
    path("password/set/", account.password_set, name="account_set_password"),
    path("password/reset/", account.password_reset, name="account_reset_password"),
    path(
        "password/reset/done/",
        account.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        account.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    # The second factor: TOTP, WebAuthn security keys and passkeys, recovery codes.
    path("2fa/", include("allauth.mfa.urls")),
    # Each government's OpenID Connect provider (`provider_id`: india or japan).
    path("oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path(
        "oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    path("provider/cancelled/", social.login_cancelled, name="socialaccount_login_cancelled"),
    # Shown to someone whose sign-in through a provider failed, so not signed in.
    path(
        "provider/error/",
        login_not_required(social.login_error),
        name="socialaccount_login_error",
    ),
    path("provider/signup/", social.signup, name="socialaccount_signup"),
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/<int:pk>/end/", sessions.session_end, name="session-end"),
]
