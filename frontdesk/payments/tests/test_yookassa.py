"""The YooKassa driver against a local server answering like YooKassa's API v3: payments are
created with Basic auth and an Idempotence-Key, the payer is redirected to YooKassa's page, and
a notification counts only when it comes from YooKassa's networks and the API confirms it."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from frontdesk.finance.models import PaymentMethod, Transaction
from frontdesk.payments.models import OnlinePayment, OnlinePaymentStatus, PaymentSettings
from frontdesk.payments.online import confirmation_url
from frontdesk.payments.providers import from_networks
from frontdesk.payments.tests.factories import book_with_prepayment, prepaying_branch
from frontdesk.payments.tests.stand_ins import YooKassa, serving
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def yookassa(settings):
    cache.clear()
    with serving(YooKassa()) as stand_in:
        settings.YOOKASSA_API_URL = stand_in.url
        settings.YOOKASSA_WEBHOOK_NETWORKS = ["127.0.0.0/8"]
        settings.PAYMENTS_HTTP_TIMEOUT = 5
        yield stand_in
    cache.clear()


@pytest.fixture
def branch(tenant_a, yookassa):
    company = tenant_a.company
    service, specialist, bank = prepaying_branch(company, "required")
    PaymentSettings.objects.filter(company=company).update(
        provider="yookassa", shop_id="shop-1", secret_key="live-secret"
    )
    return company, service, specialist, bank


def _notify(company, payment_id, event="payment.succeeded", address="127.0.0.1"):
    body = json.dumps({"type": "notification", "event": event, "object": {"id": payment_id, "status": "succeeded"}})
    return Client(REMOTE_ADDR=address).post(
        reverse("payments:webhook", args=[company.pk]), body, content_type="application/json"
    )


def test_a_booking_creates_one_payment_at_yookassa_and_sends_the_payer_there(branch, yookassa):
    company, service, specialist, _bank = branch
    _records, link, payment, url = book_with_prepayment(company, service, specialist)
    [created] = yookassa.requests("POST", "/payments")
    assert created.headers["Idempotence-Key"] == str(payment.idempotency_key)
    assert created.body["amount"] == {"value": "2000.00", "currency": "RUB"}
    assert created.body["capture"] is True
    assert created.body["confirmation"] == {
        "type": "redirect",
        "return_url": f"http://testserver/my/{link.token}/?paid=1",
    }
    assert url.startswith(yookassa.url + "/checkout/") and payment.provider_payment_id in url
    # Asked again (a reload, a retry after a lost answer): the same key, the same payment.
    OnlinePayment.objects.filter(pk=payment.pk).update(confirmation_url="")
    assert confirmation_url(OnlinePayment.objects.get(pk=payment.pk)) == url
    assert len({r.headers["Idempotence-Key"] for r in yookassa.requests("POST", "/payments")}) == 1
    assert len(yookassa.state["payments"]) == 1


def test_a_notification_confirmed_by_the_api_settles_the_payment_once(branch, yookassa):
    company, service, specialist, bank = branch
    records, _link, payment, _url = book_with_prepayment(company, service, specialist)
    yookassa.set_status(payment.provider_payment_id, "succeeded")
    assert _notify(company, payment.provider_payment_id).status_code == 200
    assert _notify(company, payment.provider_payment_id).status_code == 200  # YooKassa repeats itself
    payment.refresh_from_db()
    assert payment.status == OnlinePaymentStatus.SUCCEEDED
    income = Transaction.objects.get(account=bank)
    assert income.amount == Decimal("2000.00") and income.method == PaymentMethod.ONLINE
    assert Record.objects.get(pk=records[0].pk).prepaid
    assert yookassa.requests("GET", f"/payments/{payment.provider_payment_id}")


def test_a_forged_success_is_refused_because_yookassa_says_otherwise(branch, yookassa):
    company, service, specialist, _bank = branch
    _records, _link, payment, _url = book_with_prepayment(company, service, specialist)
    # The body claims success, but at YooKassa the payment is still waiting.
    assert _notify(company, payment.provider_payment_id).status_code == 400
    assert OnlinePayment.objects.get(pk=payment.pk).status == OnlinePaymentStatus.PENDING
    assert not Transaction.objects.exists()


def test_a_notification_from_outside_yookassas_networks_is_refused_unread(branch, yookassa, settings):
    company, service, specialist, _bank = branch
    _records, _link, payment, _url = book_with_prepayment(company, service, specialist)
    yookassa.set_status(payment.provider_payment_id, "succeeded")
    settings.YOOKASSA_WEBHOOK_NETWORKS = ["185.71.76.0/27", "2a02:5180::/32"]
    assert _notify(company, payment.provider_payment_id).status_code == 400
    assert not yookassa.requests("GET")  # not even asked
    assert not Transaction.objects.exists()


def test_a_cancelled_payment_releases_the_required_hold(branch, yookassa):
    company, service, specialist, _bank = branch
    records, _link, payment, _url = book_with_prepayment(company, service, specialist)
    yookassa.set_status(payment.provider_payment_id, "canceled")
    assert _notify(company, payment.provider_payment_id, event="payment.canceled").status_code == 200
    assert Record.objects.get(pk=records[0].pk).status == RecordStatus.CANCELLED


def test_when_yookassa_cannot_be_reached_the_notification_is_retried_later(branch, yookassa):
    company, service, specialist, _bank = branch
    _records, _link, payment, _url = book_with_prepayment(company, service, specialist)
    yookassa.set_status(payment.provider_payment_id, "succeeded")
    yookassa.fail_next = 1
    assert _notify(company, payment.provider_payment_id).status_code == 503
    assert not Transaction.objects.exists()
    assert _notify(company, payment.provider_payment_id).status_code == 200
    assert Transaction.objects.count() == 1


def test_when_yookassa_is_down_the_booking_stands_and_its_page_offers_to_pay(branch, yookassa):
    company, service, specialist, _bank = branch
    yookassa.fail_next = 1
    records, link, payment, url = book_with_prepayment(company, service, specialist)
    assert url == "" and payment.provider_payment_id == ""
    assert Record.objects.get(pk=records[0].pk).status == RecordStatus.BOOKED
    # «Pay online» on the booking's page asks again with the same key.
    response = Client().post(reverse("booking:pay_booking", args=[link.token]))
    assert response.status_code == 302 and response["Location"].startswith(yookassa.url + "/checkout/")
    assert OnlinePayment.objects.count() == 1


def test_wrong_credentials_do_not_break_the_booking(branch, yookassa):
    company, service, specialist, _bank = branch
    PaymentSettings.objects.filter(company=company).update(secret_key="wrong")
    records, _link, _payment, url = book_with_prepayment(company, service, specialist)
    assert url == "" and Record.objects.get(pk=records[0].pk).status == RecordStatus.BOOKED


def test_the_owner_chooses_yookassa_and_the_secret_is_never_shown_back(tenant_a, alice):
    from frontdesk.finance.tests.factories import make_bank_account

    company = tenant_a.company
    bank = make_bank_account(company)
    http = client_for(alice)
    url = reverse("payments:settings", args=[company.pk])
    form = {
        "fiscal-driver": "off",
        "fiscal-taxation": "usn_income",
        "fiscal-vat": "none",
        "online-provider": "yookassa",
        "online-shop_id": "",
        "online-secret_key": "",
        "online-account": bank.pk,
        "online-hold_minutes": 30,
        "online-default_mode": "off",
    }
    from django.utils import translation

    with translation.override("en"):
        refused = http.post(url, form, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert PaymentSettings.objects.get(company=company).provider != "yookassa"
    saved = http.post(url, {**form, "online-shop_id": "shop-1", "online-secret_key": "live-secret"})
    assert saved.status_code == 302
    row = PaymentSettings.objects.get(company=company)
    assert (row.provider, row.shop_id, row.secret_key) == ("yookassa", "shop-1", "live-secret")
    assert "live-secret" not in http.get(url).content.decode()
    # Saving again without typing the secret keeps it.
    assert http.post(url, {**form, "online-shop_id": "shop-1"}).status_code == 302
    assert PaymentSettings.objects.get(company=company).secret_key == "live-secret"


@pytest.mark.parametrize(
    ("address", "trusted"),
    [("185.71.76.5", True), ("77.75.156.11", True), ("2a02:5180::1", True), ("8.8.8.8", False), ("x", False)],
)
def test_yookassas_published_networks(address, trusted):
    from django.conf import settings

    assert from_networks(address, settings.YOOKASSA_WEBHOOK_NETWORKS) is trusted
