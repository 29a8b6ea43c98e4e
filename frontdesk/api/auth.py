"""`Authorization: Bearer <partner>[, User <user>]` → the network, the integration and maybe a
back-office user. This is the one place where an API request enters a network's scope: the
network comes from the token, never from the payload or the URL."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security.http import HttpAuthBase

from frontdesk.accounts.models import Membership
from frontdesk.api.models import PartnerToken, UserToken, hash_token
from frontdesk.api.wire import ApiError
from frontdesk.core.context import Actor, Source, set_actor
from frontdesk.core.middleware import client_ip
from frontdesk.core.ratelimit import allow
from frontdesk.core.scopes import enter_scope, scopes_disabled

HEADER = re.compile(r"^\s*Bearer\s+([^,\s]+)\s*(?:,\s*User\s+([^,\s]+))?\s*,?\s*$", re.IGNORECASE)


@dataclass
class ApiContext:
    chain_id: int
    partner: PartnerToken
    user: object | None = None
    membership: Membership | None = None


def parse_authorization(value: str | None) -> tuple[str, str | None] | None:
    match = HEADER.match(value or "")
    if not match:
        return None
    return match.group(1), match.group(2)


class TokenAuth(HttpAuthBase):
    """Partner token required; a user token, when sent, must be valid too (else 401)."""

    openapi_scheme = "bearer"

    def __call__(self, request) -> ApiContext:
        parsed = parse_authorization(request.headers.get("Authorization"))
        if parsed is None:
            raise ApiError(401, _("Send the partner token: “Authorization: Bearer <token>”."))
        partner_raw, user_raw = parsed
        limit = settings.API_RATE_LIMIT
        if limit and not allow(f"api:{hash_token(partner_raw)[:20]}:{client_ip(request)}", limit, 60):
            raise ApiError(429, _("Too many requests. Wait a minute and try again."), meta={"retry_after": 60})
        with scopes_disabled():
            partner = PartnerToken.unscoped.filter(token_hash=hash_token(partner_raw), revoked_at__isnull=True).first()
            if partner is None:
                raise ApiError(401, _("The partner token is wrong or revoked."))
            context = ApiContext(chain_id=partner.chain_id, partner=partner)
            now = timezone.now()
            if user_raw:
                user_token = (
                    UserToken.unscoped.select_related("user")
                    .filter(token_hash=hash_token(user_raw), chain_id=partner.chain_id, revoked_at__isnull=True)
                    .first()
                )
                if user_token is not None and user_token.expires_at <= now:
                    raise ApiError(401, _("The user token has expired. Log in again."))
                membership = (
                    Membership.unscoped.filter(chain_id=partner.chain_id, user=user_token.user, is_active=True).first()
                    if user_token is not None and user_token.user.is_active
                    else None
                )
                if membership is None:
                    raise ApiError(401, _("The user token is wrong or revoked. Log in again."))
                context.user, context.membership = user_token.user, membership
                if user_token.last_used_at is None or (now - user_token.last_used_at).total_seconds() > 300:
                    UserToken.unscoped.filter(pk=user_token.pk).update(last_used_at=now)
            if partner.last_used_at is None or (now - partner.last_used_at).total_seconds() > 300:
                PartnerToken.unscoped.filter(pk=partner.pk).update(last_used_at=now)
        # Left by TenantMiddleware at the end of the request, like a back-office scope.
        request._scope_tokens = getattr(request, "_scope_tokens", [])
        request._scope_tokens.append(enter_scope(partner.chain_id))
        set_actor(Actor(user_id=getattr(context.user, "pk", None), source=Source.API, ip=client_ip(request)))
        return context


def require_user(request, section: str | None = None, level: int = 1, company=None) -> ApiContext:
    """CRM endpoints need a user token (401) with the right in the section and branch (403)."""
    context: ApiContext = request.auth
    if context.membership is None:
        raise ApiError(401, _("This method needs a user token: log in with POST /api/v1/auth."))
    if section is not None and not context.membership.can(section, level):
        raise ApiError(403, _("You have no access to this section."))
    if company is not None and not context.membership.has_company(company):
        raise ApiError(403, _("You have no access to this branch."))
    return context
