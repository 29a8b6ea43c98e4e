"""The back-office pages: channel settings with a test button, the templates editor with its
preview, the message log and the client card's timeline."""

import pytest
from django.urls import reverse

from frontdesk.clients.models import Client
from frontdesk.core import sms
from frontdesk.notifications.models import (
    TEMPLATE_EVENTS,
    ChannelKind,
    ChannelSettings,
    Message,
    MessageEvent,
    MessageStatus,
    MessageTemplate,
    SmsProvider,
)
from frontdesk.notifications.templating import ensure_default_templates
from frontdesk.testing.fixtures import client_for


def url(name, company, **kwargs):
    return reverse(f"notifications:{name}", kwargs={"company_id": company.pk, **kwargs})


def sms_template(chain, language="en"):
    ensure_default_templates(chain.pk)
    return MessageTemplate.objects.get(
        chain=chain, event=MessageEvent.BOOKED, channel=ChannelKind.SMS, language=language
    )


def test_the_owner_saves_branch_settings_and_the_secret_is_never_shown_back(alice, tenant_a):
    browser = client_for(alice)
    page = url("settings", tenant_a.company)
    assert browser.get(page).status_code == 200
    form = {
        "language": "en",
        "sms_enabled": "on",
        "sms_provider": SmsProvider.SMSRU,
        "sms_secret": "top-secret-key",
        "reminder_hours": "24, 2",
        "quiet_from": "22:00",
        "quiet_to": "08:00",
    }
    assert browser.post(page, form).status_code == 302
    row = ChannelSettings.objects.get(company=tenant_a.company)
    assert row.sms_secret == "top-secret-key" and row.reminder_list == [24, 2]
    again = browser.get(page)
    assert "top-secret-key" not in again.text and "Leave empty to keep it" in again.text
    browser.post(page, {**form, "sms_secret": ""})
    row.refresh_from_db()
    assert row.sms_secret == "top-secret-key"


def test_bad_settings_are_refused_with_a_clear_error(alice, tenant_a):
    response = client_for(alice).post(
        url("settings", tenant_a.company), {"language": "en", "sms_provider": "system", "reminder_hours": "soon"}
    )
    assert response.status_code == 400 and "whole hours" in response.text
    assert not ChannelSettings.objects.exists()


def test_the_network_settings_are_saved_apart_from_the_branch(alice, tenant_a):
    client_for(alice).post(
        url("settings", tenant_a.company) + "?level=network",
        {"language": "ru", "sms_provider": "system", "reminder_hours": "3"},
    )
    row = ChannelSettings.objects.get()
    assert row.company is None and row.reminder_hours == "3" and row.sms_enabled is False


def test_the_test_button_sends_through_the_channel_and_logs_it(alice, tenant_a):
    browser = client_for(alice)
    response = browser.post(
        url("settings_test", tenant_a.company), {"channel": "sms", "recipient": "8 912 345-67-89"}, follow=True
    )
    assert "is sent to +7 912 345-67-89" in response.text
    assert [m.phone for m in sms.outbox] == ["+79123456789"]
    message = Message.objects.get()
    assert message.event == MessageEvent.TEST and message.status == MessageStatus.SENT
    assert message.created_by == alice


def test_a_test_to_a_bad_address_is_refused(alice, tenant_a):
    response = client_for(alice).post(
        url("settings_test", tenant_a.company), {"channel": "email", "recipient": "not-an-address"}, follow=True
    )
    assert "was not sent" in response.text and not Message.objects.exists()


def test_a_test_through_a_telegram_bot_reaches_the_gateway(alice, tenant_a, gateway):
    ChannelSettings.objects.create(chain=tenant_a.chain, company=tenant_a.company, telegram_token="good-token")
    client_for(alice).post(url("settings_test", tenant_a.company), {"channel": "telegram", "recipient": "-100500"})
    [request] = gateway.requests
    assert request.data["chat_id"] == "-100500" and Message.objects.get().status == MessageStatus.SENT


def test_the_templates_exist_in_russian_and_english_for_every_event(alice, tenant_a):
    response = client_for(alice).get(url("templates", tenant_a.company))
    assert response.status_code == 200
    rows = set(MessageTemplate.objects.filter(chain=tenant_a.chain).values_list("event", "channel", "language"))
    assert len(rows) == len(TEMPLATE_EVENTS) * 3 * 2
    ru = MessageTemplate.objects.get(chain=tenant_a.chain, event="reminder", channel="sms", language="ru")
    assert ru.body.startswith("Напоминаем")


def test_editing_a_template_previews_it_and_a_broken_one_is_refused(alice, tenant_a):
    template = sms_template(tenant_a.chain)
    browser = client_for(alice)
    page = url("template", tenant_a.company, message_template_id=template.pk)
    preview = browser.post(
        url("template_preview", tenant_a.company, message_template_id=template.pk),
        {"body": "Hello {{ client_name }}, {{ date }} {{ time }} at {{ branch_address }}"},
    )
    assert preview.status_code == 200 and "Hello Maria, 24.12.2026 15:30 at 12 Tverskaya street" in preview.text
    broken = browser.post(page, {"body": "Hello {% if %}", "is_active": "on"})
    assert broken.status_code == 400 and "The template has an error" in broken.text
    template.refresh_from_db()
    assert "{% if" not in template.body
    assert browser.post(page, {"body": "Hi {{ client_name }}", "is_active": "on"}).status_code == 302
    template.refresh_from_db()
    assert template.body == "Hi {{ client_name }}"


@pytest.mark.parametrize(
    "text",
    [
        '{% include "base.html" %}',
        "{% load static %}",
        "{{ client_name.__class__ }}",
        '{% extends "base.html" %}',
        "{% debug %}",
        '{% url "admin:index" %}',
    ],
)
def test_a_template_cannot_reach_beyond_its_variables(alice, tenant_a, text):
    template = sms_template(tenant_a.chain)
    response = client_for(alice).post(
        url("template_preview", tenant_a.company, message_template_id=template.pk), {"body": text}
    )
    assert response.status_code == 400 and "error" in response.text


def test_a_template_may_use_ordinary_tags_and_filters(alice, tenant_a):
    template = sms_template(tenant_a.chain)
    response = client_for(alice).post(
        url("template_preview", tenant_a.company, message_template_id=template.pk),
        {"body": "{% if specialist %}{{ specialist|upper }}{% endif %} {{ nothing|default:'-' }}"},
    )
    assert response.status_code == 200 and "ANNA -" in response.text


def test_a_template_test_message_uses_sample_data(alice, tenant_a):
    template = sms_template(tenant_a.chain)
    client_for(alice).post(
        url("template_test", tenant_a.company, message_template_id=template.pk), {"recipient": "+79123456789"}
    )
    [sent] = sms.outbox
    assert "Maria" in sent.text and "15:30" in sent.text


def test_restoring_the_default_text(alice, tenant_a):
    template = sms_template(tenant_a.chain)
    template.body = "mine"
    template.save()
    client_for(alice).post(url("template_restore", tenant_a.company, message_template_id=template.pk))
    template.refresh_from_db()
    assert "{{ link }}" in template.body


def test_an_administrator_sees_the_log_but_not_the_settings_and_a_specialist_neither(amy, sam, tenant_a):
    template = sms_template(tenant_a.chain)
    assert client_for(amy).get(url("log", tenant_a.company)).status_code == 200
    assert client_for(amy).get(url("settings", tenant_a.company)).status_code == 403
    assert client_for(amy).get(url("template", tenant_a.company, message_template_id=template.pk)).status_code == 403
    assert client_for(sam).get(url("log", tenant_a.company)).status_code == 403


def test_the_log_filters_by_status_and_recipient(alice, tenant_a):
    company = tenant_a.company
    for n, status in enumerate([MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.SENT]):
        Message.objects.create(
            chain=tenant_a.chain,
            company=company,
            event=MessageEvent.TEST,
            channel=ChannelKind.SMS,
            recipient=f"+7900000000{n}",
            status=status,
            error="HTTP 503" if status == MessageStatus.FAILED else "",
            due_at="2026-01-01T10:00Z",
        )
    browser = client_for(alice)
    failed = browser.get(url("log", company), {"status": "failed"})
    assert failed.text.count('data-testid="message-row"') == 1 and "HTTP 503" in failed.text
    one = browser.get(url("log", company), {"q": "0002"})
    assert one.text.count('data-testid="message-row"') == 1 and "+7 900 000-00-02" in one.text
    assert browser.get(url("log", company), {"date_from": "garbage"}).status_code == 400


def test_the_client_card_shows_the_messages(alice, tenant_a):
    client = Client.objects.create(chain=tenant_a.chain, name="Вера", phone="+79123456789")
    Message.objects.create(
        chain=tenant_a.chain,
        company=tenant_a.company,
        client=client,
        event=MessageEvent.REMINDER,
        channel=ChannelKind.SMS,
        recipient=client.phone,
        status=MessageStatus.SENT,
        body="Напоминаем о визите",
        due_at="2026-01-01T10:00Z",
    )
    card = client_for(alice).get(
        reverse("clients:card", kwargs={"company_id": tenant_a.company.pk, "client_id": client.pk})
    )
    assert 'data-kind="message"' in card.text and "Напоминаем о визите" in card.text


def test_the_card_stops_and_resumes_booking_messages_for_a_client(alice, sam, tenant_a):
    client = Client.objects.create(chain=tenant_a.chain, name="Вера", phone="+79123456789")
    card_url = reverse("clients:card", kwargs={"company_id": tenant_a.company.pk, "client_id": client.pk})
    switch = url("client_channel", tenant_a.company, client_id=client.pk)
    browser = client_for(alice)
    assert 'data-channel="sms" data-on="1"' in browser.get(card_url).text
    browser.post(switch, {"channel": "sms", "receive": "0"})
    assert 'data-channel="sms" data-on="0"' in browser.get(card_url).text
    from frontdesk.notifications.models import OptOut

    assert list(OptOut.objects.values_list("client_id", "channel")) == [(client.pk, "sms")]
    browser.post(switch, {"channel": "sms", "receive": "1"})
    assert not OptOut.objects.exists()
    assert browser.post(switch, {"channel": "pigeon", "receive": "0"}).status_code == 302
    assert not OptOut.objects.exists()
    assert client_for(sam).post(switch, {"channel": "sms", "receive": "0"}).status_code == 403


def test_a_new_network_starts_with_its_templates(db):
    from frontdesk.tenancy.models import Chain

    chain = Chain.objects.create(name="Новая сеть")
    assert MessageTemplate.objects.filter(chain=chain).count() == len(TEMPLATE_EVENTS) * 3 * 2
