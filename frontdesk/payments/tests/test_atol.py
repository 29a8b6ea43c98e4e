"""The ATOL Online driver against a local server answering like ATOL Online's API v5: a checkout
gets its receipt through ATOL with the 54-FZ fields in ATOL's spelling, a refund its refund
receipt; a receipt ATOL has not finished yet, or a network failure, leaves it to a retry that
never prints it twice."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from frontdesk.clients.services import find_or_create_client
from frontdesk.finance.checkout import checkout_visit, refund_sale
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk, make_visit
from frontdesk.payments.models import FiscalReceipt, FiscalSettings, ReceiptStatus
from frontdesk.payments.receipts import deliver_receipt
from frontdesk.payments.tests.stand_ins import Atol, serving
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def atol(settings):
    cache.clear()
    with serving(Atol()) as stand_in:
        settings.ATOL_API_URL = stand_in.url
        settings.ATOL_REPORT_POLLS = 3
        settings.ATOL_REPORT_DELAY_MS = 1
        settings.PAYMENTS_HTTP_TIMEOUT = 5
        yield stand_in
    cache.clear()


@pytest.fixture
def branch(tenant_a, atol):
    FiscalSettings.objects.create(
        company=tenant_a.company,
        driver="atol",
        taxation="usn_income",
        vat="none",
        inn="7701234567",
        payment_address="Москва, Арбат, 1",
        seller_email="salon@example.com",
        atol_login="atol-login",
        atol_password="atol-pass",
        atol_group_code="group-1",
    )
    return tenant_a.company


@pytest.fixture
def visit(branch):
    client = find_or_create_client(chain=branch.chain, phone="+79161112233", name="Ольга", email="olga@example.com")
    return make_visit(branch, [("Стрижка", 2500, 2500), ("Укладка", 1000, 1000)], client=client)


def test_a_checkout_is_fiscalised_by_atol_with_the_54fz_fields(visit, atol, sent_on_commit):
    desk, bank = make_cash_desk(visit.company), make_bank_account(visit.company)
    with sent_on_commit():
        sale = checkout_visit(
            visit,
            payments=[Payment(desk, PaymentMethod.CASH, "1500"), Payment(bank, PaymentMethod.CARD, "2000")],
            receipt_email="olga@example.com",
        ).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    assert receipt.status == ReceiptStatus.DONE and receipt.driver == "atol"
    assert receipt.fiscal_document_number == "1001" and receipt.fiscal_sign == "3449555941"
    assert receipt.fn_number == "9999078900004792" and receipt.shift_number == 23

    [token] = atol.requests("POST", "/getToken")
    assert token.body == {"login": "atol-login", "pass": "atol-pass"}
    [sell] = atol.requests("POST", "/group-1/sell")
    assert sell.headers["Token"] == "token-1"
    body = sell.body
    assert body["external_id"] == str(receipt.external_id)
    assert body["receipt"]["company"] == {
        "email": "salon@example.com",
        "sno": "usn_income",
        "inn": "7701234567",
        "payment_address": "Москва, Арбат, 1",
    }
    assert body["receipt"]["client"]["email"] == "olga@example.com"
    assert body["receipt"]["total"] == 3500.0
    assert {(i["name"], i["sum"]) for i in body["receipt"]["items"]} == {("Стрижка", 2500.0), ("Укладка", 1000.0)}
    assert all(
        i["payment_object"] == 4 and i["payment_method"] == "full_payment" and i["vat"] == {"type": "none"}
        for i in body["receipt"]["items"]
    )
    assert sorted((p["type"], p["sum"]) for p in body["receipt"]["payments"]) == [(0, 1500.0), (1, 2000.0)]


def test_a_refund_goes_to_atol_as_sell_refund_and_the_token_is_reused(visit, atol, sent_on_commit):
    desk = make_cash_desk(visit.company)
    with sent_on_commit():
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
        refund_sale(sale, "1000")
    refund = FiscalReceipt.objects.get(sale=sale, operation="sell_refund")
    assert refund.status == ReceiptStatus.DONE and refund.total == Decimal("1000.00")
    [sent] = atol.requests("POST", "/group-1/sell_refund")
    assert sent.body["receipt"]["total"] == 1000.0
    assert len(atol.requests("POST", "/getToken")) == 1


def test_a_receipt_atol_has_not_finished_is_retried_without_a_second_document(visit, atol, sent_on_commit):
    desk = make_cash_desk(visit.company)
    atol.waits = 10  # longer than the driver waits
    with sent_on_commit():
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    assert receipt.status == ReceiptStatus.FAILED and "not registered the receipt yet" in receipt.error
    atol.waits = 0
    receipt = deliver_receipt(receipt.pk)
    assert receipt.status == ReceiptStatus.DONE
    assert len(atol.state["docs"]) == 1  # the retry was refused as a duplicate and read the first one
    assert len(atol.requests("POST", "/group-1/sell")) == 2


def test_a_network_failure_and_an_expired_token_are_recovered(visit, atol, sent_on_commit):
    desk = make_cash_desk(visit.company)
    atol.fail_next = 1  # the token request meets a 503
    with sent_on_commit():
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    assert receipt.status == ReceiptStatus.FAILED and "cannot be reached" in receipt.error
    # ATOL issued a new token elsewhere: the cached one is refused and renewed once.
    cache.set(f"atol-token:{visit.company.pk}:atol-login", "token-5")
    atol.state["tokens"] = 6
    assert deliver_receipt(receipt.pk).status == ReceiptStatus.DONE


def test_a_receipt_atol_refuses_says_why_and_wrong_credentials_too(visit, atol, sent_on_commit):
    desk = make_cash_desk(visit.company)
    FiscalSettings.objects.filter(company=visit.company).update(atol_password="wrong")
    with sent_on_commit():
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    assert receipt.status == ReceiptStatus.FAILED and "refused the login" in receipt.error


def test_the_owner_sets_up_atol_and_its_password_is_never_shown(tenant_a, alice):
    company = tenant_a.company
    http = client_for(alice)
    url = reverse("payments:settings", args=[company.pk])
    form = {
        "fiscal-driver": "atol",
        "fiscal-taxation": "usn_income",
        "fiscal-vat": "none",
        "fiscal-inn": "7701234567",
        "fiscal-payment_address": "Москва, Арбат, 1",
        "fiscal-seller_email": "salon@example.com",
        "fiscal-atol_login": "atol-login",
        "fiscal-atol_group_code": "group-1",
        "online-provider": "off",
        "online-hold_minutes": 30,
        "online-default_mode": "off",
    }
    assert http.post(url, form).status_code == 400  # no password yet
    assert http.post(url, {**form, "fiscal-atol_password": "atol-pass"}).status_code == 302
    row = FiscalSettings.objects.get(company=company)
    assert (row.driver, row.atol_password, row.atol_group_code) == ("atol", "atol-pass", "group-1")
    assert "atol-pass" not in http.get(url).content.decode()
    assert http.post(url, form).status_code == 302  # the stored password is kept
    assert FiscalSettings.objects.get(company=company).atol_password == "atol-pass"
