"""The checkout's seam for loyalty: paying with a means other than money, a discount offered by
a loyalty rule, and products sold at the counter. A small stand-in means (a wallet per client in
a dict) plays the loyalty module's part; the loyalty apps test their own ledgers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from frontdesk.accounts.models import Membership
from frontdesk.clients.services import find_or_create_client
from frontdesk.finance.checkout import (
    CounterLine,
    MeansUse,
    checkout_visit,
    pay_sale,
    refund_means,
    sell_at_counter,
)
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.means import (
    DiscountOffer,
    DiscountProvider,
    MeansError,
    MeansOption,
    PaymentMeans,
    Product,
    ProductProvider,
    register_discount,
    register_means,
    register_products,
    unregister_discount,
    unregister_means,
    unregister_products,
)
from frontdesk.finance.models import LineKind, MeansPayment, Sale, SaleStatus, Transaction
from frontdesk.finance.services import Payment, balance
from frontdesk.finance.signals import sale_settled
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk, make_visit
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


class Wallet(PaymentMeans):
    """Bonuses kept in a dict: enough to see what finance does with a means."""

    code = "wallet"
    label = "Wallet"

    def __init__(self):
        self.balances: dict[int, Decimal] = {}
        self.operations: list[tuple[str, int, Decimal]] = []

    def options(self, draft):
        have = self.balances.get(draft.client.pk, Decimal(0))
        return [MeansOption(self.code, "", f"Wallet: {have}", min(have, draft.total))] if have else []

    def spend(self, sale, ref, amount, *, user=None):
        have = self.balances.get(sale.client_id, Decimal(0))
        if amount > have:
            raise MeansError(f"Only {have} in the wallet.")
        self.balances[sale.client_id] = have - amount
        self.operations.append(("spend", sale.pk, amount))
        return f"op{len(self.operations)}"

    def give_back(self, payment, amount, *, user=None):
        self.balances[payment.sale.client_id] += amount
        self.operations.append(("back", payment.sale_id, amount))
        return f"op{len(self.operations)}"


@pytest.fixture
def wallet():
    means = register_means(Wallet())
    yield means
    unregister_means("wallet")


@pytest.fixture
def branch(tenant_a):
    company = tenant_a.company
    client = find_or_create_client(chain=tenant_a.chain, phone="+79161112233", name="Ольга")
    visit = make_visit(company, [("Стрижка", 3000, 3000)], client=client)
    return company, make_cash_desk(company), make_bank_account(company), client, visit


def test_a_visit_paid_partly_from_the_wallet_and_partly_in_cash(branch, wallet, amy):
    company, desk, bank, client, visit = branch
    wallet.balances[client.pk] = Decimal("1000")
    settled = []
    sale_settled.listen(receiver := lambda sale, kind: settled.append(kind))
    try:
        result = checkout_visit(
            visit,
            means=[MeansUse("wallet", "", "1000")],
            payments=[Payment(desk, "cash", "2000")],
            user=amy,
        )
    finally:
        sale_settled.forget(receiver)
    sale = result.sale
    assert (sale.paid, sale.status) == (Decimal("3000.00"), SaleStatus.PAID)
    assert balance(desk) == Decimal("2000.00")  # only the money went into an account
    paid = MeansPayment.objects.get(sale=sale)
    assert (paid.code, paid.amount, paid.operation) == ("wallet", Decimal("1000.00"), "op1")
    assert wallet.balances[client.pk] == 0 and settled == ["checkout"]


def test_a_means_that_cannot_pay_rolls_the_whole_checkout_back(branch, wallet):
    company, desk, bank, client, visit = branch
    wallet.balances[client.pk] = Decimal("500")
    with pytest.raises(MeansError) as refused:
        checkout_visit(visit, means=[MeansUse("wallet", "", "800")], payments=[Payment(desk, "cash", "2200")])
    assert refused.value.messages == ["Only 500 in the wallet."]
    assert not Sale.objects.exists() and not Transaction.objects.exists() and not MeansPayment.objects.exists()


def test_means_and_money_together_cannot_pay_more_than_is_due(branch, wallet):
    company, desk, bank, client, visit = branch
    wallet.balances[client.pk] = Decimal("1000")
    with pytest.raises(FinanceError) as refused:
        checkout_visit(visit, means=[MeansUse("wallet", "", "1000")], payments=[Payment(desk, "cash", "2500")])
    assert refused.value.finance_code == "overpaid"
    assert not Sale.objects.exists() and not MeansPayment.objects.exists()


def test_an_unknown_means_is_refused_with_a_message(branch):
    company, desk, bank, client, visit = branch
    with pytest.raises(FinanceError) as refused, translation.override("en"):
        checkout_visit(visit, means=[MeansUse("nothing", "", "100")])
    with translation.override("en"):
        assert refused.value.text == "This way of paying is not available; reload the page."
    assert not Sale.objects.exists()


def test_a_debt_is_paid_from_the_wallet_later_and_given_back_in_part(branch, wallet, amy):
    company, desk, bank, client, visit = branch
    sale = checkout_visit(visit, payments=[Payment(desk, "cash", "1000")]).sale
    assert sale.debt == Decimal("2000.00")
    wallet.balances[client.pk] = Decimal("5000")
    sale = pay_sale(sale, [], means=[MeansUse("wallet", "", "2000")], user=amy).sale
    assert (sale.status, sale.debt) == (SaleStatus.PAID, 0)
    paid = MeansPayment.objects.get(sale=sale)
    back = refund_means(paid, "500", user=amy)
    sale.refresh_from_db()
    assert back.amount == Decimal("-500.00") and back.reverses_id == paid.pk
    assert (sale.paid, sale.refunded) == (Decimal("2500.00"), Decimal("500.00"))
    assert wallet.balances[client.pk] == Decimal("3500")
    with pytest.raises(FinanceError) as refused:
        refund_means(paid, "1600", user=amy)
    assert refused.value.finance_code == "refund_too_big"
    refund_means(paid, user=amy)  # the rest
    assert wallet.balances[client.pk] == Decimal("5000")


class Certificates(ProductProvider):
    kind = LineKind.CERTIFICATE

    def products(self, company):
        return [
            Product(LineKind.CERTIFICATE, "1", "Сертификат 3000", Decimal("3000")),
            Product(
                LineKind.CERTIFICATE,
                "2",
                "Сертификат на любую сумму",
                Decimal("1000"),
                Decimal("500"),
                Decimal("20000"),
            ),
        ]


@pytest.fixture
def certificates():
    provider = register_products(Certificates())
    yield provider
    unregister_products(provider)


def test_a_certificate_is_sold_at_the_counter_into_the_certificates_item(branch, amy):
    company, desk, bank, client, visit = branch
    settled = []
    sale_settled.listen(receiver := lambda sale, kind: settled.append((kind, sale.pk)))
    try:
        result = sell_at_counter(
            company,
            client=None,
            lines=[CounterLine(LineKind.CERTIFICATE, "1", "Сертификат 3000", "3000")],
            payments=[Payment(bank, "card", "3000")],
            user=amy,
        )
    finally:
        sale_settled.forget(receiver)
    sale = result.sale
    assert sale.visit is None and sale.status == SaleStatus.PAID and settled == [("counter", sale.pk)]
    assert Transaction.objects.get(sale=sale).item.code == "certificates"
    assert sale.lines.get().kind == LineKind.CERTIFICATE


def test_a_counter_sale_is_paid_in_full_or_not_at_all(branch):
    company, desk, bank, client, visit = branch
    with pytest.raises(FinanceError) as refused:
        sell_at_counter(
            company,
            client=client,
            lines=[CounterLine(LineKind.ABONEMENT, "7", "8 занятий йогой", "6400")],
            payments=[Payment(desk, "cash", "6000")],
        )
    assert refused.value.finance_code == "counter_sale_unpaid"
    with pytest.raises(FinanceError) as mixed:
        sell_at_counter(
            company,
            client=client,
            lines=[
                CounterLine(LineKind.ABONEMENT, "7", "Йога", "100"),
                CounterLine(LineKind.GOODS, "3", "Шампунь", "1"),
            ],
            payments=[Payment(desk, "cash", "101")],
        )
    assert mixed.value.finance_code == "mixed_counter_sale"
    assert not Sale.objects.exists() and balance(desk) == 0


class TenPercent(DiscountProvider):
    def offers(self, draft):
        return [DiscountOffer("test:10", "Постоянный клиент −10%", draft.subtotal / 10)]


@pytest.fixture
def ten_percent():
    provider = register_discount(TenPercent())
    yield provider
    unregister_discount(provider)


def test_the_checkout_page_applies_the_loyalty_discount_and_pays_from_the_wallet(branch, wallet, ten_percent, amy):
    company, desk, bank, client, visit = branch
    wallet.balances[client.pk] = Decimal("700")
    http = client_for(amy)
    page = http.get(f"/c/{company.pk}/finance/checkout/{visit.pk}/").content.decode()
    assert "Постоянный клиент −10%" in page and 'value="300.00"' in page and "means[wallet:]" in page
    response = http.post(
        f"/c/{company.pk}/finance/checkout/{visit.pk}/",
        {
            f"price_{visit.records.get().lines.get().pk}": "3000",
            "discount": "300",
            "means[wallet:]": "700",
            "account_cash": desk.pk,
            "amount_cash": "2000",
        },
    )
    assert response.status_code == 302
    sale = Sale.objects.get(visit=visit)
    assert (sale.discount, sale.discount_source, sale.discount_label) == (
        Decimal("300.00"),
        "test:10",
        "Постоянный клиент −10%",
    )
    assert (sale.paid, sale.status) == (Decimal("2700.00"), SaleStatus.PAID)
    assert "Постоянный клиент −10%" in http.get(f"/c/{company.pk}/finance/sales/{sale.pk}/").content.decode()


def test_without_the_loyalty_right_the_offered_discount_cannot_be_changed(branch, ten_percent, amy):
    company, desk, bank, client, visit = branch
    Membership.objects.filter(user=amy).update(permissions={"loyalty": 1})
    http = client_for(amy)
    line = visit.records.get().lines.get()
    http.post(
        f"/c/{company.pk}/finance/checkout/{visit.pk}/",
        {f"price_{line.pk}": "3000", "discount": "3000", "account_cash": desk.pk, "amount_cash": "100"},
    )
    sale = Sale.objects.get(visit=visit)
    assert (sale.discount, sale.discount_source) == (Decimal("300.00"), "test:10")


def test_with_the_loyalty_right_a_changed_discount_is_a_manual_one(branch, ten_percent, amy):
    company, desk, bank, client, visit = branch
    line = visit.records.get().lines.get()
    client_for(amy).post(
        f"/c/{company.pk}/finance/checkout/{visit.pk}/",
        {f"price_{line.pk}": "3000", "discount": "500", "account_cash": desk.pk, "amount_cash": "100"},
    )
    sale = Sale.objects.get(visit=visit)
    assert (sale.discount, sale.discount_source, sale.discount_label) == (Decimal("500.00"), "", "")


def test_a_code_typed_at_the_desk_finds_a_balance_that_is_not_the_clients(branch, amy):
    company, desk, bank, client, visit = branch

    class Gift(Wallet):
        code = "gift"

        def options(self, draft):
            return []

        def find(self, draft, query):
            return [MeansOption("gift", query, f"Certificate {query}", Decimal("1000"))] if query == "1234" else []

    register_means(Gift())
    try:
        page = client_for(amy).post(
            f"/c/{company.pk}/finance/checkout/{visit.pk}/", {"action": "find", "means_query": "1234"}
        )
    finally:
        unregister_means("gift")
    assert page.status_code == 200 and "Certificate 1234" in page.content.decode()
    assert "means[gift:1234]" in page.content.decode() and not Sale.objects.exists()


def test_the_sell_page_sells_a_free_amount_certificate_to_a_client_found_by_phone(branch, certificates, amy):
    company, desk, bank, client, visit = branch
    http = client_for(amy)
    assert "Сертификат на любую сумму" in http.get(f"/c/{company.pk}/finance/sell/").content.decode()
    response = http.post(
        f"/c/{company.pk}/finance/sell/",
        {
            "phone": "8 916 111-22-33",
            "qty[certificate:2]": "1",
            "price[certificate:2]": "4500",
            "account_card": bank.pk,
            "amount_card": "4500",
        },
    )
    assert response.status_code == 302
    sale = Sale.objects.get()
    assert (sale.client, sale.total, sale.status) == (client, Decimal("4500.00"), SaleStatus.PAID)


def test_the_sell_page_explains_a_price_out_of_range_and_an_unknown_phone(branch, certificates, amy):
    company, desk, bank, client, visit = branch
    http = client_for(amy)
    # amy reads the back office in English (her profile's language).
    too_big = http.post(
        f"/c/{company.pk}/finance/sell/",
        {"qty[certificate:2]": "1", "price[certificate:2]": "50000", "account_cash": desk.pk, "amount_cash": "50000"},
    )
    stranger = http.post(
        f"/c/{company.pk}/finance/sell/",
        {"phone": "+7 999 000-00-00", "qty[certificate:1]": "1", "account_cash": desk.pk, "amount_cash": "3000"},
    )
    assert too_big.status_code == 400 and "must be between" in too_big.content.decode()
    assert stranger.status_code == 400 and "There is no client with the phone" in stranger.content.decode()
    assert not Sale.objects.exists()


def test_the_methods_report_lists_payments_by_loyalty_means_apart_from_money(branch, wallet, amy):
    company, desk, bank, client, visit = branch
    wallet.balances[client.pk] = Decimal("1000")
    checkout_visit(visit, means=[MeansUse("wallet", "", "1000")], payments=[Payment(desk, "cash", "2000")])
    today = timezone.localdate()
    page = client_for(amy).get(
        f"/c/{company.pk}/finance/reports/methods/",
        {"first": today - datetime.timedelta(days=3), "last": today + datetime.timedelta(days=3)},
    )
    text = page.content.decode()
    assert 'data-means="wallet"' in text and "Wallet" in text
