"""Each channel against a stand-in on loopback: what arrives there, and which failures are
worth a retry."""

import socket
import time

import pytest

from frontdesk.core import sms
from frontdesk.notifications.channels import DeliveryError, channel_for
from frontdesk.notifications.models import ChannelKind, ChannelSettings, SmsProvider


def config(**fields):
    return ChannelSettings(**fields)


def test_an_email_arrives_at_the_smtp_server_with_the_message_key(smtp_server):
    channel = channel_for(ChannelKind.EMAIL, config(email_from="Лаванда <salon@example.com>"))
    delivery = channel.send(to="vera@example.com", subject="Запись", body="Вы записаны на 10:00", key="k-1")
    [letter] = smtp_server.letters
    assert letter["To"] == "vera@example.com" and letter["Subject"] == "Запись"
    assert letter["Message-ID"] == "<k-1@frontdesk>" == delivery.provider_message_id
    assert "Вы записаны на 10:00" in letter.get_content()


def test_an_unreachable_smtp_server_is_worth_a_retry(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with pytest.raises(DeliveryError) as error:
        channel_for(ChannelKind.EMAIL, config()).send(to="a@example.com", subject="s", body="b", key="k")
    assert error.value.transient


def test_sms_ru_gets_the_number_and_text_and_reports_the_id_and_cost(gateway):
    channel = channel_for(ChannelKind.SMS, config(sms_provider=SmsProvider.SMSRU, sms_secret="good-key"))
    delivery = channel.send(to="+79123456789", subject="", body="Напоминание", key="k-2")
    [request] = gateway.requests
    assert request.path == "/sms/send" and request.data["to"] == "79123456789" and request.data["msg"] == "Напоминание"
    assert request.key == "k-2" and delivery.provider_message_id == "2000-1" and str(delivery.cost) == "2.45"


def test_sms_ru_refusing_the_key_is_not_retried(gateway):
    channel = channel_for(ChannelKind.SMS, config(sms_provider=SmsProvider.SMSRU, sms_secret="wrong"))
    with pytest.raises(DeliveryError) as error:
        channel.send(to="+79123456789", subject="", body="x", key="k")
    assert not error.value.transient and "api_id" in str(error.value)


def test_smsc_reports_the_cost_and_a_bad_password_fails_for_good(gateway):
    good = config(sms_provider=SmsProvider.SMSC, sms_login="salon", sms_secret="good-password", sms_sender="Lavanda")
    delivery = channel_for(ChannelKind.SMS, good).send(to="+79123456789", subject="", body="Текст", key="k-3")
    [request] = gateway.requests
    assert request.path == "/sys/send.php" and request.data["phones"] == "79123456789"
    assert request.data["login"] == "salon" and request.data["sender"] == "Lavanda" and request.data["fmt"] == "3"
    assert str(delivery.cost) == "1.4" and delivery.provider == SmsProvider.SMSC
    bad = config(sms_provider=SmsProvider.SMSC, sms_login="salon", sms_secret="nope")
    with pytest.raises(DeliveryError) as error:
        channel_for(ChannelKind.SMS, bad).send(to="+79123456789", subject="", body="x", key="k")
    assert not error.value.transient


def test_a_gateway_in_trouble_is_worth_a_retry(gateway):
    gateway.fail_next = 1
    channel = channel_for(ChannelKind.SMS, config(sms_provider=SmsProvider.SMSC, sms_secret="good-password"))
    with pytest.raises(DeliveryError) as error:
        channel.send(to="+79123456789", subject="", body="x", key="k")
    assert error.value.transient and gateway.requests == []


def test_a_gateway_that_never_answers_times_out(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    settings.NOTIFY_SMSC_URL = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings.NOTIFY_HTTP_TIMEOUT = 1
    channel = channel_for(ChannelKind.SMS, config(sms_provider=SmsProvider.SMSC, sms_secret="good-password"))
    began = time.monotonic()
    try:
        with pytest.raises(DeliveryError) as error:
            channel.send(to="+79123456789", subject="", body="x", key="k")
    finally:
        listener.close()
    assert error.value.transient and time.monotonic() - began < 10


def test_the_server_default_sms_adapter_is_the_console_or_test_one():
    delivery = channel_for(ChannelKind.SMS, config()).send(to="+79123456789", subject="", body="Привет", key="k")
    assert [(m.phone, m.text) for m in sms.outbox] == [("+79123456789", "Привет")]
    assert delivery.provider == SmsProvider.SYSTEM


def test_telegram_send_message_reaches_the_chat(gateway):
    delivery = channel_for(ChannelKind.TELEGRAM, config(telegram_token="good-token")).send(
        to="-100500", subject="", body="Новая запись", key="k-4"
    )
    [request] = gateway.requests
    assert request.path == "/botgood-token/sendMessage" and request.data == {
        "chat_id": "-100500",
        "text": "Новая запись",
    }
    assert delivery.provider_message_id == "1"
    with pytest.raises(DeliveryError) as error:
        channel_for(ChannelKind.TELEGRAM, config(telegram_token="bad")).send(to="1", subject="", body="x", key="k")
    assert not error.value.transient and "Unauthorized" in str(error.value)
