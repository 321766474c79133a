"""Signing in: django-allauth adapted to the tracker's sides, roles and second-factor policy.

- Local accounts sign in with a username and password, then a second factor if they have one
  (allauth's MFA stage); nobody signs themselves up.
- Who must have a second factor is `settings.TRACKER_MFA_REQUIRED`: `all`, `managers`
  (managers, side administrators and the operator) or `none`. Such a user without one reaches
  only the pages that enrol it (`SecondFactorMiddleware`).
- A failed second-factor code counts as a failed log-in for django-axes, which locks the
  username and address out after `AXES_FAILURE_LIMIT` failures, password or code alike.
- A user signed in through a government's OpenID Connect provider belongs to that government:
  the side comes from which provider signed them in, never from a claim; their role and pillars
  come from the provider's claims at each sign-in.
"""

import base64
import hashlib
import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import permissions
from .choices import Role, Side

log = logging.getLogger(__name__)

MFA_POLICIES = ("all", "managers", "none")
# What a user who must enrol a second factor may still reach: the account pages (enrolling,
# signing out, the password), the language switcher, static files and the operator's probes.
ENROL_PREFIXES = ("/accounts/", "/i18n/", "/jsi18n/", "/static/", "/health/", "/metrics")


# --- the policy ----------------------------------------------------------------------------


def second_factor_required(user) -> bool:
    """Say whether the policy requires `user` to sign in with a second factor."""
    if not user.is_authenticated or not user.is_active:
        return False
    policy = settings.TRACKER_MFA_REQUIRED
    if policy == "all":
        return True
    if policy == "none":
        return False
    return permissions.is_operator(user) or bool(
        permissions.roles_of(user) & {Role.MANAGER, Role.ADMINISTRATOR}
    )


def has_second_factor(user) -> bool:
    """Say whether `user` has enrolled a second factor (an authenticator app or a security key;
    recovery codes alone are a fallback, not a factor). Cached on the user for the request."""
    cached = getattr(user, "_tracker_second_factor", None)
    if cached is None:
        cached = (
            Authenticator.objects.filter(user=user)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .exists()
        )
        user._tracker_second_factor = cached
    return cached


class SecondFactorMiddleware:
    """Keep a signed-in user whose role requires a second factor, and who has none, from
    everything but enrolling one: a page sends them to enrol, an htmx fragment is refused with
    the enrol page as its redirect, an API call (on their session) is a 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path_info.startswith(ENROL_PREFIXES)
            and second_factor_required(user)
            and not has_second_factor(user)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        enrol = reverse("mfa_index")
        message = _("Your role requires a second factor: set one up to continue.")
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "status": 403,
                        "code": "second_factor_required",
                        "message": message,
                        "fields": {},
                    }
                },
                status=403,
            )
        if request.headers.get("HX-Request"):
            response = HttpResponseForbidden(message)
            response["HX-Redirect"] = enrol
            return response
        if request.method == "GET":
            enrol = f"{enrol}?{urlencode({'next': request.get_full_path()})}"
        from django.contrib import messages

        messages.warning(request, message)
        return HttpResponseRedirect(enrol)


# --- allauth's adapters --------------------------------------------------------------------


class AccountAdapter(DefaultAccountAdapter):
    """Local accounts: nobody signs up (administrators add people); no chatter on signing in
    and out."""

    QUIET = ("account/messages/logged_in.txt", "account/messages/logged_out.txt")

    def is_open_for_signup(self, request) -> bool:
        return False

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if message_template in self.QUIET:
            return
        super().add_message(request, level, message_template, *args, **kwargs)


def _fernet():
    """The key the second factors' secrets are encrypted with, from SECRET_KEY (and, to read
    what was encrypted before a rotation, SECRET_KEY_FALLBACKS)."""
    from cryptography.fernet import Fernet, MultiFernet

    def key(secret: str) -> Fernet:
        digest = hashlib.sha256(f"tracker-mfa:{secret}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))

    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([key(secret) for secret in keys])


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted; the last second factor of a
    user who must have one cannot be removed (an administrator resets it instead)."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def get_totp_label(self, user) -> str:
        return user.get_username()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        if not second_factor_required(user):
            return True
        others = (
            Authenticator.objects.filter(user=user)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .exclude(pk=authenticator.pk)
        )
        return others.exists()


class AuthenticateForm(AllauthAuthenticateForm):
    """The second-factor code, under django-axes: refused while the username is locked out,
    and a wrong code counts as a failed log-in."""

    def clean_code(self) -> str:
        from axes.handlers.proxy import AxesProxyHandler

        request = context.request
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True  # AxesMiddleware answers with the lock-out page
            raise ValidationError(_("Too many failed attempts: try again later."))
        try:
            return super().clean_code()
        except ValidationError:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            raise


# --- each government's identity provider ---------------------------------------------------


def provider_side(sociallogin) -> str:
    """The side of the provider that signed the user in (its configuration's, not a claim)."""
    app = sociallogin.account.get_provider().app
    side = (app.settings or {}).get("side", "")
    return side if side in Side.values else ""


def provider_claims(sociallogin) -> dict:
    """The claims the provider gave: the ID token's, then the userinfo endpoint's over them."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def claimed_role(sociallogin) -> str | None:
    app = sociallogin.account.get_provider().app
    claim = (app.settings or {}).get("role_claim", "tracker_role")
    value = str(provider_claims(sociallogin).get(claim) or "").strip().lower()
    return next((role for role in Role.values if role.lower() == value), None)


def claimed_pillars(sociallogin) -> list[str]:
    app = sociallogin.account.get_provider().app
    claim = (app.settings or {}).get("pillars_claim", "tracker_pillars")
    value = provider_claims(sociallogin).get(claim) or []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return [str(slug) for slug in value]


def apply_claims(user, sociallogin) -> None:
    """Give `user` the role and pillars the provider's claims name (none if it names none)."""
    role = claimed_role(sociallogin)
    groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*groups)
    if role:
        user.groups.add(Group.objects.get(name=role))
    Pillar = apps.get_model("commitments", "Pillar")
    user.pillars.set(Pillar.objects.filter(slug__in=claimed_pillars(sociallogin)))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A government's provider signs in that government's users only."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return bool(provider_side(sociallogin))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.side = provider_side(sociallogin)
        user.is_superuser = False
        user.is_staff = False
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        apply_claims(user, sociallogin)
        return user

    def pre_social_login(self, request, sociallogin):
        """An account seen before keeps its side: signed in by the other side's provider, or an
        operator's account, it is refused. Its role and pillars follow the claims."""
        if not sociallogin.is_existing:
            return
        user = sociallogin.user
        side = provider_side(sociallogin)
        if not side or user.side != side or user.is_superuser:
            log.warning("refused a sign-in by the %s provider for user %s", side, user.pk)
            raise ImmediateHttpResponse(
                HttpResponseForbidden(_("This provider does not sign in this account."))
            )
        apply_claims(user, sociallogin)
