"""A salon with no gateway is not told its messages were sent, and a client's history is not
flooded by reminders still waiting to go out."""

from __future__ import annotations

import datetime

from django.utils import timezone

from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope
from frontdesk.notifications.channels import NO_MAIL_SERVER, NO_SMS_GATEWAY
from frontdesk.notifications.models import ChannelSettings, Message, MessageEvent, MessageStatus
from frontdesk.notifications.tests.conftest import at
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.availability import Segment as Slot
from frontdesk.scheduling.services import book_visit, move_record
from frontdesk.testing.fixtures import client_for

CONSOLE_LABEL = "Not sent: no gateway — shown in the console"


def _book(salon, client, hhmm="12:00"):
    with scope(salon.chain):
        return book_visit(
            company=salon.company,
            segments=[Slot(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, hhmm),
            client=client,
        )


def test_a_new_salon_without_an_sms_gateway_is_told_its_messages_reached_no_phone(salon, alice, settings):
    # A fresh installation: the server-wide console backend, no gateway in the branch's settings.
    settings.SMS_BACKEND = "frontdesk.core.sms.ConsoleSmsBackend"
    vera = Client.objects.create(chain=salon.chain, name="Vera", phone="+79120000001")
    _book(salon, vera)
    assert deliver_due() == 1
    confirmation = Message.objects.get(event=MessageEvent.BOOKED)
    assert confirmation.status == MessageStatus.CONSOLE and confirmation.error == NO_SMS_GATEWAY
    assert confirmation.sent_at is None

    browser = client_for(alice)
    log = browser.get(f"/c/{salon.company.pk}/messages/")
    row = log.text[log.text.index('data-testid="message-row"') :]
    assert CONSOLE_LABEL in row and ">Sent<" not in row
    assert "no SMS gateway is set up" in row
    card = browser.get(f"/c/{salon.company.pk}/clients/{vera.pk}/")
    assert CONSOLE_LABEL in card.text
    # The settings page's test button says the same, not "sent".
    tested = browser.post(
        f"/c/{salon.company.pk}/settings/notifications/test/",
        {"channel": "sms", "recipient": "+79120000002"},
        follow=True,
    )
    assert "The test message did not go to +7 912 000-00-02: no SMS gateway is set up" in tested.text
    assert "The test message is sent" not in tested.text


def test_an_email_printed_to_the_console_is_not_sent_either(salon, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    ChannelSettings.objects.create(chain=salon.chain, sms_enabled=False, email_enabled=True)
    vera = Client.objects.create(chain=salon.chain, name="Vera", email="vera@example.com")
    _book(salon, vera)
    deliver_due()
    confirmation = Message.objects.get(event=MessageEvent.BOOKED)
    assert (confirmation.status, confirmation.error) == (MessageStatus.CONSOLE, NO_MAIL_SERVER)


def test_a_real_gateway_still_marks_messages_sent(salon):
    # The test suite's in-memory backend stands in for a gateway that reaches phones.
    vera = Client.objects.create(chain=salon.chain, name="Vera", phone="+79120000001")
    _book(salon, vera)
    deliver_due()
    assert Message.objects.get(event=MessageEvent.BOOKED).status == MessageStatus.SENT


def test_waiting_reminders_are_one_line_of_the_clients_history_that_unfolds(salon, alice):
    ChannelSettings.objects.create(
        chain=salon.chain, reminder_hours="72, 48, 24, 12, 2", quiet_from=None, quiet_to=None
    )
    vera = Client.objects.create(chain=salon.chain, name="Vera", phone="+79120000001")
    records = _book(salon, vera)
    with scope(salon.chain):
        # Moved twice: each time the waiting reminders are withdrawn and written again.
        move_record(records[0], start=at(salon.company, salon.day, "13:00"))
        move_record(records[0], start=at(salon.company, salon.day, "14:00"))
    pending = Message.objects.filter(client=vera, event=MessageEvent.REMINDER, status=MessageStatus.PENDING)
    assert pending.count() == 5
    assert (
        Message.objects.filter(client=vera, event=MessageEvent.REMINDER, status=MessageStatus.CANCELLED).count() == 10
    )

    page = client_for(alice).get(f"/c/{salon.company.pk}/clients/{vera.pk}/").text
    timeline = page[page.index('data-testid="timeline"') :]
    assert timeline.count("5 reminders scheduled") == 1
    assert timeline.count("10 reminders withdrawn") == 1
    # Not one line per reminder: each is folded under its group.
    assert timeline.count("<strong>Reminder before the visit") == 0
    first = min(pending.values_list("due_at", flat=True)).astimezone(salon.company.tz)
    assert f"Next: {first:%d.%m.%Y %H:%M}" in timeline
    assert timeline.count('data-testid="timeline-details"') == 2
    # The booking's own confirmation is still a line of its own.
    assert "Booking created · SMS" in timeline


def test_a_single_waiting_message_reads_in_the_singular(salon):
    from frontdesk.clients.card import ClientCard
    from frontdesk.notifications.timeline import messages_for_card

    ChannelSettings.objects.create(chain=salon.chain, reminder_hours="24", quiet_from=None, quiet_to=None)
    vera = Client.objects.create(chain=salon.chain, name="Vera", phone="+79120000001")
    _book(salon, vera)
    Message.objects.filter(event=MessageEvent.BOOKED).delete()
    with scope(salon.chain):
        entries = messages_for_card(ClientCard(vera, now=timezone.now(), tz=salon.company.tz))
    assert [e.title for e in entries] == ["1 reminder scheduled"]
    assert entries[0].at > timezone.now() + datetime.timedelta(days=3)
