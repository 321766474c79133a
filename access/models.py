"""Keys for other systems: hashed, expiring, scoped and revocable.

A key is shown once, when it is made; the database keeps its public prefix (to find it and to
name it in lists) and the SHA-256 digest of its secret, never the secret. A key is a random
256-bit secret, so a fast digest is enough: there is nothing to guess as there is in a password.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read")
        READ_WRITE = "read-write", _("Read and write")

    prefix = models.CharField(_("prefix"), max_length=40, unique=True)
    digest = models.CharField(max_length=64, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text=_("The key acts as this user, with their government, role and pillars."),
    )
    name = models.CharField(
        _("client"), max_length=100, blank=True, help_text=_("The system that holds the key.")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # A DRF token of the old kind, kept as its digest until `TRACKER_LEGACY_TOKENS_UNTIL`.
    legacy = models.BooleanField(_("old kind"), default=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["digest"], name="api_key_digest")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def read_only(self) -> bool:
        return self.scope == self.Scope.READ

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"
