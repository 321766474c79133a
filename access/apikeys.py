"""Making, checking and revoking API keys (`models.ApiKey`).

A key reads `dtk_<prefix>_<secret>`: `prefix` finds the row, the secret's SHA-256 digest must
match. Scripts send it as `Authorization: Token <key>` (the scheme they already use) or
`Authorization: Bearer <key>`. A DRF token of the old kind keeps working, as the digest the
migration kept of it, until `TRACKER_LEGACY_TOKENS_UNTIL`.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ApiKey

PREFIX = "dtk_"
LAST_USE_EVERY = datetime.timedelta(minutes=1)


class KeyRefused(Exception):
    """Why a key does not sign in (the API answers 401 with it)."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def default_days() -> int:
    return settings.TRACKER_API_KEY_DAYS


@transaction.atomic
def api_key_create(
    user, *, name: str = "", days: int | None = None, read_only: bool = False
) -> tuple[ApiKey, str]:
    """A new key for `user`: the row, and the key itself (shown once, never stored).
    `days` 0 makes a key that does not expire."""
    days = default_days() if days is None else days
    while True:
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    secret = secrets.token_hex(32)
    key = ApiKey.objects.create(
        prefix=prefix,
        digest=digest(secret),
        user=user,
        name=name,
        scope=ApiKey.Scope.READ if read_only else ApiKey.Scope.READ_WRITE,
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    return key, f"{PREFIX}{prefix}_{secret}"


def api_key_revoke(key: ApiKey) -> ApiKey:
    """Revoke at once: the next request with it is a 401."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def user_keys_revoke(user) -> int:
    """Revoke every key of `user` (a deactivated user, a reset)."""
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def legacy_cutoff() -> datetime.datetime:
    day = datetime.date.fromisoformat(settings.TRACKER_LEGACY_TOKENS_UNTIL)
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


def key_check(raw: str) -> ApiKey:
    """The key `raw` names if it may sign in now, else KeyRefused saying why."""
    now = timezone.now()
    if raw.startswith(PREFIX):
        prefix, _sep, secret = raw[len(PREFIX) :].partition("_")
        key = ApiKey.objects.select_related("user").filter(prefix=prefix, legacy=False).first()
        if key is None or not hmac.compare_digest(key.digest, digest(secret)):
            raise KeyRefused("Invalid API key.")
    else:
        key = ApiKey.objects.select_related("user").filter(legacy=True, digest=digest(raw)).first()
        if key is None:
            raise KeyRefused("Invalid API key.")
        if now > legacy_cutoff():
            raise KeyRefused(
                "Tokens of the old kind stopped working after "
                f"{settings.TRACKER_LEGACY_TOKENS_UNTIL}: ask your administrator for a new "
                "API key (python manage.py api_key_create)."
            )
    state = key.state(now)
    if state == "revoked":
        raise KeyRefused("This API key has been revoked.")
    if state == "expired":
        raise KeyRefused("This API key has expired: ask for a new one.")
    if not key.user.is_active:
        raise KeyRefused("User inactive or deleted.")
    if key.last_used_at is None or now - key.last_used_at > LAST_USE_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def user_deactivating(sender, instance, raw=False, update_fields=None, **_kwargs) -> None:
    """Before a save: note whether it deactivates the user."""
    instance._deactivated = False
    if raw or instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list("is_active", flat=True)
    instance._deactivated = bool(stored.first())


def user_deactivated(sender, instance, raw=False, **_kwargs) -> None:
    """After a save that deactivated the user: move their session epoch on, which ends every
    session they signed in before (for good: their session hash no longer matches, reactivated
    or not), and revoke their API keys."""
    if raw or not getattr(instance, "_deactivated", False):
        return
    from .sessions import user_sessions_end  # its models load after the app registry

    instance._deactivated = False
    user_sessions_end(instance)
    user_keys_revoke(instance)
