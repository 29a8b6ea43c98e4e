"""A client links Telegram from their booking page: the deep link carries a signed token, the
bot's webhook (Telegram's secret header) stores the chat, and from then on booking messages reach
the client in Telegram — sent to the loopback stand-in for api.telegram.org."""

import json
import re

import pytest
from django.test import Client as Browser
from django.urls import reverse

from frontdesk.booking.phone_codes import phone_token
from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope
from frontdesk.notifications.models import ChannelSettings, ClientTelegram, Message, MessageEvent, OptOut
from frontdesk.notifications.telegram import link_token, webhook_secret
from frontdesk.notifications.tests.conftest import at
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.services import book_visit
from frontdesk.testing.fixtures import client_for


@pytest.fixture
def bot(salon):
    return ChannelSettings.objects.create(
        chain=salon.chain,
        company=None,
        language="en",
        sms_enabled=False,
        telegram_enabled=True,
        telegram_token="good-token",
        telegram_bot_name="lavender_bot",
        quiet_from=None,
        quiet_to=None,
        reminder_hours="",
    )


@pytest.fixture
def vera(salon):
    return Client.objects.create(chain=salon.chain, name="Vera", phone="+79123456789")


def hook(salon, update, secret=None):
    return Browser().post(
        reverse("notifications:telegram_webhook", kwargs={"chain_id": salon.chain.pk}),
        data=json.dumps(update),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=webhook_secret(salon.chain.pk) if secret is None else secret,
    )


def start(token, chat=424242):
    return {
        "update_id": 1,
        "message": {"message_id": 5, "chat": {"id": chat, "type": "private"}, "text": f"/start {token}"},
    }


def test_the_booking_page_shows_the_deep_link_and_the_webhook_links_the_chat(salon, bot, vera, gateway):
    page = Browser().get(
        reverse("booking:my_records", kwargs={"branch_id": salon.company.pk})
        + f"?pt={phone_token(salon.chain.pk, vera.phone)}&lang=en"
    )
    link = re.search(r'href="(https://t\.me/lavender_bot\?start=([^"]+))"', page.text)
    assert link is not None and "Get messages in Telegram" in page.text
    token = link.group(2)
    assert len(token) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", token)

    answer = hook(salon, start(token))
    assert answer.status_code == 200 and answer.json()["method"] == "sendMessage"
    assert answer.json()["chat_id"] == 424242
    assert ClientTelegram.objects.get(client=vera).chat_id == "424242"

    with scope(salon.chain):
        book_visit(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "10:00"),
            client=vera,
        )
    deliver_due()
    [request] = gateway.requests
    assert request.path == "/botgood-token/sendMessage" and request.data["chat_id"] == "424242"
    assert "you are booked" in request.data["text"]
    assert request.key == Message.objects.get(event=MessageEvent.BOOKED).idempotency_key


def test_the_webhook_refuses_a_wrong_secret_and_a_forged_or_foreign_token(salon, bot, vera, tenant_b):
    token = link_token(vera)
    assert hook(salon, start(token), secret="guess").status_code == 403
    assert hook(salon, start(token), secret="").status_code == 403
    # Another network's secret does not open this network's webhook.
    assert hook(salon, start(token), secret=webhook_secret(tenant_b.chain.pk)).status_code == 403
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    answer = hook(salon, start(forged))
    assert answer.status_code == 200 and "does not work" in answer.json()["text"]
    # A valid token of this network sent to another network's webhook links nothing there.
    other = Browser().post(
        reverse("notifications:telegram_webhook", kwargs={"chain_id": tenant_b.chain.pk}),
        data=json.dumps(start(token)),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=webhook_secret(tenant_b.chain.pk),
    )
    # (network B speaks Russian: its bot says the link does not work)
    assert other.status_code == 200 and "ссылка не работает" in other.json()["text"]
    assert hook(salon, {"not": "a message"}).status_code == 200
    assert (
        Browser().get(reverse("notifications:telegram_webhook", kwargs={"chain_id": salon.chain.pk})).status_code == 405
    )
    assert not ClientTelegram.objects.exists()


def test_stop_in_the_chat_opts_the_client_out_of_telegram(salon, bot, vera):
    hook(salon, start(link_token(vera)))
    answer = hook(salon, {"message": {"chat": {"id": 424242}, "text": "/stop"}})
    assert "no more messages" in answer.json()["text"]
    assert OptOut.objects.filter(client=vera, channel="telegram").exists()
    hook(salon, start(link_token(vera)))  # linking again resumes
    assert not OptOut.objects.filter(client=vera, channel="telegram").exists()


def test_the_owner_connects_the_bot_through_set_webhook(salon, bot, alice, gateway):
    page = client_for(alice).post(
        reverse("notifications:settings_telegram", kwargs={"company_id": salon.company.pk}), follow=True
    )
    assert "The bot is connected" in page.text
    [request] = gateway.requests
    assert request.path == "/botgood-token/setWebhook"
    assert request.data["secret_token"] == webhook_secret(salon.chain.pk)
    assert request.data["url"].endswith(f"/telegram/{salon.chain.pk}/webhook/")
    ChannelSettings.objects.filter(pk=bot.pk).update(telegram_token="bad-token")
    page = client_for(alice).post(
        reverse("notifications:settings_telegram", kwargs={"company_id": salon.company.pk}), follow=True
    )
    assert "Telegram did not accept the webhook" in page.text
