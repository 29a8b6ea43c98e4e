"""The outbox: a booking's messages are written with the booking, at the right times in the
branch's time zone, and the worker sends each once, never a stale one."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from frontdesk.booking.models import BookingLink
from frontdesk.booking.services import book_online
from frontdesk.clients.models import Client
from frontdesk.core import sms
from frontdesk.core.scopes import scope
from frontdesk.notifications.models import (
    ChannelKind,
    ChannelSettings,
    Message,
    MessageEvent,
    MessageStatus,
    OptOut,
    SmsProvider,
)
from frontdesk.notifications.tests.conftest import at
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.services import book_visit, cancel_record, move_record, set_record_status


def settings_row(salon, **fields):
    fields.setdefault("language", "en")
    fields.setdefault("quiet_from", None)
    fields.setdefault("quiet_to", None)
    return ChannelSettings.objects.create(chain=salon.chain, company=salon.company, **fields)


def book(salon, hhmm="10:00", phone="+79123456789", email=""):
    client, _created = Client.objects.get_or_create(
        chain=salon.chain, phone=phone, defaults={"name": "Вера", "email": email}
    )
    with scope(salon.chain):
        [record] = book_visit(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, hhmm),
            client=client,
        )
    return record


def make_due(*messages):
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(
        due_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_booking_gives_one_confirmation_now_and_one_reminder_a_day_before_in_branch_time(salon):
    settings_row(salon, reminder_hours="24")
    before = timezone.now()
    record = book(salon, "10:00")
    confirmation = Message.objects.get(event=MessageEvent.BOOKED)
    reminder = Message.objects.get(event=MessageEvent.REMINDER)
    assert Message.objects.count() == 2
    assert confirmation.channel == ChannelKind.SMS and confirmation.recipient == "+79123456789"
    assert before <= confirmation.due_at <= timezone.now()
    # 10:00 in Yekaterinburg (UTC+5) the day before = 05:00 UTC.
    day_before = salon.day - datetime.timedelta(days=1)
    assert reminder.due_at == datetime.datetime.combine(day_before, datetime.time(5), tzinfo=datetime.UTC)
    assert reminder.visit_start == record.start

    assert deliver_due() == 1  # only the confirmation is due
    token = BookingLink.objects.get(visit=record.visit).token
    [text] = [m.text for m in sms.outbox]
    assert "Вера" in text and f"{salon.day:%d.%m.%Y}" in text and "10:00" in text and f"/my/{token}/" in text
    make_due(reminder)
    assert deliver_due() == 1
    assert len(sms.outbox) == 2 and "Reminder" in sms.outbox[1].text and "10:00" in sms.outbox[1].text
    assert deliver_due() == 0
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


def test_several_reminders_and_quiet_hours_in_the_branch_time_zone(salon):
    settings_row(salon, reminder_hours="24, 2", quiet_from=datetime.time(21), quiet_to=datetime.time(9))
    book(salon, "10:00")
    dues = {
        m.reminder_hours: m.due_at.astimezone(salon.company.tz)
        for m in Message.objects.filter(event=MessageEvent.REMINDER)
    }
    day_before = salon.day - datetime.timedelta(days=1)
    assert dues[24] == at(salon.company, day_before, "10:00")
    # 08:00 is in the quiet hours: the reminder goes out the evening before, before they begin.
    assert dues[2] == at(salon.company, day_before, "20:59")


def test_a_rolled_back_booking_leaves_no_message(salon):
    settings_row(salon, reminder_hours="24")
    with pytest.raises(RuntimeError), transaction.atomic():
        book(salon, "10:00")
        assert Message.objects.count() == 2
        raise RuntimeError("the payment failed")
    assert Message.objects.count() == 0 and Record.objects.count() == 0
    assert deliver_due() == 0 and sms.outbox == []


def test_an_online_booking_that_fails_writes_nothing(salon):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError), scope(salon.chain):
        book_online(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "10:00"),
            name="Вера",
            phone="12",
        )
    assert Message.objects.count() == 0


def test_cancelling_before_anything_was_sent_removes_the_confirmation_and_the_reminder(salon):
    settings_row(salon, reminder_hours="24")
    record = book(salon)
    with scope(salon.chain):
        cancel_record(record)
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.CANCELLED}
    make_due(*Message.objects.all())
    assert deliver_due() == 0 and sms.outbox == []


def test_cancelling_after_the_confirmation_tells_the_client_and_drops_the_reminder(salon):
    settings_row(salon, reminder_hours="24")
    record = book(salon)
    deliver_due()
    with scope(salon.chain):
        cancel_record(record)
    reminder = Message.objects.get(event=MessageEvent.REMINDER)
    assert reminder.status == MessageStatus.CANCELLED
    assert deliver_due() == 1
    assert len(sms.outbox) == 2 and "cancelled" in sms.outbox[1].text


def test_moving_a_visit_sends_one_change_and_moves_the_reminder(salon):
    settings_row(salon, reminder_hours="24")
    record = book(salon, "10:00")
    deliver_due()
    with scope(salon.chain):
        move_record(record, start=at(salon.company, salon.day, "14:00"))
    reminders = Message.objects.filter(event=MessageEvent.REMINDER)
    assert sorted(reminders.values_list("status", flat=True)) == [MessageStatus.CANCELLED, MessageStatus.PENDING]
    live = reminders.get(status=MessageStatus.PENDING)
    assert live.due_at.astimezone(salon.company.tz) == at(
        salon.company, salon.day - datetime.timedelta(days=1), "14:00"
    )
    assert deliver_due() == 1 and "14:00" in sms.outbox[-1].text
    assert Message.objects.filter(event=MessageEvent.CHANGED).count() == 1


def test_a_reminder_whose_visit_changed_behind_its_back_is_not_sent(salon):
    settings_row(salon, reminder_hours="24")
    record = book(salon)
    deliver_due()
    # A change that bypasses the model's save (a bulk update): the worker's re-check catches it.
    Record.objects.filter(pk=record.pk).update(status=RecordStatus.CANCELLED)
    reminder = Message.objects.get(event=MessageEvent.REMINDER)
    make_due(reminder)
    assert deliver_due() == 1
    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.SKIPPED and "cancelled" in reminder.error and len(sms.outbox) == 1


def test_a_restored_visit_is_reminded_again_but_not_confirmed_twice(salon):
    settings_row(salon, reminder_hours="24")
    record = book(salon)
    deliver_due()
    with scope(salon.chain):
        cancel_record(record)
        set_record_status(Record.objects.get(pk=record.pk), RecordStatus.BOOKED)
    assert Message.objects.filter(event=MessageEvent.BOOKED).count() == 1
    assert Message.objects.filter(event=MessageEvent.REMINDER, status=MessageStatus.PENDING).count() == 1


def test_a_client_who_opted_out_gets_nothing(salon):
    settings_row(salon, reminder_hours="")
    record = book(salon)
    OptOut.objects.create(chain=salon.chain, client=record.client, channel=ChannelKind.SMS)
    assert deliver_due() == 1 and sms.outbox == []
    assert Message.objects.get().status == MessageStatus.SKIPPED


def test_quiet_hours_hold_back_a_reminder_but_not_the_confirmation_of_a_booking_just_made(salon):
    local_now = timezone.now().astimezone(salon.company.tz)
    # quiet hours around "now" in the branch
    settings_row(
        salon,
        reminder_hours="24",
        quiet_from=(local_now - datetime.timedelta(hours=1)).time(),
        quiet_to=(local_now + datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0),
    )
    book(salon)
    assert deliver_due() == 1 and len(sms.outbox) == 1  # the client who just booked hears at once
    reminder = Message.objects.get(event=MessageEvent.REMINDER)
    make_due(reminder)
    assert deliver_due() == 1 and len(sms.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.PENDING and reminder.attempts == 0
    assert timezone.now() < reminder.due_at <= timezone.now() + datetime.timedelta(hours=1)


def test_a_failing_gateway_is_retried_with_back_off_and_sends_once(salon, gateway):
    settings_row(salon, reminder_hours="", sms_provider=SmsProvider.SMSC, sms_secret="good-password")
    book(salon)
    gateway.fail_next = 1
    assert deliver_due() == 1
    message = Message.objects.get()
    assert message.status == MessageStatus.PENDING and message.attempts == 1 and "503" in message.error
    assert message.due_at > timezone.now() + datetime.timedelta(seconds=50)
    make_due(message)
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and str(message.cost) == "1.40" and message.attempts == 2
    assert gateway.keys() == [message.idempotency_key]


def test_a_wrong_gateway_password_fails_without_retries(salon, gateway):
    settings_row(salon, reminder_hours="", sms_provider=SmsProvider.SMSC, sms_secret="nope")
    book(salon)
    deliver_due()
    message = Message.objects.get()
    assert message.status == MessageStatus.FAILED and "authorise" in message.error


def test_email_confirmation_reaches_the_smtp_server(salon, smtp_server):
    settings_row(salon, reminder_hours="", sms_enabled=False, email_enabled=True)
    book(salon, email="vera@example.com")
    assert deliver_due() == 1
    [letter] = smtp_server.letters
    message = Message.objects.get()
    assert letter["To"] == "vera@example.com" and "10:00" in letter["Subject"]
    assert letter["Message-ID"] == f"<{message.idempotency_key}@frontdesk>"
    assert "Ленина, 1" in letter.get_content() and "Анна" in letter.get_content()


def test_network_settings_apply_to_a_branch_without_its_own(salon, tenant_a):
    ChannelSettings.objects.create(chain=salon.chain, company=None, sms_enabled=False, reminder_hours="")
    book(salon)
    assert Message.objects.count() == 0


def test_an_online_booking_is_confirmed_through_the_outbox(salon):
    settings_row(salon, reminder_hours="")
    with scope(salon.chain):
        records, link = book_online(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "11:00"),
            name="Вера",
            phone="+79123456789",
        )
    assert deliver_due() == 1
    [text] = [m.text for m in sms.outbox]
    assert f"http://testserver/my/{link.token}/" in text and "11:00" in text


def test_messages_go_out_in_the_language_of_the_settings(salon):
    settings_row(salon, reminder_hours="", language="ru")
    book(salon)
    deliver_due()
    [text] = [m.text for m in sms.outbox]
    assert text.startswith("Вера, вы записаны в Лаванда Арбат") and "в 10:00" in text


def test_a_weekly_series_is_confirmed_once_and_each_visit_is_reminded(salon):
    from frontdesk.scheduling.series import book_series
    from frontdesk.scheduling.tests.factories import add_shift

    settings_row(salon, reminder_hours="24")
    for week in (1, 2):
        add_shift(salon.anna, salon.company, salon.day + datetime.timedelta(weeks=week), "10:00", "18:00")
    client = Client.objects.create(chain=salon.chain, name="Вера", phone="+79123456789")
    with scope(salon.chain):
        _series, records, _skipped = book_series(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "10:00"),
            count=3,
            client=client,
        )
    assert len(records) == 3
    assert Message.objects.filter(event=MessageEvent.REMINDER).count() == 3
    assert deliver_due() == 3
    assert len(sms.outbox) == 1 and f"{salon.day:%d.%m.%Y}" in sms.outbox[0].text
    skipped = Message.objects.filter(event=MessageEvent.BOOKED, status=MessageStatus.SKIPPED)
    assert skipped.count() == 2 and "series" in skipped.first().error
