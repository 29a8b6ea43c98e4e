"""After an SMS is sent the worker asks the gateway (SMS.ru, SMSC; a loopback stand-in here)
whether it reached the phone, and the log and the mailing's results say delivered or not."""

import datetime

import pytest
from django.utils import timezone

from frontdesk.clients.models import Client
from frontdesk.notifications.mailings import progress
from frontdesk.notifications.models import (
    ChannelKind,
    ChannelSettings,
    DeliveryState,
    Mailing,
    MailingStatus,
    Message,
    MessageEvent,
    MessageStatus,
    SmsProvider,
)
from frontdesk.notifications.worker import check_deliveries
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(salon, gateway):
    """Three SMS of one mailing that SMS.ru took five minutes ago."""
    ChannelSettings.objects.create(
        chain=salon.chain, company=None, sms_provider=SmsProvider.SMSRU, sms_secret="good-key", quiet_from=None
    )
    mailing = Mailing.objects.create(
        chain=salon.chain, company=salon.company, name="Акция", body="Скидка 20%", status=MailingStatus.SENDING
    )
    five_minutes_ago = timezone.now() - datetime.timedelta(minutes=5)
    messages = []
    for n in range(3):
        person = Client.objects.create(chain=salon.chain, name=f"Клиент {n}", phone=f"+7912000000{n}")
        messages.append(
            Message.objects.create(
                chain=salon.chain,
                company=salon.company,
                client=person,
                event=MessageEvent.MAILING,
                channel=ChannelKind.SMS,
                mailing=mailing,
                recipient=person.phone,
                body="Скидка 20%",
                status=MessageStatus.SENT,
                due_at=five_minutes_ago,
                sent_at=five_minutes_ago,
                provider=SmsProvider.SMSRU,
                provider_message_id=f"2000-{n}",
            )
        )
    return mailing, messages


def test_the_gateways_answer_marks_each_sms_delivered_or_not(salon, gateway, sent):
    mailing, (arrived, lost, on_its_way) = sent
    gateway.states.update({"2000-0": 103, "2000-1": 106})
    assert check_deliveries() == 2
    for message in (arrived, lost, on_its_way):
        message.refresh_from_db()
    assert arrived.delivery == DeliveryState.DELIVERED and arrived.status == MessageStatus.SENT
    assert lost.delivery == DeliveryState.UNDELIVERED and "106" in lost.error
    assert on_its_way.delivery == "" and on_its_way.delivery_checked_at is not None
    results = progress(mailing)
    assert (results["delivered"], results["undelivered"]) == (1, 1)

    asked = len(gateway.requests)
    assert check_deliveries() == 0 and len(gateway.requests) == asked  # not asked again so soon
    gateway.states["2000-2"] = 103
    assert check_deliveries(timezone.now() + datetime.timedelta(minutes=3)) == 1
    on_its_way.refresh_from_db()
    assert on_its_way.delivery == DeliveryState.DELIVERED


def test_the_message_log_and_the_mailing_page_show_the_delivery(salon, gateway, sent, alice):
    mailing, messages = sent
    gateway.states.update({"2000-0": 103, "2000-1": 104, "2000-2": 103})
    check_deliveries()
    http = client_for(alice)
    log = http.get(f"/c/{salon.company.pk}/messages/").content.decode()
    assert log.count('data-testid="message-delivery"') == 3 and "Not delivered" in log
    page = http.get(f"/c/{salon.company.pk}/messages/mailings/{mailing.pk}/").content.decode()
    assert 'data-testid="progress-delivered">2<' in page and 'data-testid="progress-undelivered">1<' in page


def test_smsc_is_asked_with_the_phone_and_the_id(salon, gateway):
    from frontdesk.notifications.channels import channel_for

    config = ChannelSettings(sms_provider=SmsProvider.SMSC, sms_login="salon", sms_secret="good-password")
    gateway.states["77"] = 1
    state = channel_for(ChannelKind.SMS, config).state("77", "+79120000001")
    [request] = gateway.requests
    assert request.path == "/sys/status.php" and request.data["phone"] == "79120000001" and request.data["id"] == "77"
    assert state.delivered is True
    gateway.states["78"] = 20
    assert channel_for(ChannelKind.SMS, config).state("78", "+79120000001").delivered is False
    assert channel_for(ChannelKind.SMS, config).state("79", "+79120000001").delivered is None
