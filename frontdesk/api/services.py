"""Issuing and revoking API tokens, and the few record/client changes the API makes that the
back office has no service for yet. Every state change is one atomic function."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.api.models import PartnerToken, UserToken, hash_token, new_token


@transaction.atomic
def issue_partner_token(*, chain, name: str, created_by=None, raw: str | None = None) -> tuple[PartnerToken, str]:
    """A new partner token of the network. Returns the row and the token itself, which is
    shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Name the integration the token is for."))
    raw = raw or new_token()
    token = PartnerToken.objects.create(
        chain=chain, name=name[:120], token_hash=hash_token(raw), prefix=raw[:8], created_by=created_by
    )
    return token, raw


@transaction.atomic
def revoke_partner_token(token: PartnerToken) -> PartnerToken:
    """From now on the token and every user token issued through it answer 401."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        UserToken.objects.filter(partner=token, revoked_at__isnull=True).update(revoked_at=token.revoked_at)
    return token


def revoke_user_tokens(*, user_id: int, chain_id: int | None = None) -> int:
    """Revoke the person's live user tokens (in one network, or in all); returns how many."""
    rows = UserToken.unscoped.filter(user_id=user_id, revoked_at__isnull=True)
    if chain_id is not None:
        rows = rows.filter(chain_id=chain_id)
    return rows.update(revoked_at=timezone.now())


@transaction.atomic
def issue_user_token(*, partner: PartnerToken, user) -> str:
    raw = new_token()
    UserToken.objects.create(chain_id=partner.chain_id, partner=partner, user=user, token_hash=hash_token(raw))
    return raw


def demo_partner_token_value(chain) -> str:
    """The demo network's partner token, derived from SECRET_KEY so that `make run` can print
    it again on every start while the database keeps only its hash. Only for the demo."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"frontdesk-demo-partner:{chain.pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


DEMO_TOKEN_NAME = "Demo integration"


@transaction.atomic
def ensure_demo_partner_token(chain) -> str:
    """The demo token, re-issued if SECRET_KEY changed since the demo was made."""
    raw = demo_partner_token_value(chain)
    if not PartnerToken.objects.filter(chain=chain, token_hash=hash_token(raw), revoked_at__isnull=True).exists():
        for old in PartnerToken.objects.filter(chain=chain, name=DEMO_TOKEN_NAME, revoked_at__isnull=True):
            revoke_partner_token(old)
        issue_partner_token(chain=chain, name=DEMO_TOKEN_NAME, raw=raw)
    return raw
