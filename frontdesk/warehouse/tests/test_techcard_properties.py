"""Invariant 3 through technological cards: any sequence of deliveries of materials, visits checked
out by their cards (some with amounts typed before payment) and corrections after payment keeps
every remains row equal to its ledger and never below zero when the network forbids it; a refused
checkout writes nothing; and the cost recorded per sale line is always exactly what its
consumption movements carried."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import LineKind, PaymentMethod, Sale, SaleLine
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import LineMaterial, MovementKind, StockMove, StockRemain
from frontdesk.warehouse.techcards import correct_materials, material_costs, plan_materials
from frontdesk.warehouse.tests.techcard_factories import card, colouring_visit, material, materials_store, stock

pytestmark = pytest.mark.django_db

amount = st.integers(0, 90)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(0, 1), st.integers(1, 2), st.integers(100, 900)),
        st.tuples(st.just("checkout"), amount, amount, st.booleans()),
        st.tuples(st.just("correct"), st.integers(0, 10), st.integers(0, 1), amount),
    ),
    max_size=8,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_cards_checkouts_and_corrections_keep_stock_and_cost_equal_to_the_ledger(tenant_a, operations):
    with transaction.atomic():  # each example starts from an empty ledger
        _run(tenant_a, operations)
        transaction.set_rollback(True)


def _run(tenant_a, operations):
    chain, company = tenant_a.chain, tenant_a.company
    store, desk = materials_store(company), make_cash_desk(company)
    items = [material(chain, "Краска"), material(chain, "Оксид", units_per_sale=1000, purchase_price="600")]
    for step, op in enumerate(operations):
        kind = op[0]
        sales_before, moves_before = Sale.objects.count(), StockMove.objects.count()
        held = {
            item.pk: StockRemain.unscoped.filter(warehouse=store, goods=item).values_list("quantity", flat=True).first()
            or 0
            for item in items
        }
        if kind == "receive":
            stock(company, store, items[op[1]], op[2], op[3])
        elif kind == "checkout":
            visit, line = colouring_visit(company, hour=9 + step % 10)
            card(line.service, [(item, q) for item, q in zip(items, op[1:3], strict=True) if q])
            if op[3]:  # the administrator typed one more millilitre of each before payment
                plan_materials(visit, {line.pk: {item.pk: q + 1 for item, q in zip(items, op[1:3], strict=True)}})
            wanted = {item.pk: q + (1 if op[3] else 0) for item, q in zip(items, op[1:3], strict=True)}
            try:
                checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "5000")])
            except WarehouseError as refused:
                assert refused.warehouse_code == "insufficient"
                assert any(held[pk] < q for pk, q in wanted.items())
                assert Sale.objects.count() == sales_before and StockMove.objects.count() == moves_before
            else:
                assert all(held[pk] >= q for pk, q in wanted.items())
        else:
            lines = list(SaleLine.objects.filter(kind=LineKind.SERVICE).order_by("id"))
            if not lines:
                continue
            sold, item = lines[op[1] % len(lines)], items[op[2]]
            before = LineMaterial.objects.filter(sale_line=sold, goods=item).aggregate(q=Sum("quantity"))["q"] or 0
            try:
                correct_materials(sold.sale, {sold.pk: {item.pk: op[3]}})
            except WarehouseError as refused:
                assert refused.warehouse_code == "insufficient" and op[3] - before > held[item.pk]
                assert StockMove.objects.count() == moves_before
        _check(store)


def _check(store):
    assert checks.verify() == []
    assert not StockRemain.unscoped.filter(warehouse=store, quantity__lt=0).exists()
    consumed = StockMove.objects.filter(document__kind=MovementKind.CONSUMPTION)
    recorded = LineMaterial.objects.all()
    assert recorded.count() == consumed.count()
    moved = -(consumed.aggregate(v=Sum("value"))["v"] or 0)
    assert sum(material_costs(SaleLine.objects.values_list("pk", flat=True)).values(), Decimal(0)) == moved
    for row in recorded.values("sale_line", "goods").annotate(q=Sum("quantity"), c=Sum("cost")):
        assert row["q"] >= 0 and row["c"] >= 0
