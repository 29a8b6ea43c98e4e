"""Linking a client's Telegram chat to their card.

The client opens `https://t.me/<bot>?start=<token>` from their self-service page; Telegram sends
the bot's webhook `/start <token>`; the webhook checks Telegram's secret header and the token's
signature and stores the chat on the client. From then on Telegram reaches the client like SMS
and email do. `/stop` in the chat opts the client out of Telegram.

The start parameter allows only 64 characters of [A-Za-z0-9_-], so the token is not a
django.core.signing string (its ':' is not allowed) but the same idea: the client and network
ids with a truncated HMAC of them under the server's SECRET_KEY (django.utils.crypto.salted_hmac).
The webhook's secret (Telegram's X-Telegram-Bot-Api-Secret-Token header) is an HMAC of the
network id, so no secret is stored and each network's webhook has its own.
"""

from __future__ import annotations

import base64
import re

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from frontdesk.clients.models import Client
from frontdesk.core import http
from frontdesk.core.audit import log_action
from frontdesk.core.siteurl import absolute_url
from frontdesk.notifications.models import ChannelSettings, ClientTelegram, OptOut
from frontdesk.notifications.outbox import settings_for

LINK_SALT = "frontdesk.notifications.telegram.link"
WEBHOOK_SALT = "frontdesk.notifications.telegram.webhook"
TOKEN_RE = re.compile(r"^c(\d+)n(\d+)_([A-Za-z0-9_-]{22})$")


def _mac(value: str) -> str:
    digest = salted_hmac(LINK_SALT, value, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:22]


def link_token(client) -> str:
    value = f"c{client.pk}n{client.chain_id}"
    return f"{value}_{_mac(value)}"


def client_for_link_token(token: str, chain_id: int):
    match = TOKEN_RE.match(token or "")
    if not match:
        return None
    client_id, token_chain, mac = match.groups()
    if not constant_time_compare(mac, _mac(f"c{client_id}n{token_chain}")) or int(token_chain) != chain_id:
        return None
    return Client.unscoped.filter(pk=int(client_id), chain_id=chain_id, erased_at__isnull=True).first()


def deep_link(company, client) -> str:
    """The link the client's self-service page shows ('' when the branch has no bot)."""
    config = settings_for(company)
    if not (config.telegram_enabled and config.telegram_bot_name and config.telegram_token):
        return ""
    return f"https://t.me/{config.telegram_bot_name.lstrip('@')}?start={link_token(client)}"


def webhook_secret(chain_id: int) -> str:
    return salted_hmac(WEBHOOK_SALT, str(chain_id), algorithm="sha256").hexdigest()[:48]


def webhook_url(chain_id: int) -> str:
    return absolute_url(reverse("notifications:telegram_webhook", kwargs={"chain_id": chain_id}))


def register_webhook(config) -> str:
    """Tell Telegram where the bot's updates go (setWebhook with the secret); returns Telegram's
    description or raises http.HttpError."""
    url = f"{settings.NOTIFY_TELEGRAM_URL.rstrip('/')}/bot{config.telegram_token}/setWebhook"
    answer = http.post(
        url,
        json_body={
            "url": webhook_url(config.chain_id),
            "secret_token": webhook_secret(config.chain_id),
            "allowed_updates": ["message"],
        },
        timeout=settings.NOTIFY_HTTP_TIMEOUT,
        accept_error_body=True,
    ).json()
    if not answer.get("ok"):
        raise http.HttpError(str(answer.get("description", "Telegram refused")), transient=False)
    return str(answer.get("description", ""))


def link_chat(client, chat_id: str) -> None:
    """Store the chat on the client (a client re-linking from another chat moves it there)."""
    with transaction.atomic():
        ClientTelegram.unscoped.update_or_create(
            client_id=client.pk, defaults={"chain_id": client.chain_id, "chat_id": chat_id}
        )
        OptOut.unscoped.filter(client_id=client.pk, channel="telegram").delete()
        log_action(client, code="client.telegram_linked", changes={"telegram": [None, chat_id]})


def handle_update(chain_id: int, update: dict) -> str | None:
    """Act on one update from Telegram; returns the reply text for the chat (in the network's
    language of messages), or None."""
    from django.utils import translation

    language = (
        ChannelSettings.unscoped.filter(chain_id=chain_id, company__isnull=True)
        .values_list("language", flat=True)
        .first()
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        return _handle(chain_id, update)


def _handle(chain_id: int, update: dict) -> str | None:
    from django.utils.translation import gettext as _

    message = update.get("message") or {}
    text = (message.get("text") or "").strip()
    chat_id = str((message.get("chat") or {}).get("id") or "")
    if not chat_id or not text.startswith("/"):
        return None
    command, _sep, argument = text.partition(" ")
    command = command.split("@")[0].lower()
    if command == "/start":
        client = client_for_link_token(argument.strip(), chain_id)
        if client is None:
            return _("This link does not work. Open the link on your booking page again.")
        link_chat(client, chat_id)
        return _("Done: you will get messages about your visits here. Send /stop to stop them.")
    if command == "/stop":
        linked = ClientTelegram.unscoped.filter(chain_id=chain_id, chat_id=chat_id).select_related("client").first()
        if linked is None:
            return None
        OptOut.unscoped.get_or_create(client_id=linked.client_id, channel="telegram", defaults={"chain_id": chain_id})
        return _("You will get no more messages here. Open the link on your booking page to resume.")
    return None
