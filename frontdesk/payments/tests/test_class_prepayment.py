"""Prepayment of a class booked online: the class's service and trainer decide it by the same
rules as an individual visit; a required prepayment holds the seat until paid, an unpaid seat is
given back after the hold's time, and the paid advance counts in the attendee's checkout."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import PaymentMethod, SaleStatus, Transaction
from frontdesk.finance.tests.factories import make_bank_account
from frontdesk.payments.models import (
    OnlinePayment,
    OnlinePaymentStatus,
    PaymentSettings,
    PrepaymentRule,
)
from frontdesk.payments.online import release_unpaid_holds
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.tests.factories import make_group_event

pytestmark = pytest.mark.django_db

DETAILS = {"name": "Вера", "phone": "+7 912 345-67-89", "email": "", "comment": "", "consent": "on"}


@pytest.fixture
def yoga(tenant_a):
    """A yoga class with one seat at 800 ₽ in a branch that takes online payments."""
    company = tenant_a.company
    bank = make_bank_account(company)
    PaymentSettings.objects.update_or_create(
        company=company, defaults={"chain_id": company.chain_id, "provider": "test", "account": bank}
    )
    event = make_group_event(
        company, start=(timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0), capacity=1
    )
    event.service.price_min = event.service.price_max = Decimal(800)
    event.service.save()
    return event, bank


def _rule(event, mode, by="service"):
    PrepaymentRule.objects.create(company=event.company, chain_id=event.chain_id, mode=mode, **{by: getattr(event, by)})


def _class_url(event, **extra):
    query = urlencode({"e": event.pk, "lang": "en", **extra})
    return reverse("booking:branch", kwargs={"branch_id": event.company_id}) + "?" + query


def test_a_class_with_required_prepayment_says_so_and_sends_the_client_to_pay(yoga):
    event, _bank = yoga
    _rule(event, "required")
    page = Client().get(_class_url(event))
    assert 'data-prepayment="required"' in page.content.decode()

    response = Client().post(_class_url(event), DETAILS)
    payment = OnlinePayment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:test_pay", args=[payment.provider_payment_id])
    assert payment.required and payment.amount == Decimal("800.00")
    assert payment.hold_until > timezone.now() + datetime.timedelta(minutes=29)
    # The seat is held while the payment is waited for: the class is full for the next client.
    second = Client().post(_class_url(event), {**DETAILS, "phone": "+79120000009"})
    assert second.status_code == 409 and Record.objects.filter(group_event=event).count() == 1


def test_the_trainers_rule_decides_a_class_too(yoga):
    event, _bank = yoga
    _rule(event, "required", by="specialist")
    Client().post(_class_url(event), DETAILS)
    assert OnlinePayment.objects.get().required


def test_an_unpaid_seat_is_given_back_after_the_hold_and_another_client_takes_it(yoga):
    event, _bank = yoga
    _rule(event, "required")
    Client().post(_class_url(event), DETAILS)
    payment = OnlinePayment.objects.get()
    OnlinePayment.objects.filter(pk=payment.pk).update(hold_until=timezone.now() - datetime.timedelta(seconds=1))

    assert release_unpaid_holds() == 1
    assert Record.objects.get(visit=payment.visit).status == RecordStatus.CANCELLED
    assert OnlinePayment.objects.get().status == OnlinePaymentStatus.CANCELED
    again = Client().post(_class_url(event), {**DETAILS, "phone": "+79120000009"})
    assert again.status_code == 302
    assert Record.objects.filter(group_event=event, status=RecordStatus.BOOKED).count() == 1


def test_a_paid_class_seat_is_prepaid_and_the_advance_pays_the_attendees_checkout(yoga, sent_on_commit):
    event, bank = yoga
    _rule(event, "required")
    pay_url = Client().post(_class_url(event), DETAILS)["Location"]
    with sent_on_commit():
        Client().post(pay_url, {"decision": "pay"})
    payment = OnlinePayment.objects.get()
    record = Record.objects.get(visit=payment.visit)
    assert payment.status == OnlinePaymentStatus.SUCCEEDED and record.prepaid
    # The hold's time passing changes nothing for a paid seat.
    OnlinePayment.objects.filter(pk=payment.pk).update(hold_until=timezone.now() - datetime.timedelta(seconds=1))
    assert release_unpaid_holds() == 0

    with sent_on_commit():
        sale = checkout_visit(payment.visit).sale
    assert sale.status == SaleStatus.PAID and sale.paid == Decimal("800.00")
    income = Transaction.objects.get(account=bank)
    assert income.sale == sale and income.method == PaymentMethod.ONLINE


def test_an_allowed_prepayment_of_a_class_books_at_once_and_offers_to_pay(yoga):
    event, _bank = yoga
    _rule(event, "allowed")
    page = Client().get(_class_url(event))
    assert 'data-prepayment="allowed"' in page.content.decode()
    response = Client().post(_class_url(event), DETAILS)
    assert response.status_code == 302 and "/my/" in response["Location"]
    assert not OnlinePayment.objects.exists()
    my = Client().get(response["Location"])
    assert my.status_code == 200
    assert reverse("booking:pay_booking", args=[response["Location"].split("/")[2]]) in my.content.decode()


def test_a_class_without_a_rule_takes_no_prepayment(yoga):
    event, _bank = yoga
    page = Client().get(_class_url(event))
    assert "data-prepayment" not in page.content.decode()
    response = Client().post(_class_url(event), DETAILS)
    assert response.status_code == 302 and "/my/" in response["Location"]
    assert not OnlinePayment.objects.exists()
