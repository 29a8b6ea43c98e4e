"""A booking whose prepayment is required is not confirmed before it is paid: the confirmation
and the reminders go to the outbox when the payment succeeds, and a hold released unpaid leaves
the client without any message about a booking that no longer exists. The real outbox and
worker; SMS go to the test gateway's list."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from frontdesk.core import sms
from frontdesk.notifications.models import ChannelSettings, Message, MessageEvent, MessageStatus
from frontdesk.notifications.worker import deliver_due
from frontdesk.payments.models import OnlinePayment
from frontdesk.payments.online import release_unpaid_holds
from frontdesk.payments.tests.factories import book_with_prepayment, prepaying_branch, slot
from frontdesk.scheduling.models import Record
from frontdesk.scheduling.services import move_record, set_record_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean(tenant_a):
    cache.clear()
    sms.outbox.clear()
    ChannelSettings.objects.create(
        chain=tenant_a.chain,
        company=tenant_a.company,
        language="en",
        reminder_hours="24",
        quiet_from=None,
        quiet_to=None,
    )
    with translation.override("en"):
        yield
    sms.outbox.clear()
    cache.clear()


def _pending(event):
    return Message.objects.filter(event=event, status=MessageStatus.PENDING)


def _everything_due():
    Message.objects.filter(status=MessageStatus.PENDING).update(due_at=timezone.now() - datetime.timedelta(seconds=1))
    return deliver_due()


def test_a_required_prepayment_holds_the_confirmation_and_reminders_until_it_is_paid(tenant_a):
    company = tenant_a.company
    service, specialist, _bank = prepaying_branch(company, "required")
    records, _link, payment, url = book_with_prepayment(company, service, specialist)
    assert not _pending(MessageEvent.BOOKED).exists() and not _pending(MessageEvent.REMINDER).exists()
    assert _everything_due() == 0 and sms.outbox == []

    Client().post(url, {"decision": "pay"})
    assert _pending(MessageEvent.BOOKED).count() == 1 and _pending(MessageEvent.REMINDER).count() == 1
    assert deliver_due() == 1
    [text] = [m.text for m in sms.outbox]
    assert "Ольга" in text and "11:00" in text
    reminder = _pending(MessageEvent.REMINDER).get()
    assert reminder.visit_start == records[0].start


def test_a_replayed_payment_notification_does_not_confirm_twice(tenant_a):
    from frontdesk.payments.models import PaymentSettings
    from frontdesk.payments.providers import SIGNATURE_HEADER, notification_body, sign

    company = tenant_a.company
    service, specialist, _bank = prepaying_branch(company, "required")
    _records, _link, payment, url = book_with_prepayment(company, service, specialist)
    Client().post(url, {"decision": "pay"})
    payment.refresh_from_db()
    body = notification_body(payment.provider_payment_id, "succeeded", payment.amount, "RUB", {})
    secret = PaymentSettings.objects.get(company=company).webhook_secret
    Client().post(
        f"/payments/webhook/{company.pk}/",
        body,
        content_type="application/json",
        **{SIGNATURE_HEADER: sign(secret, body)},
    )
    assert Message.objects.filter(event=MessageEvent.BOOKED).exclude(status=MessageStatus.CANCELLED).count() == 1


def test_a_hold_released_unpaid_sends_nothing_at_all(tenant_a):
    company = tenant_a.company
    service, specialist, _bank = prepaying_branch(company, "required")
    records, _link, payment, _url = book_with_prepayment(company, service, specialist)
    assert deliver_due() == 0  # the worker runs while the client is on the payment page
    OnlinePayment.objects.filter(pk=payment.pk).update(hold_until=timezone.now() - datetime.timedelta(seconds=1))
    assert release_unpaid_holds() == 1
    assert Record.objects.get(pk=records[0].pk).status == "cancelled"
    assert not Message.objects.filter(status=MessageStatus.PENDING).exists()
    assert _everything_due() == 0 and sms.outbox == []


def test_a_declined_prepayment_sends_nothing(tenant_a):
    company = tenant_a.company
    service, specialist, _bank = prepaying_branch(company, "required")
    _records, _link, _payment, url = book_with_prepayment(company, service, specialist)
    assert deliver_due() == 0
    Client().post(url, {"decision": "decline"})
    assert _everything_due() == 0 and sms.outbox == []


def test_changes_by_the_salon_while_waiting_for_the_payment_are_not_announced(tenant_a):
    company = tenant_a.company
    service, specialist, _bank = prepaying_branch(company, "required")
    records, _link, _payment, url = book_with_prepayment(company, service, specialist)
    move_record(records[0], start=slot(company, 14))
    set_record_status(Record.objects.get(pk=records[0].pk), "confirmed")
    assert _everything_due() == 0 and sms.outbox == []
    # Paid: one confirmation, telling the new time.
    Client().post(url, {"decision": "pay"})
    assert deliver_due() == 1 and "14:00" in sms.outbox[0].text


def test_an_allowed_prepayment_is_confirmed_at_once(tenant_a):
    company = tenant_a.company
    service, specialist, _bank = prepaying_branch(company, "allowed")
    _records, _link, payment, _url = book_with_prepayment(company, service, specialist)
    assert payment is None
    assert _pending(MessageEvent.BOOKED).count() == 1 and _pending(MessageEvent.REMINDER).count() == 1


def test_a_class_seat_waiting_for_its_prepayment_is_confirmed_only_when_paid(tenant_a):
    from decimal import Decimal
    from urllib.parse import urlencode

    from django.urls import reverse

    from frontdesk.finance.tests.factories import make_bank_account
    from frontdesk.payments.models import PaymentSettings, PrepaymentRule
    from frontdesk.scheduling.tests.factories import make_group_event

    company = tenant_a.company
    bank = make_bank_account(company)
    PaymentSettings.objects.update_or_create(
        company=company, defaults={"chain_id": company.chain_id, "provider": "test", "account": bank}
    )
    event = make_group_event(company, start=(timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0))
    event.service.price_min = event.service.price_max = Decimal(800)
    event.service.save()
    PrepaymentRule.objects.create(company=company, chain_id=company.chain_id, service=event.service, mode="required")
    page = reverse("booking:branch", kwargs={"branch_id": company.pk}) + "?" + urlencode({"e": event.pk})
    details = {"name": "Вера", "phone": "+7 912 345-67-89", "email": "", "comment": "", "consent": "on"}
    pay_url = Client().post(page, details)["Location"]
    assert _everything_due() == 0 and sms.outbox == []
    Client().post(pay_url, {"decision": "pay"})
    assert deliver_due() == 1 and "Вера" in sms.outbox[0].text


def test_a_salon_booking_whose_client_leaves_the_payment_page_keeps_its_time_and_reminders(tenant_a):
    from frontdesk.booking.services import link_for
    from frontdesk.clients.services import find_or_create_client
    from frontdesk.scheduling.availability import Segment
    from frontdesk.scheduling.services import book_visit

    company = tenant_a.company
    service, specialist, _bank = prepaying_branch(company, "required")
    client = find_or_create_client(chain=company.chain, phone="+79161112233", name="Ольга")
    [record] = book_visit(
        company=company, segments=[Segment(service.pk, specialist.pk)], start=slot(company), client=client
    )
    assert deliver_due() == 1  # the salon's booking is confirmed at once
    link = link_for(record.visit)
    response = Client().post(f"/my/{link.token}/pay/")
    assert response.status_code == 302 and "/payments/test/" in response["Location"]
    payment = OnlinePayment.objects.get()
    assert not payment.required and payment.hold_until is None
    assert _pending(MessageEvent.REMINDER).count() == 1
    assert release_unpaid_holds() == 0
    assert Record.objects.get(pk=record.pk).status == "booked"
