"""Tokens of the YCLIENTS-compatible API. Only a hash of each token is stored: a token is shown
once, when it is issued, and a database leak gives nobody access."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_hex(20)


class PartnerToken(ChainScopedModel):
    """Identifies an integration (the «partner»): a site, an app, a script of the network.
    `Authorization: Bearer <token>`; enough for the public online-booking endpoints."""

    name = models.CharField(_("name"), max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("token starts with"), max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    AUDIT_EXCLUDE = ("token_hash", "last_used_at")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("partner token")
        verbose_name_plural = _("partner tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class UserToken(ChainScopedModel):
    """A back-office user's login through the API (`POST /api/v1/auth`): `, User <token>` after
    the partner token. Valid in the network it was issued in, while the membership is active,
    for `settings.API_USER_TOKEN_DAYS` from its issue (a fixed lifetime: using a token does not
    extend it, so a leaked one dies on schedule). Revoked when the password changes or is reset,
    when the person leaves the network, and by its owner from the profile (api.signals)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    partner = models.ForeignKey(PartnerToken, on_delete=models.CASCADE, related_name="user_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    AUDIT_EXCLUDE = ("token_hash", "last_used_at")

    class Meta:
        verbose_name = _("user token")
        verbose_name_plural = _("user tokens")

    def __str__(self):
        return f"{self.user} #{self.pk}"

    @staticmethod
    def lifetime() -> datetime.timedelta:
        return datetime.timedelta(days=settings.API_USER_TOKEN_DAYS)

    @property
    def expires_at(self):
        return self.created_at + self.lifetime()
