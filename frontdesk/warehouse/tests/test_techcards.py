"""Technological cards: a visit's checkout writes its service's materials off by the most specific
card, records their cost per sale line, refuses the whole checkout when a material runs out and
stock may not go negative, and the amounts can be corrected before and after payment."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from frontdesk.finance.checkout import CounterLine, checkout_visit, refund_sale
from frontdesk.finance.models import LineKind, PaymentMethod, Sale, SaleLine
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.tests.factories import make_specialist
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import LineMaterial, MovementKind, StockDocument, StockMove, StockRemain
from frontdesk.warehouse.services import ItemLine, receive, set_negative_allowed
from frontdesk.warehouse.techcards import (
    correct_materials,
    material_costs,
    materials,
    pick_card,
    plan_materials,
    visit_materials,
)
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse
from frontdesk.warehouse.tests.techcard_factories import card, colouring_visit, material, materials_store, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(tenant_a):
    return tenant_a.company


@pytest.fixture
def desk(branch):
    return make_cash_desk(branch)


@pytest.fixture
def store(branch):
    return materials_store(branch)


@pytest.fixture
def dye(tenant_a, branch, store):
    """Two 60 ml tubes of dye at 420 ₽: 120 ml at 7 ₽ a millilitre."""
    item = material(tenant_a.chain, "Краска 6.0 60 мл")
    stock(branch, store, item, 2, "420")
    return item


@pytest.fixture
def oxidant(tenant_a, branch, store):
    """A 1,000 ml bottle of oxidant at 600 ₽: 0.6 ₽ a millilitre."""
    item = material(tenant_a.chain, "Оксид 6% 1000 мл", units_per_sale=1000, purchase_price="600")
    stock(branch, store, item, 1, "600")
    return item


@pytest.fixture
def visit(branch):
    return colouring_visit(branch)


def left(store, item):
    return StockRemain.unscoped.get(warehouse=store, goods=item).quantity


def pay(visit, desk, amount="5000", **extra):
    return checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, amount)], **extra).sale


def test_the_most_specific_card_wins(tenant_a, branch, visit, dye):
    _visit, line = visit
    service, master = line.service, line.record.specialist
    other = make_specialist(branch, "Другой мастер", [service])
    default = card(service, [(dye, 10)])
    by_length = card(service, [(dye, 20)], duration=30)
    by_master = card(service, [(dye, 30)], specialist=master)
    exact = card(service, [(dye, 40)], specialist=master, duration=30)
    cards = [default, by_length, by_master, exact]
    assert pick_card(cards, master.pk, 30) == exact
    assert pick_card(cards, master.pk, 45) == by_master
    assert pick_card(cards, other.pk, 30) == by_length
    assert pick_card(cards, other.pk, 45) == default
    assert pick_card([by_master], other.pk, 30) is None


def test_a_checked_out_colouring_writes_its_dye_off_by_the_card_and_records_the_cost(
    tenant_a, branch, desk, store, dye, oxidant, visit
):
    visit, line = visit
    card(line.service, [(dye, "45"), (oxidant, "90")])
    sale = pay(visit, desk)
    assert left(store, dye) == Decimal("75") and left(store, oxidant) == Decimal("910")
    document = StockDocument.objects.get(sale=sale, kind=MovementKind.CONSUMPTION)
    # 45 ml × 7 ₽ + 90 ml × 0.60 ₽
    assert document.value == Decimal("-369.00")
    sold = SaleLine.objects.get(sale=sale, kind=LineKind.SERVICE)
    assert material_costs([sold.pk]) == {sold.pk: Decimal("369.00")}
    assert checks.verify() == []


def test_the_specialists_variant_is_written_off_instead_of_the_default(tenant_a, desk, store, dye, visit):
    visit, line = visit
    card(line.service, [(dye, "30")])
    card(line.service, [(dye, "50")], specialist=line.record.specialist)
    pay(visit, desk)
    assert left(store, dye) == Decimal("70")


def test_not_enough_dye_refuses_the_whole_checkout_naming_what_is_left(tenant_a, desk, store, dye, visit):
    visit, line = visit
    card(line.service, [(dye, "150")])
    with pytest.raises(WarehouseError) as refused:
        pay(visit, desk)
    with translation.override("en"):
        assert "Краска 6.0 60 мл" in refused.value.text and "120 ml in stock, 150 ml asked" in refused.value.text
    assert not Sale.objects.exists() and not LineMaterial.objects.exists()
    assert left(store, dye) == 120 and not StockDocument.objects.filter(kind=MovementKind.CONSUMPTION).exists()


def test_with_negative_stock_allowed_the_dye_goes_below_zero(tenant_a, desk, store, dye, visit):
    set_negative_allowed(tenant_a.chain, True)
    visit, line = visit
    card(line.service, [(dye, "150")])
    pay(visit, desk)
    assert left(store, dye) == -30 and checks.verify() == []


def test_a_branch_without_a_materials_warehouse_checks_out_without_a_write_off(tenant_b, desk):
    branch = tenant_b.company
    visit, line = colouring_visit(branch)
    dye = material(tenant_b.chain, "Краска")
    card(line.service, [(dye, "30")])
    sale = pay(visit, make_cash_desk(branch))
    assert sale.status == "paid" and not StockMove.objects.exists() and not LineMaterial.objects.exists()


def test_goods_sold_in_the_visit_and_its_materials_leave_their_own_warehouses(
    tenant_a, branch, desk, store, dye, visit
):
    visit, line = visit
    card(line.service, [(dye, "45")])
    shelf = warehouse(branch)
    shampoo = goods(tenant_a.chain)
    receive(branch, shelf, supplier(tenant_a.chain), [ItemLine(shampoo, 2, "500")])
    bottle = CounterLine(LineKind.GOODS, str(shampoo.pk), shampoo.title, "1100", 1)
    pay(visit, desk, "6100", products=[bottle])
    assert left(shelf, shampoo) == 1 and left(store, dye) == 75
    assert not StockRemain.unscoped.filter(warehouse=store, goods=shampoo).exists()


def test_amounts_typed_before_payment_replace_the_card(tenant_a, desk, store, dye, oxidant, visit):
    visit, line = visit
    card(line.service, [(dye, "45"), (oxidant, "90")])
    gloves = material(tenant_a.chain, "Перчатки", units_per_sale=100, purchase_price="300", unit="pcs")
    stock(visit.company, store, gloves, 1, "300")
    plan_materials(visit, {line.pk: {dye.pk: "60", oxidant.pk: "0", gloves.pk: "2"}})
    [(_line, planned, typed)] = visit_materials(visit)
    assert typed and planned == {dye: Decimal("60"), gloves: Decimal("2")}
    sale = pay(visit, desk)
    assert (left(store, dye), left(store, oxidant), left(store, gloves)) == (60, 1000, 98)
    sold = SaleLine.objects.get(sale=sale, kind=LineKind.SERVICE)
    assert material_costs([sold.pk]) == {sold.pk: Decimal("426.00")}  # 60 × 7 + 2 × 3


@pytest.mark.parametrize("amount", ["-1", "abc", "1.2345", "1e3"])
def test_a_bad_amount_before_payment_is_refused_and_nothing_is_saved(tenant_a, dye, visit, amount):
    visit, line = visit
    card(line.service, [(dye, "45")])
    with pytest.raises(WarehouseError) as refused:
        plan_materials(visit, {line.pk: {dye.pk: amount}})
    assert refused.value.warehouse_code == "material_amount" and "Краска" in refused.value.text
    assert visit_materials(visit)[0][1] == {dye: Decimal("45")}


def test_goods_for_sale_are_not_materials(tenant_a, dye, visit):
    visit, line = visit
    shampoo = goods(tenant_a.chain)
    assert set(materials(tenant_a.chain.pk)) == {dye}
    with pytest.raises(WarehouseError) as refused:
        plan_materials(visit, {line.pk: {shampoo.pk: "1"}})
    assert refused.value.warehouse_code == "not_a_material"


def test_a_paid_visits_plan_is_refused(tenant_a, desk, dye, visit):
    visit, line = visit
    pay(visit, desk)
    with pytest.raises(WarehouseError) as refused:
        plan_materials(visit, {line.pk: {dye.pk: "30"}})
    assert refused.value.warehouse_code == "visit_paid"


def test_a_correction_after_payment_writes_the_difference_and_updates_the_cost(tenant_a, desk, store, dye, visit):
    visit, line = visit
    card(line.service, [(dye, "45")])
    sale = pay(visit, desk)
    sold = SaleLine.objects.get(sale=sale, kind=LineKind.SERVICE)
    more = correct_materials(sale, {sold.pk: {dye.pk: "60"}})
    assert more.kind == MovementKind.CONSUMPTION and more.value == Decimal("-105.00")
    assert left(store, dye) == 60 and material_costs([sold.pk]) == {sold.pk: Decimal("420.00")}
    less = correct_materials(sale, {sold.pk: {dye.pk: "20"}})
    assert less.value == Decimal("280.00") and left(store, dye) == 100
    assert material_costs([sold.pk]) == {sold.pk: Decimal("140.00")}
    assert correct_materials(sale, {sold.pk: {dye.pk: "20"}}) is None
    assert checks.verify() == []
    moved = sum(StockMove.objects.filter(document__sale=sale).values_list("value", flat=True))
    assert -moved == Decimal("140.00")


def test_a_correction_beyond_the_stock_is_refused_and_changes_nothing(tenant_a, desk, store, dye, visit):
    visit, line = visit
    card(line.service, [(dye, "45")])
    sale = pay(visit, desk)
    sold = SaleLine.objects.get(sale=sale, kind=LineKind.SERVICE)
    with pytest.raises(WarehouseError) as refused:
        correct_materials(sale, {sold.pk: {dye.pk: "200"}})
    assert refused.value.warehouse_code == "insufficient"
    assert left(store, dye) == 75 and material_costs([sold.pk]) == {sold.pk: Decimal("315.00")}


def test_a_refund_leaves_the_materials_spent(tenant_a, desk, store, dye, visit):
    visit, line = visit
    card(line.service, [(dye, "45")])
    sale = pay(visit, desk)
    refund_sale(sale)
    sale.refresh_from_db()
    assert sale.status == "refunded" and left(store, dye) == 75


def test_a_checkout_with_a_five_material_card_takes_as_many_queries_as_with_one(tenant_a, branch, desk, store):
    items = []
    for number in range(5):
        item = material(tenant_a.chain, f"Материал {number}")
        stock(branch, store, item, 2, "420")
        items.append(item)
    pay(colouring_visit(branch, hour=9)[0], desk)  # the first checkout reads what later ones find cached
    counts = []
    for size, hour in ((1, 12), (5, 15)):
        visit, line = colouring_visit(branch, hour=hour)
        card(line.service, [(item, "10") for item in items[:size]])
        with CaptureQueriesContext(connection) as queries:
            pay(visit, desk)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert all(left(store, item) == 100 for item in items[:1]) and left(store, items[4]) == 110
