"""Every form that takes money reads it with the one bounded parser (core.money.parse_amount,
through core.forms.MoneyField or the services): an amount too large for any column, a negative,
NaN, Infinity, an exponent or a guessed-at grouping gets a translated message and saves nothing
— never a 500. One test per form; each posts every bad value."""

from decimal import Decimal

import pytest
from django.urls import reverse

from frontdesk.catalog.models import Service
from frontdesk.catalog.tests.factories import make_category
from frontdesk.catalog.tests.test_catalogue_views import service_data
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import PaymentItem, Sale, Transaction
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk, make_visit
from frontdesk.loyalty.ledger import balance
from frontdesk.loyalty.models import Programme
from frontdesk.loyalty.tests.factories import bonus, member
from frontdesk.prepaid.models import AbonementType, CertificateType
from frontdesk.prepaid.tests.factories import client as make_client
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

BAD = ["1e26", "-1", "NaN", "Infinity", "1e5", "12,345.6", ""]
# What the reader sees, in Russian: one of the amount refusals, or "this field is required".
REFUSALS = ("Введите сумму", "Обязательное поле")


def _refuses_every_bad_amount(http, url, data, field, snapshot, bad=BAD):
    before = snapshot()
    for value in bad:
        response = http.post(url, {**data, field: value})
        assert response.status_code in (200, 400), (field, value, response.status_code)
        page = response.content.decode()
        assert any(text in page for text in REFUSALS), (field, value)
        assert snapshot() == before, (field, value)


@pytest.fixture(autouse=True)
def russian(amy, alice):
    """The desk works in Russian: the refusals must be translated, not just present."""
    for user in (amy, alice):
        user.language = "ru"
        user.save(update_fields=["language"])


@pytest.fixture
def ru_http(amy):
    return client_for(amy)


@pytest.fixture
def visit(tenant_a):
    company = tenant_a.company
    return make_visit(company, [("Стрижка", 2000, 3000)], client=make_client(tenant_a.chain))


def test_the_checkout_refuses_bad_prices_discounts_and_payments(tenant_a, ru_http, visit):
    company = tenant_a.company
    desk = make_cash_desk(company)
    line = visit.records.get().lines.get()
    url = f"/c/{company.pk}/finance/checkout/{visit.pk}/"
    data = {f"price_{line.pk}": "2000", "discount": "0", "account_cash": desk.pk, "amount_cash": "2000"}

    def sales():
        return Sale.objects.count(), Transaction.objects.count()

    _refuses_every_bad_amount(ru_http, url, data, f"price_{line.pk}", sales)
    _refuses_every_bad_amount(ru_http, url, data, "discount", sales, bad=[v for v in BAD if v])
    # An empty payment is no payment (the visit would be left as a debt): only the rest here.
    _refuses_every_bad_amount(ru_http, url, data, "amount_cash", sales, bad=[v for v in BAD if v])
    _refuses_every_bad_amount(ru_http, url, data, "cash_received", sales, bad=[v for v in BAD if v])


def test_a_refund_and_a_debt_payment_refuse_bad_amounts(tenant_a, ru_http, visit):
    company = tenant_a.company
    desk = make_cash_desk(company)
    sale = checkout_visit(visit, payments=[Payment(desk, "cash", "1000")]).sale
    paid = Transaction.objects.get(sale=sale)

    def money():
        return list(Transaction.objects.order_by("pk").values_list("pk", "amount"))

    # An empty amount means "all of it" (a refund) or "no payment": only the rest here.
    for path, data, field in (
        ("refund", {"payment": paid.pk}, "amount"),
        ("pay", {"account_cash": desk.pk}, "amount_cash"),
    ):
        url = f"/c/{company.pk}/finance/sales/{sale.pk}/{path}/"
        _refuses_every_bad_amount(ru_http, url, data, field, money, bad=[v for v in BAD if v])


def test_cash_operations_refuse_bad_amounts(tenant_a, ru_http):
    company = tenant_a.company
    desk, bank = make_cash_desk(company), make_bank_account(company)
    item = PaymentItem.objects.filter(kind="income").first()

    def money():
        return Transaction.objects.count()

    _refuses_every_bad_amount(
        ru_http,
        reverse("finance:income", args=[company.pk]),
        {"account": desk.pk, "method": "cash", "item": item.pk if item else ""},
        "amount",
        money,
    )
    _refuses_every_bad_amount(
        ru_http,
        reverse("finance:transfer", args=[company.pk]),
        {"from_account": desk.pk, "to_account": bank.pk},
        "amount",
        money,
    )


def test_service_prices_refuse_bad_amounts(tenant_a, alice):
    http = client_for(alice)
    company = tenant_a.company
    category = make_category(company, "Стрижки")
    url = reverse("catalog:service_add", args=[company.pk])

    def services():
        return Service.objects.count()

    _refuses_every_bad_amount(http, url, service_data(category), "price_min", services)
    _refuses_every_bad_amount(http, url, service_data(category), "price_max", services, bad=[v for v in BAD if v])


def test_certificate_and_abonement_types_refuse_bad_amounts(tenant_a, alice):
    http = client_for(alice)
    company = tenant_a.company

    def types():
        return CertificateType.objects.count(), AbonementType.objects.count()

    _refuses_every_bad_amount(
        http,
        reverse("prepaid:certificate_type_add", args=[company.pk]),
        {"title": "Подарок", "applies_to": "both", "validity_days": "180"},
        "nominal",
        types,
        # An empty nominal asks for the limits instead.
        bad=[v for v in BAD if v],
    )
    deposit = {"title": "Депозит", "kind": "money", "price": "5000", "amount": "5500", "validity_days": "365"}
    _refuses_every_bad_amount(http, reverse("prepaid:abonement_type_add", args=[company.pk]), deposit, "price", types)
    _refuses_every_bad_amount(http, reverse("prepaid:abonement_type_add", args=[company.pk]), deposit, "amount", types)


def test_bonus_corrections_and_programme_bonuses_refuse_bad_amounts(tenant_a, alice):
    http = client_for(alice)
    company = tenant_a.company
    programme = bonus(tenant_a.chain, welcome_bonus=Decimal("100"))
    card = member(tenant_a.chain, [programme])

    def bonuses():
        return balance(card), list(Programme.objects.values_list("welcome_bonus", flat=True))

    # A correction may take bonuses away: "-1" is a correction, not a mistake.
    _refuses_every_bad_amount(
        http,
        f"/c/{company.pk}/loyalty/cards/{card.pk}/adjust/",
        {"reason": "Ошибка"},
        "amount",
        bonuses,
        bad=[v for v in BAD if v != "-1"],
    )
