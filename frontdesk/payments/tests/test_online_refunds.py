"""Refunds of online prepayments go back through the payment provider: a refund from the sale
page asks the provider first, records its refund next to the ledger row, and saves nothing when
the provider says no or cannot be reached; a retry after a crash reuses the idempotency key and
never refunds twice; two refunds at once never give back more than was paid."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from frontdesk.finance.checkout import checkout_visit, refund_sale
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod, Sale, SaleStatus, Transaction
from frontdesk.finance.services import balance
from frontdesk.finance.signals import refund_posted
from frontdesk.payments.models import (
    OnlinePayment,
    OnlineRefund,
    OnlineRefundStatus,
    PaymentSettings,
    TestProviderPayment,
    TestProviderRefund,
)
from frontdesk.payments.online import refund_key
from frontdesk.payments.providers import RefundRefused, TestProvider, YooKassaProvider
from frontdesk.payments.tests.factories import book_with_prepayment, prepaying_branch
from frontdesk.payments.tests.stand_ins import YooKassa, serving
from frontdesk.testing.concurrency import race
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def yookassa(settings):
    with serving(YooKassa()) as stand_in:
        settings.YOOKASSA_API_URL = stand_in.url
        settings.YOOKASSA_WEBHOOK_NETWORKS = ["127.0.0.0/8"]
        settings.PAYMENTS_HTTP_TIMEOUT = 5
        yield stand_in


def _sale_url(sale, rest=""):
    return f"/c/{sale.company_id}/finance/sales/{sale.pk}/{rest}"


def _prepaid_on_test_provider(company):
    """A visit booked online, prepaid (2000) on the test provider's page and checked out."""
    service, specialist, bank = prepaying_branch(company)
    records, _link, payment, url = book_with_prepayment(company, service, specialist)
    Client().post(url, {"decision": "pay"})
    sale = checkout_visit(records[0].visit).sale
    payment.refresh_from_db()
    return sale, payment, bank


def _prepaid_on_yookassa(company, yookassa):
    service, specialist, bank = prepaying_branch(company)
    PaymentSettings.objects.filter(company=company).update(
        provider="yookassa", shop_id="shop-1", secret_key="live-secret"
    )
    records, _link, payment, _url = book_with_prepayment(company, service, specialist)
    yookassa.set_status(payment.provider_payment_id, "succeeded")
    body = json.dumps({"event": "payment.succeeded", "object": {"id": payment.provider_payment_id}})
    webhook = Client(REMOTE_ADDR="127.0.0.1").post(
        reverse("payments:webhook", args=[company.pk]), body, content_type="application/json"
    )
    assert webhook.status_code == 200
    sale = checkout_visit(records[0].visit).sale
    payment.refresh_from_db()
    return sale, payment, bank


def _refund(user, sale, payment, amount):
    with translation.override("en"):
        return client_for(user).post(_sale_url(sale, "refund/"), {"payment": payment.transaction_id, "amount": amount})


def test_a_prepaid_visit_refunded_in_two_parts_goes_back_through_the_test_provider(tenant_a, amy):
    sale, payment, bank = _prepaid_on_test_provider(tenant_a.company)
    assert sale.status == SaleStatus.PAID and payment.transaction.sale == sale

    assert _refund(amy, sale, payment, "500").status_code == 302
    [first] = TestProviderRefund.objects.all()
    assert first.amount == Decimal("500.00") and first.payment.payment_id == payment.provider_payment_id
    row = Transaction.objects.get(sale=sale, amount__lt=0)
    assert row.amount == Decimal("-500.00") and row.method == PaymentMethod.ONLINE and row.account == bank
    assert row.reverses_id == payment.transaction_id
    recorded = OnlineRefund.objects.get()
    assert (recorded.transaction, recorded.online_payment, recorded.amount) == (row, payment, Decimal("500.00"))
    assert recorded.provider_refund_id == first.refund_id and recorded.status == OnlineRefundStatus.SUCCEEDED
    assert balance(bank) == Decimal("1500.00")
    # The sale page shows the provider's refund next to the ledger row.
    with translation.override("en"):
        page = client_for(amy).get(_sale_url(sale)).content.decode()
    assert f"Refunded through Test provider (no real money), refund {first.refund_id}" in page

    # The rest: a second refund at the provider, under its own key.
    assert _refund(amy, sale, payment, "1500").status_code == 302
    assert sorted(r.amount for r in TestProviderRefund.objects.all()) == [Decimal("500.00"), Decimal("1500.00")]
    assert len({r.idempotency_key for r in TestProviderRefund.objects.all()}) == 2
    assert OnlineRefund.objects.count() == 2
    sale.refresh_from_db()
    assert sale.status == SaleStatus.REFUNDED and sale.refunded == Decimal("2000.00") and balance(bank) == 0

    # Nothing is left: a further refund is refused and nobody is asked.
    response = _refund(amy, sale, payment, "1")
    assert response.status_code == 400 and "At most 0.00 can be refunded." in response.content.decode()
    assert TestProviderRefund.objects.count() == 2


def test_the_sale_page_reads_the_same_number_of_queries_for_one_online_refund_or_two(tenant_a, amy):
    # Payments tells of all the sale's refunds at once (the row slot «finance.sale_refund»).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sale, payment, _bank = _prepaid_on_test_provider(tenant_a.company)
    http = client_for(amy)
    counts = []
    for amount in ("500", "700"):
        assert _refund(amy, sale, payment, amount).status_code == 302
        with CaptureQueriesContext(connection) as queries:
            page = http.get(_sale_url(sale)).content.decode()
        counts.append(len(queries))
    assert page.count('data-testid="online-refund"') == 2
    assert counts[0] == counts[1]


def test_the_test_provider_refuses_more_than_is_left_and_repeats_a_known_key(tenant_a):
    sale, payment, _bank = _prepaid_on_test_provider(tenant_a.company)
    provider = TestProvider(tenant_a.company, PaymentSettings.for_company(tenant_a.company))
    ask = {"payment_id": payment.provider_payment_id, "currency": "RUB", "description": ""}
    first = provider.create_refund(amount=Decimal("1200"), idempotency_key="k1", **ask)
    assert provider.create_refund(amount=Decimal("1200"), idempotency_key="k1", **ask) == first
    with translation.override("en"), pytest.raises(RefundRefused) as refused:
        provider.create_refund(amount=Decimal("800.01"), idempotency_key="k2", **ask)
    assert refused.value.reason == "Only 800.00 of the payment is left to refund."  # gettext: already text
    assert provider.create_refund(amount=Decimal("800"), idempotency_key="k2", **ask).amount == Decimal("800.00")
    assert TestProviderRefund.objects.count() == 2
    # A payment nobody paid is not refunded.
    TestProviderPayment.objects.filter(payment_id=payment.provider_payment_id).update(status="pending")
    with pytest.raises(RefundRefused):
        provider.create_refund(amount=Decimal("1"), idempotency_key="k3", **ask)


def test_a_refund_the_provider_refuses_saves_nothing_and_says_why(tenant_a, amy):
    sale, payment, bank = _prepaid_on_test_provider(tenant_a.company)
    # Someone already gave 1900 back in the provider's own dashboard, past the product.
    paid = TestProviderPayment.objects.get(payment_id=payment.provider_payment_id)
    TestProviderRefund.objects.create(
        company=tenant_a.company, refund_id="dashboard-1", payment=paid, idempotency_key="dash", amount="1900"
    )
    response = _refund(amy, sale, payment, "500")
    assert response.status_code == 400
    text = response.content.decode()
    assert (
        "The payment provider refused to refund 500.00: Only 100.00 of the payment is left to refund. "
        "Nothing was refunded." in text
    )
    assert not Transaction.objects.filter(amount__lt=0).exists() and not OnlineRefund.objects.exists()
    sale.refresh_from_db()
    assert sale.refunded == 0 and sale.status == SaleStatus.PAID and balance(bank) == Decimal("2000.00")
    # In Russian for an administrator who reads Russian.
    type(amy).objects.filter(pk=amy.pk).update(language="ru")
    text = client_for(amy).post(_sale_url(sale, "refund/"), {"payment": payment.transaction_id, "amount": "500"})
    assert "Платёжный провайдер отказался вернуть 500,00: Из платежа можно вернуть только 100,00." in (
        text.content.decode()
    )


def test_online_money_is_not_refunded_when_the_branch_switched_its_provider_off(tenant_a, amy):
    sale, payment, _bank = _prepaid_on_test_provider(tenant_a.company)
    PaymentSettings.objects.filter(company=tenant_a.company).update(provider="off")
    response = _refund(amy, sale, payment, "500")
    assert response.status_code == 400
    assert "cannot go back to the payer&#x27;s card" in response.content.decode()
    assert not Transaction.objects.filter(amount__lt=0).exists() and not TestProviderRefund.objects.exists()


def test_a_cash_refund_next_to_an_online_prepayment_asks_no_provider(tenant_a, amy):
    from frontdesk.finance.services import Payment
    from frontdesk.finance.tests.factories import make_cash_desk

    company = tenant_a.company
    service, specialist, _bank = prepaying_branch(company)
    records, _link, payment, url = book_with_prepayment(company, service, specialist)
    Client().post(url, {"decision": "pay"})
    # A dearer service after all: the client pays the difference in cash.
    line = records[0].lines.get()
    type(line).objects.filter(pk=line.pk).update(price=2500)
    type(service).objects.filter(pk=service.pk).update(price_max=3000)
    desk = make_cash_desk(company)
    sale = checkout_visit(records[0].visit, payments=[Payment(desk, PaymentMethod.CASH, "500")]).sale
    cash = Transaction.objects.get(sale=sale, method=PaymentMethod.CASH)
    refund_sale(sale, "200", payment=cash)
    assert balance(desk) == Decimal("300.00")
    assert not TestProviderRefund.objects.exists() and not OnlineRefund.objects.exists()


# --- YooKassa, on a loopback stand-in ------------------------------------------------------------


def test_yookassa_is_asked_for_the_refund_with_its_body_and_a_deterministic_key(tenant_a, amy, yookassa):
    sale, payment, bank = _prepaid_on_yookassa(tenant_a.company, yookassa)
    assert _refund(amy, sale, payment, "700").status_code == 302

    [asked] = yookassa.requests("POST", "/refunds")
    assert asked.body == {
        "payment_id": payment.provider_payment_id,
        "amount": {"value": "700.00", "currency": "RUB"},
        "description": f"{tenant_a.company.name}: #{sale.pk}",
    }
    assert asked.headers["Authorization"].startswith("Basic ")
    assert asked.headers["Idempotence-Key"] == refund_key(payment, payment.transaction, 0)
    recorded = OnlineRefund.objects.get()
    assert recorded.provider == "yookassa" and recorded.provider_refund_id in yookassa.state["refunds"]
    assert recorded.transaction.amount == Decimal("-700.00") and yookassa.refunded(payment.provider_payment_id) == 700

    # The second part is a new refund under a new key (700 already given back of that payment).
    assert _refund(amy, sale, payment, "1300").status_code == 302
    keys = [r.headers["Idempotence-Key"] for r in yookassa.requests("POST", "/refunds")]
    assert keys[1] == refund_key(payment, payment.transaction, Decimal("700")) != keys[0]
    assert yookassa.refunded(payment.provider_payment_id) == Decimal("2000")
    assert Sale.objects.get(pk=sale.pk).status == SaleStatus.REFUNDED and balance(bank) == 0


def test_a_pending_refund_at_yookassa_is_recorded_as_given_back_and_shown_so(tenant_a, amy, yookassa):
    sale, payment, _bank = _prepaid_on_yookassa(tenant_a.company, yookassa)
    yookassa.state["refund_status"] = "pending"
    assert _refund(amy, sale, payment, "700").status_code == 302
    assert OnlineRefund.objects.get().status == OnlineRefundStatus.PENDING
    with translation.override("en"):
        page = client_for(amy).get(_sale_url(sale)).content.decode()
    assert "Refunded through YooKassa" in page and "Being refunded" in page


@pytest.mark.parametrize("trouble", ["down", "refused", "canceled", "wrong_credentials"])
def test_when_yookassa_refuses_or_is_down_nothing_is_saved_and_the_page_says_so(tenant_a, amy, yookassa, trouble):
    sale, payment, bank = _prepaid_on_yookassa(tenant_a.company, yookassa)
    amount = "700"
    if trouble == "down":
        yookassa.fail_next = 1
    elif trouble == "refused":
        amount = "2000"
        yookassa.state.setdefault("refunds", {})["elsewhere"] = {
            "id": "elsewhere",
            "payment_id": payment.provider_payment_id,
            "status": "succeeded",
            "amount": {"value": "1500.00", "currency": "RUB"},
        }
    elif trouble == "canceled":
        yookassa.state["refund_status"] = "canceled"
    else:
        PaymentSettings.objects.filter(company=tenant_a.company).update(secret_key="wrong")
    response = _refund(amy, sale, payment, amount)
    assert response.status_code == 400
    text = response.content.decode()
    expected = {
        "down": "The payment provider could not be reached, so 700.00 was not refunded and nothing was saved.",
        "refused": "The payment provider refused to refund 2,000.00: "
        "Refund amount exceeds the payment&#x27;s remaining amount Nothing was refunded.",
        "canceled": "The payment provider refused to refund 700.00: rejected_by_payee Nothing was refunded.",
        "wrong_credentials": "The payment provider refused to refund 700.00: invalid_credentials",
    }[trouble]
    assert expected in text
    assert not Transaction.objects.filter(amount__lt=0).exists() and not OnlineRefund.objects.exists()
    assert Sale.objects.get(pk=sale.pk).refunded == 0 and balance(bank) == Decimal("2000.00")


def test_a_retry_after_a_crash_before_our_commit_reuses_the_key_and_refunds_once(tenant_a, yookassa):
    sale, payment, bank = _prepaid_on_yookassa(tenant_a.company, yookassa)

    def crash(**kwargs):
        raise RuntimeError("the process died after YooKassa answered")

    refund_posted.listen(crash)  # after the provider's listener
    try:
        with pytest.raises(RuntimeError):
            refund_sale(sale, "700", payment=payment.transaction)
    finally:
        refund_posted.forget(crash)
    assert yookassa.refunded(payment.provider_payment_id) == 700  # the money went back…
    assert not Transaction.objects.filter(amount__lt=0).exists()  # …and our commit never happened

    # Retried with another amount: the key's refund is out there for 700, so nothing is recorded.
    with translation.override("en"):
        with pytest.raises(FinanceError) as mismatch:
            refund_sale(sale, "300", payment=payment.transaction)
        assert "already given back 700.00. Refund exactly 700.00 to record it." in mismatch.value.text
    # Retried as it was: YooKassa returns the same refund, and it is recorded once.
    [row] = refund_sale(sale, "700", payment=payment.transaction)
    assert len(yookassa.state["refunds"]) == 1 and yookassa.refunded(payment.provider_payment_id) == 700
    assert OnlineRefund.objects.get().transaction == row and balance(bank) == Decimal("1300.00")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", ["test", "yookassa"])
def test_two_refunds_of_one_online_payment_at_once_never_give_back_more_than_was_paid(tenant_a, settings, provider):
    from frontdesk.core.scopes import scope

    company = tenant_a.company
    with serving(YooKassa()) as stand_in:
        settings.YOOKASSA_API_URL = stand_in.url
        settings.YOOKASSA_WEBHOOK_NETWORKS = ["127.0.0.0/8"]
        settings.PAYMENTS_HTTP_TIMEOUT = 5
        with scope(company.chain_id):
            if provider == "test":
                sale, payment, bank = _prepaid_on_test_provider(company)
            else:
                sale, payment, bank = _prepaid_on_yookassa(company, stand_in)

        def attempt(i):
            with scope(company.chain_id):
                return refund_sale(Sale.objects.get(pk=sale.pk), "1200", payment=payment.transaction)

        outcomes = race(2, attempt, refusals=(FinanceError,))
        assert sorted(o for o, _v in outcomes) == ["ok", "refused"], outcomes
        with scope(company.chain_id):
            given_at_provider = (
                sum((r.amount for r in TestProviderRefund.objects.all()), Decimal(0))
                if provider == "test"
                else stand_in.refunded(payment.provider_payment_id)
            )
            assert given_at_provider == Decimal("1200.00")
            assert Sale.objects.get(pk=sale.pk).refunded == Decimal("1200.00")
            assert OnlineRefund.objects.count() == 1 and balance(bank) == Decimal("800.00")
            assert OnlinePayment.objects.get(pk=payment.pk).refunds.get().amount == Decimal("1200.00")


def test_the_refund_driver_reads_yookassas_answer(tenant_a, yookassa):
    """The driver on its own: the wire format both ways, a known key returns the known refund."""
    sale, payment, _bank = _prepaid_on_yookassa(tenant_a.company, yookassa)
    driver = YooKassaProvider(tenant_a.company, PaymentSettings.for_company(tenant_a.company))
    ask = {"payment_id": payment.provider_payment_id, "currency": "RUB", "description": "x" * 300}
    first = driver.create_refund(amount=Decimal("10.5"), idempotency_key="key-1", **ask)
    assert first.status == "succeeded" and first.amount == Decimal("10.50") and first.id.startswith("2e")
    again = driver.create_refund(amount=Decimal("10.5"), idempotency_key="key-1", **ask)
    assert again == first and len(yookassa.state["refunds"]) == 1
    [asked, _again] = yookassa.requests("POST", "/refunds")
    assert asked.headers["Idempotence-Key"] == "key-1" and len(asked.body["description"]) == 250
    assert asked.headers["Content-Type"] == "application/json"
