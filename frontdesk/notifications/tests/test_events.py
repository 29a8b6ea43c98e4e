"""Messages beyond a booking's confirmation and reminders: events other code raises
(`queue_event`, for loyalty), the thank-you after a visit, birthday greetings and win-back
(the daily task), and the staff's notice of an online booking."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from frontdesk.accounts.permissions import Role
from frontdesk.clients.models import Client, ClientStats
from frontdesk.core.scopes import scope
from frontdesk.notifications.events import EVENT_CODES, queue_daily_messages, queue_event
from frontdesk.notifications.models import (
    ChannelKind,
    ChannelSettings,
    Message,
    MessageEvent,
    MessageStatus,
    StaffNotice,
)
from frontdesk.notifications.tests.conftest import at
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import RecordSource, RecordStatus
from frontdesk.scheduling.services import book_visit
from frontdesk.testing.fixtures import add_member


@pytest.fixture
def channels(salon):
    return ChannelSettings.objects.create(
        chain=salon.chain,
        company=None,
        language="en",
        email_enabled=True,
        quiet_from=None,
        quiet_to=None,
        reminder_hours="",
    )


@pytest.fixture
def vera(salon):
    return Client.objects.create(
        chain=salon.chain, name="Vera", phone="+79120000001", email="vera@example.com", sms_consent=True
    )


def test_loyalty_events_are_registered_with_default_texts_in_both_languages(salon):
    from frontdesk.notifications.templating import default_text

    for code in ("loyalty_bonus_accrued", "loyalty_status_changed", "loyalty_expiring"):
        assert code in EVENT_CODES
    for code in ("certificate_expiring", "abonement_expiring"):
        assert code in EVENT_CODES
        assert "{{ expires }}" in default_text(code, "sms", "en")[1]
        assert "{{ expires }}" in default_text(code, "sms", "ru")[1]
        assert default_text(code, "sms", "ru")[1] != default_text(code, "sms", "en")[1]


def test_queue_event_writes_once_per_key_and_sends_the_template_with_the_callers_values(salon, channels, vera):
    with scope(salon.chain):
        assert queue_event(salon.company, vera, "loyalty_bonus_accrued", {"amount": 150, "balance": 1200}, "op-7") == 2
        assert queue_event(salon.company, vera, "loyalty_bonus_accrued", {"amount": 150, "balance": 1200}, "op-7") == 0
        with pytest.raises(ValueError):
            queue_event(salon.company, vera, "no_such_event", {}, "x")
    assert deliver_due() == 2
    from frontdesk.core import sms

    [text] = [m.text for m in sms.outbox]
    assert text == "Vera, 150 bonuses are added to your card at Лаванда Арбат. Balance: 1200."
    letter = Message.objects.get(channel=ChannelKind.EMAIL)
    assert letter.status == MessageStatus.SENT and letter.subject == "Bonuses added: 150"


def test_an_event_raised_in_a_transaction_that_rolls_back_leaves_no_message(salon, channels, vera):
    with pytest.raises(RuntimeError), transaction.atomic(), scope(salon.chain):
        queue_event(salon.company, vera, "certificate_expiring", {"item": "Gift", "expires": "31.12.2026"}, "c-1")
        raise RuntimeError("the loyalty operation failed")
    assert not Message.objects.exists()


def test_a_completed_visit_gets_a_thank_you_hours_later_only_when_switched_on(salon, channels, vera):
    with scope(salon.chain):
        [record] = book_visit(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "10:00"),
            client=vera,
        )
        record.status = RecordStatus.COMPLETED
        record.save()
        assert not Message.objects.filter(event=MessageEvent.THANKS).exists()  # off by default
        ChannelSettings.objects.filter(pk=channels.pk).update(thanks_enabled=True, thanks_hours=3)
        record.status = RecordStatus.ARRIVED
        record.save()
        before = timezone.now()
        record.status = RecordStatus.COMPLETED
        record.save()
        record.status = RecordStatus.ARRIVED
        record.save()
        record.status = RecordStatus.COMPLETED
        record.save()  # completed twice: still one thank-you per channel
    thanks = Message.objects.filter(event=MessageEvent.THANKS)
    assert sorted(thanks.values_list("channel", flat=True)) == ["email", "sms"]
    for message in thanks:
        assert before + datetime.timedelta(hours=3) <= message.due_at <= timezone.now() + datetime.timedelta(hours=3)


def test_birthday_greetings_go_out_at_the_branch_hour_once_and_only_with_consent(salon, channels, smtp_server):
    ChannelSettings.objects.filter(pk=channels.pk).update(birthday_enabled=True, birthday_hour=10, sms_enabled=False)
    tz = salon.company.tz  # Yekaterinburg, UTC+5
    now = datetime.datetime(2026, 3, 8, 2, 30, tzinfo=datetime.UTC)  # 07:30 local on 8 March
    born = datetime.date(1990, 3, 8)
    yes = Client.objects.create(
        chain=salon.chain, name="Yes", email="yes@example.com", email_consent=True, birthday=born
    )
    Client.objects.create(chain=salon.chain, name="No", email="no@example.com", email_consent=False, birthday=born)
    Client.objects.create(
        chain=salon.chain,
        name="Later",
        email="later@example.com",
        email_consent=True,
        birthday=datetime.date(1990, 3, 9),
    )
    assert queue_daily_messages(now) == 1
    assert queue_daily_messages(now + datetime.timedelta(hours=1)) == 0  # the same day: nothing twice
    greeting = Message.objects.get(event=MessageEvent.BIRTHDAY)
    assert greeting.client == yes and greeting.due_at == datetime.datetime(2026, 3, 8, 10, tzinfo=tz)
    # Sent when due: marketing email, so with an unsubscribe link.
    Message.objects.filter(pk=greeting.pk).update(due_at=timezone.now())
    deliver_due()
    [letter] = smtp_server.letters
    assert letter["Subject"] == "Happy birthday, Yes!" and "/u/" in letter.get_content()


def test_lost_clients_are_won_back_once_within_the_gap(salon, channels):
    ChannelSettings.objects.filter(pk=channels.pk).update(
        winback_enabled=True, winback_gap_days=60, email_enabled=False
    )
    now = timezone.now()
    lost = Client.objects.create(chain=salon.chain, name="Lost", phone="+79120000009", sms_consent=True)
    regular = Client.objects.create(chain=salon.chain, name="Regular", phone="+79120000008", sms_consent=True)
    shy = Client.objects.create(chain=salon.chain, name="Shy", phone="+79120000007", sms_consent=False)
    for client, lost_after in ((lost, now - datetime.timedelta(days=3)), (regular, now + datetime.timedelta(days=9))):
        ClientStats.objects.create(client=client, chain=salon.chain, visits=5, lost_after=lost_after)
    ClientStats.objects.create(client=shy, chain=salon.chain, visits=5, lost_after=now - datetime.timedelta(days=3))
    call_command("queue_daily_messages", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Message.objects.filter(event=MessageEvent.WINBACK).values_list("client__name", flat=True)) == ["Lost"]
    # A day later the client is still lost, but within the 60 days nothing more goes out.
    assert queue_daily_messages(now + datetime.timedelta(days=1)) == 0
    Message.objects.update(created_at=now - datetime.timedelta(days=61))
    assert queue_daily_messages(now + datetime.timedelta(days=1)) == 1


def test_an_online_booking_tells_the_specialist_and_the_administrators_by_email(salon, tenant_a, channels, smtp_server):
    ChannelSettings.objects.filter(pk=channels.pk).update(staff_notice=StaffNotice.BOTH, sms_enabled=False)
    salon.anna.email = "anna@example.com"
    salon.anna.save()
    add_member(tenant_a, "admin@example.com", Role.ADMINISTRATOR)
    client = Client.objects.create(chain=salon.chain, name="Vera", phone="+79120000001")  # no email: no confirmation
    with scope(salon.chain):
        book_visit(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "10:00"),
            client=client,
            source=RecordSource.ONLINE,
        )
        book_visit(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "12:00"),
            client=client,
            source=RecordSource.ADMIN,  # booked by the desk: nobody needs telling
        )
    deliver_due()
    assert sorted(letter["To"] for letter in smtp_server.letters) == ["admin@example.com", "anna@example.com"]
    text = smtp_server.letters[0].get_content()
    assert "Online booking: Vera +7 912 000-00-01" in text and "10:00" in text and "Стрижка" in text


def test_the_staff_hear_in_the_salon_telegram_chat_when_it_is_set(salon, channels, gateway):
    ChannelSettings.objects.filter(pk=channels.pk).update(
        staff_notice=StaffNotice.ADMINS,
        sms_enabled=False,
        email_enabled=False,
        telegram_enabled=True,
        telegram_token="good-token",
        telegram_chat_id="-100500",
    )
    client = Client.objects.create(chain=salon.chain, name="Vera", phone="+79120000001")
    with scope(salon.chain):
        book_visit(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "10:00"),
            client=client,
            source=RecordSource.API,
        )
    deliver_due()
    [request] = gateway.requests
    assert request.data["chat_id"] == "-100500" and "Online booking: Vera" in request.data["text"]
    assert Message.objects.get(event=MessageEvent.STAFF_BOOKED).status == MessageStatus.SENT
