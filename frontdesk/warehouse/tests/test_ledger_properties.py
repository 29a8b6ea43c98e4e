"""Invariant 3 for stock under any sequence of receipts, write-offs, transfers and returns: every
remains row is the sum of its ledger lines, its value and average follow a plain model of the
weighted-average method, stock never goes below zero when the network forbids it, and a refused
movement writes nothing."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.core.money import to_money
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import MovementKind, StockMove, StockRemain
from frontdesk.warehouse.services import ItemLine, MoveLine, move, receive, transfer, write_off
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db

P6 = Decimal("0.000001")
quantities = st.integers(1, 12)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("900"), places=2)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(0, 2), st.integers(0, 1), quantities, prices),
        st.tuples(st.just("write_off"), st.integers(0, 2), st.integers(0, 1), quantities),
        st.tuples(st.just("transfer"), st.integers(0, 2), st.integers(0, 1), quantities),
        st.tuples(st.just("client_return"), st.integers(0, 2), st.integers(0, 1), quantities),
    ),
    max_size=25,
)


class Model:
    """The weighted average as docs/warehouse.md states it, with stock never below zero."""

    def __init__(self):
        self.rows = {}

    def get(self, key, purchase):
        return self.rows.setdefault(key, [Decimal(0), Decimal(0), Decimal(0), purchase])

    def cost(self, row):
        return row[2] if row[2] > 0 else row[3]

    def spend(self, key, quantity, purchase):
        row = self.get(key, purchase)
        if row[0] < quantity:
            return None
        value = row[1] if row[0] == quantity else to_money(self.cost(row) * quantity)
        row[0] -= quantity
        row[1] -= value
        return value

    def arrive(self, key, quantity, value, purchase):
        row = self.get(key, purchase)
        if value is None:
            average = self.cost(row)
            value = to_money(average * quantity)
            if row[2] <= 0:
                row[2] = average
        elif row[0] > 0:
            row[2] = ((row[1] + value) / (row[0] + quantity)).quantize(P6, rounding=ROUND_HALF_UP)
        else:
            row[2] = (value / quantity).quantize(P6, rounding=ROUND_HALF_UP)
        row[0] += quantity
        row[1] += value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_remains_always_equal_the_ledger_and_the_weighted_average(tenant_a, operations):
    with transaction.atomic():  # each example starts from an empty ledger
        _run(tenant_a, operations)
        transaction.set_rollback(True)


def _run(tenant_a, operations):
    chain, (first, second) = tenant_a.chain, tenant_a.companies
    stores = [warehouse(first, "Товары"), warehouse(first, "Материалы"), warehouse(second, "Товары")]
    items = [goods(chain, "Шампунь", purchase_price=Decimal("500")), goods(chain, "Маска", purchase_price=Decimal("0"))]
    vendor = supplier(chain)
    model = Model()
    for op in operations:
        kind, store_index, item_index, quantity = op[:4]
        store, item = stores[store_index], items[item_index]
        company = store.company
        key = (store.pk, item.pk)
        lines_before = StockMove.objects.count()
        if kind == "receive":
            receive(company, store, vendor, [ItemLine(item, quantity, op[4])])
            model.arrive(key, quantity, to_money(quantity * op[4]), item.purchase_price)
        elif kind == "write_off":
            expected = model.spend(key, quantity, item.purchase_price)
            try:
                write_off(company, store, [ItemLine(item, quantity)], reason="Брак")
            except WarehouseError as refused:
                assert expected is None and refused.warehouse_code == "insufficient"
                assert StockMove.objects.count() == lines_before
            else:
                assert expected is not None
        elif kind == "transfer":
            target = stores[(store_index + 1) % len(stores)]
            expected = model.spend(key, quantity, item.purchase_price)
            try:
                transfer(company, store, target, [ItemLine(item, quantity)])
            except WarehouseError:
                assert expected is None and StockMove.objects.count() == lines_before
            else:
                model.arrive((target.pk, item.pk), quantity, expected, item.purchase_price)
        else:
            move(MovementKind.CLIENT_RETURN, company, [MoveLine(item, store, Decimal(quantity))])
            model.arrive(key, quantity, None, item.purchase_price)
        assert checks.verify() == []
    for row in StockRemain.unscoped.all():
        quantity, value, average, _purchase = model.rows[(row.warehouse_id, row.goods_id)]
        assert (row.quantity, row.value, row.average) == (quantity, value, average)
        assert row.quantity >= 0
        if row.quantity == 0:
            assert row.value == 0
