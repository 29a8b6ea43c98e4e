"""Checking a visit out: prices, discount, split payments, change, debts and refunds."""

from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.clients.services import find_or_create_client
from frontdesk.core.models import Event
from frontdesk.finance.checkout import checkout_visit, client_debt, draft_lines, pay_sale, refund_sale
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod, Sale, SaleStatus, Transaction
from frontdesk.finance.services import Payment, balance, record_expense
from frontdesk.finance.tests.factories import item, make_bank_account, make_cash_desk, make_visit
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import RecordStatus
from frontdesk.scheduling.services import move_record, set_record_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(tenant_a):
    return make_cash_desk(tenant_a.company)


@pytest.fixture
def bank(tenant_a):
    return make_bank_account(tenant_a.company)


@pytest.fixture
def visit(tenant_a):
    client = find_or_create_client(chain=tenant_a.chain, phone="+79161112233", name="Ольга")
    return make_visit(tenant_a.company, [("Стрижка", 2500, 3500), ("Укладка", 1000, 1000)], client=client)


def test_split_cash_and_card_payment_completes_the_visit_and_gives_change(visit, desk, bank, amy):
    line = draft_lines(visit)[0]
    result = checkout_visit(
        visit,
        prices={line.record_service.pk: "3000"},
        discount="200",
        payments=[Payment(desk, PaymentMethod.CASH, Decimal("1800")), Payment(bank, PaymentMethod.CARD, "2000")],
        cash_received="2000",
        user=amy,
    )
    sale = result.sale
    assert (sale.subtotal, sale.discount, sale.total, sale.paid) == (
        Decimal("4000.00"),
        Decimal("200.00"),
        Decimal("3800.00"),
        Decimal("3800.00"),
    )
    assert sale.status == SaleStatus.PAID and result.change == Decimal("200.00")
    assert (balance(desk), balance(bank)) == (Decimal("1800.00"), Decimal("2000.00"))
    assert set(visit.records.values_list("status", flat=True)) == {RecordStatus.COMPLETED}
    assert Event.objects.filter(code="sale.checked_out", object_id=str(sale.pk)).exists()


def test_a_visit_is_checked_out_once(visit, desk):
    checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")])
    with pytest.raises(FinanceError) as refused:
        checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")])
    assert refused.value.finance_code == "already_checked_out"
    assert balance(desk) == Decimal("3500.00")


def test_a_price_outside_the_services_range_is_refused_and_nothing_is_saved(visit, desk):
    line = draft_lines(visit)[0]
    assert (line.price_min, line.price_max) == (Decimal("2500.00"), Decimal("3500.00"))
    with pytest.raises(FinanceError) as refused:
        checkout_visit(visit, prices={line.record_service.pk: "3600"}, payments=[Payment(desk, "cash", "100")])
    with translation.override("en"):
        assert refused.value.text == "The price of “Стрижка” must be between 2,500.00 and 3,500.00."
    assert not Sale.objects.exists() and not Transaction.objects.exists()
    assert RecordStatus.COMPLETED not in visit.records.values_list("status", flat=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"discount": "4000"},  # more than the services
        {"payments": "overpay"},
        {"cash_received": "100"},  # less than the cash part
        {"prices": {0: "10"}},  # a line of no visit
        {"payments": "wrong_method"},
    ],
)
def test_bad_checkout_input_is_refused_with_nothing_saved(visit, desk, bank, kwargs):
    kwargs = dict(kwargs)
    payments = [Payment(desk, PaymentMethod.CASH, "1000")]
    if kwargs.get("payments") == "overpay":
        payments = [Payment(desk, PaymentMethod.CASH, "3000"), Payment(bank, PaymentMethod.CARD, "501")]
    elif kwargs.get("payments") == "wrong_method":
        payments = [Payment(desk, PaymentMethod.CARD, "1000")]
    kwargs["payments"] = payments
    with pytest.raises(FinanceError):
        checkout_visit(visit, **kwargs)
    assert not Sale.objects.exists() and not Transaction.objects.exists()


def test_an_account_of_another_branch_is_refused(visit, tenant_a):
    other_desk = make_cash_desk(tenant_a.companies[1])
    with pytest.raises(FinanceError):
        checkout_visit(visit, payments=[Payment(other_desk, PaymentMethod.CASH, "100")])
    assert not Sale.objects.exists()


def test_a_partial_payment_leaves_a_debt_on_the_client_that_can_be_paid_later(visit, desk, bank):
    sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "1500")]).sale
    assert sale.status == SaleStatus.PARTLY_PAID and sale.debt == Decimal("2000.00")
    assert client_debt(visit.client) == Decimal("2000.00")
    with pytest.raises(FinanceError):
        pay_sale(sale, [Payment(bank, PaymentMethod.CARD, "2000.01")])
    sale = pay_sale(sale, [Payment(bank, PaymentMethod.CARD, "2000")]).sale
    assert sale.status == SaleStatus.PAID and client_debt(visit.client) == 0
    with pytest.raises(FinanceError):
        pay_sale(sale, [Payment(bank, PaymentMethod.CARD, "1")])


def test_a_partial_refund_goes_back_by_the_original_method_and_is_logged(visit, desk, bank):
    sale = checkout_visit(
        visit, payments=[Payment(desk, PaymentMethod.CASH, "1500"), Payment(bank, PaymentMethod.CARD, "2000")]
    ).sale
    card_payment = Transaction.objects.get(sale=sale, method=PaymentMethod.CARD)
    refunds = refund_sale(sale, "500", payment=card_payment, comment="Жалоба")
    assert [(r.method, r.amount, r.reverses_id) for r in refunds] == [
        (PaymentMethod.CARD, Decimal("-500.00"), card_payment.pk)
    ]
    sale.refresh_from_db()
    assert (sale.paid, sale.refunded, sale.status, sale.debt) == (
        Decimal("3000.00"),
        Decimal("500.00"),
        SaleStatus.PAID,
        0,
    )
    assert (balance(desk), balance(bank)) == (Decimal("1500.00"), Decimal("1500.00"))
    with pytest.raises(FinanceError):
        refund_sale(sale, "1500.01", payment=card_payment)
    refund_sale(sale)  # the rest, from every payment
    sale.refresh_from_db()
    assert sale.status == SaleStatus.REFUNDED and sale.paid == 0
    assert (balance(desk), balance(bank)) == (0, 0)
    assert Event.objects.filter(code="sale.refunded", object_id=str(sale.pk)).count() == 2


def test_a_cash_refund_needs_the_cash_in_the_desk(tenant_a, visit, desk):
    sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
    record_expense(desk, 3000, item=item(tenant_a.chain, "rent"), method=PaymentMethod.CASH)
    with pytest.raises(FinanceError):
        refund_sale(sale, "501")
    assert balance(desk) == Decimal("500.00")


def test_a_checked_out_visit_cannot_be_moved_or_reopened_in_the_journal(visit, desk):
    checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")])
    record = visit.records.get()
    with pytest.raises(BookingError):
        set_record_status(record, RecordStatus.ARRIVED)
    with pytest.raises(BookingError):
        move_record(record, start=record.start)
    record.refresh_from_db()
    assert record.status == RecordStatus.COMPLETED


def test_a_cancelled_visit_cannot_be_checked_out(visit, desk):
    set_record_status(visit.records.get(), RecordStatus.CANCELLED)
    with pytest.raises(FinanceError):
        checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "100")])
