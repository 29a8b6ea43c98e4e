"""Invariant 3 through the cash desk: any sequence of deliveries, counter sales, visits' checkouts
with goods, and refunds (of some bottles or of the whole sale) keeps every remains row equal to
its ledger, never below zero when the network forbids it; a refused sale writes nothing at all
(no sale, no money, no stock); and goods that come back return exactly the cost they left at, so
a sale refunded in full leaves the warehouse's value as it was."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.finance.checkout import CounterLine, checkout_visit, refund_sale, sell_at_counter
from frontdesk.finance.models import LineKind, PaymentMethod, Sale, SaleLine, SaleStatus
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import StockMove, StockRemain
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db

PRICE = Decimal("1000")
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(0, 1), st.integers(1, 6), st.integers(100, 900)),
        st.tuples(st.just("counter"), st.integers(0, 1), st.integers(1, 4)),
        st.tuples(st.just("visit"), st.integers(0, 1), st.integers(1, 3)),
        st.tuples(st.just("return"), st.integers(0, 20), st.integers(1, 3)),
        st.tuples(st.just("refund"), st.integers(0, 20)),
    ),
    max_size=14,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_sales_and_refunds_through_checkout_keep_stock_equal_to_its_ledger(tenant_a, operations):
    with transaction.atomic():  # each example starts from an empty ledger
        _run(tenant_a, operations)
        transaction.set_rollback(True)


def _sell(company, desk, item, quantity, visit=None):
    line = CounterLine(LineKind.GOODS, str(item.pk), item.title, PRICE, quantity)
    if visit is None:
        return sell_at_counter(
            company, client=None, lines=[line], payments=[Payment(desk, PaymentMethod.CASH, PRICE * quantity)]
        )
    return checkout_visit(visit, products=[line], payments=[Payment(desk, PaymentMethod.CASH, 100 + PRICE * quantity)])


def _run(tenant_a, operations):
    chain, company = tenant_a.chain, tenant_a.company
    store, desk, vendor = warehouse(company), make_cash_desk(company), supplier(chain)
    items = [goods(chain, "Шампунь", purchase_price=Decimal("500")), goods(chain, "Маска", purchase_price=Decimal("0"))]
    for step, op in enumerate(operations):
        kind = op[0]
        sales_before, moves_before = Sale.objects.count(), StockMove.objects.count()
        if kind == "receive":
            receive(company, store, vendor, [ItemLine(items[op[1]], op[2], op[3])])
        elif kind in ("counter", "visit"):
            item, quantity = items[op[1]], op[2]
            held = (
                StockRemain.unscoped.filter(warehouse=store, goods=item).values_list("quantity", flat=True).first() or 0
            )
            visit = make_visit(company, [(f"Услуга {step}", 100, 100)], hour=9 + step % 10) if kind == "visit" else None
            try:
                sale = _sell(company, desk, item, quantity, visit).sale
            except WarehouseError as refused:
                assert refused.warehouse_code == "insufficient" and held < quantity
                assert Sale.objects.count() == sales_before and StockMove.objects.count() == moves_before
            else:
                assert held >= quantity and sale.status == SaleStatus.PAID
        else:
            sales = list(Sale.objects.exclude(status=SaleStatus.REFUNDED).order_by("id"))
            if not sales:
                continue
            sale = sales[op[1] % len(sales)]
            line = SaleLine.objects.get(sale=sale, kind=LineKind.GOODS)
            left = line.quantity - line.returned
            if kind == "return" and left > 0:
                back = min(Decimal(op[2]), left)
                refund_sale(sale, min(PRICE * back, sale.paid), returns={line.pk: back})
            else:
                refund_sale(sale)
                line.refresh_from_db()
                assert line.returned == line.quantity
        assert checks.verify() == []
        assert not StockRemain.unscoped.filter(quantity__lt=0).exists()
        assert not StockRemain.unscoped.filter(quantity=0).exclude(value=0).exists()
    # A sale's goods come back at the cost they left at: the ledger of a fully refunded sale
    # nets to zero, item by item.
    for sale in Sale.objects.filter(status=SaleStatus.REFUNDED):
        for item in items:
            moved = StockMove.objects.filter(document__sale=sale, goods=item)
            assert sum(m.quantity for m in moved) == 0 and sum(m.value for m in moved) == 0
