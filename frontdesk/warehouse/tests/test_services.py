"""Receipts, write-offs and transfers: the ledger, the remains, the weighted average, the units,
and every refusal changing nothing."""

from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.core.models import Event
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import MovementKind, StockDocument, StockMove, StockRemain
from frontdesk.warehouse.quantities import clean_barcode, ean13, parse_quantity
from frontdesk.warehouse.services import (
    ItemLine,
    MoveLine,
    move,
    receive,
    set_negative_allowed,
    transfer,
    write_off,
)
from frontdesk.warehouse.signals import stock_moved
from frontdesk.warehouse.tests.factories import dye, goods, supplier, warehouse

pytestmark = pytest.mark.django_db


def remain(store, item):
    return StockRemain.unscoped.get(warehouse=store, goods=item)


def test_a_receipt_adds_stock_at_its_price_and_a_second_one_averages(tenant_a):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain)
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 10, "500")], document_number="ТН-1")
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 10, "600")])
    row = remain(store, item)
    assert row.quantity == 20 and row.value == Decimal("11000.00") and row.average == Decimal("550")
    document = StockDocument.objects.filter(kind=MovementKind.RECEIPT).order_by("id").first()
    assert document.supplier_document == "ТН-1" and document.value == Decimal("5000.00")
    assert Event.objects.filter(code="stock.receipt").count() == 2


def test_a_write_off_carries_the_average_and_the_last_unit_takes_what_is_left(tenant_a):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain)
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 1, "100"), ItemLine(item, 2, "100.01")])
    # 3 units worth 300.02: the average is 100.006667
    first = write_off(company, store, [ItemLine(item, 1)], reason="Повреждена упаковка")
    assert first.value == Decimal("-100.01")
    write_off(company, store, [ItemLine(item, 2)], reason="Истёк срок")
    row = remain(store, item)
    assert row.quantity == 0 and row.value == 0


def test_a_bottle_received_in_sale_units_is_written_off_by_the_millilitre(tenant_a):
    company = tenant_a.company
    store, item = warehouse(company, "Материалы"), dye(tenant_a.chain)
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 2, "420")])  # 2 tubes of 60 ml
    assert remain(store, item).quantity == 120 and remain(store, item).average == Decimal("7")
    write_off(company, store, [ItemLine(item, "30", in_sale_units=False)], reason="Пробное окрашивание")
    row = remain(store, item)
    assert row.quantity == 90 and row.value == Decimal("630.00")


def test_a_transfer_moves_the_cost_to_another_branch(tenant_a):
    first, second = tenant_a.companies
    source, target = warehouse(first), warehouse(second)
    item = goods(tenant_a.chain)
    receive(first, source, supplier(tenant_a.chain), [ItemLine(item, 4, "500")])
    receive(second, target, supplier(tenant_a.chain), [ItemLine(item, 2, "800")])
    document = transfer(first, source, target, [ItemLine(item, 2)])
    assert document.value == 0
    assert remain(source, item).value == Decimal("1000.00")
    assert remain(target, item).quantity == 4 and remain(target, item).value == Decimal("2600.00")
    assert remain(target, item).average == Decimal("650")


def test_spending_more_than_in_stock_is_refused_and_changes_nothing(tenant_a):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain)
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 1, "500")])
    before = (StockDocument.objects.count(), StockMove.objects.count())
    with pytest.raises(WarehouseError) as refused:
        write_off(company, store, [ItemLine(item, 2)], reason="Брак")
    assert refused.value.warehouse_code == "insufficient"
    with translation.override("en"):
        assert "1 pcs in stock, 2 pcs asked" in refused.value.text
    assert (StockDocument.objects.count(), StockMove.objects.count()) == before
    assert remain(store, item).quantity == 1


def test_with_negative_stock_allowed_the_spend_goes_below_zero(tenant_a):
    company = tenant_a.company
    set_negative_allowed(tenant_a.chain, True)
    store, item = warehouse(company), goods(tenant_a.chain)
    write_off(company, store, [ItemLine(item, 2)], reason="Брак")
    row = remain(store, item)
    assert row.quantity == -2 and row.value == Decimal("-1000.00")  # at the purchase price
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 3, "600")])
    assert remain(store, item).quantity == 1 and remain(store, item).average == Decimal("600")


@pytest.mark.parametrize("quantity", ["0", "-1", "1e3", "NaN", "abc", "1.2345", "", "99999999999999"])
def test_a_bad_quantity_is_refused(tenant_a, quantity):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain)
    with pytest.raises(WarehouseError):
        receive(company, store, supplier(tenant_a.chain), [ItemLine(item, quantity, "10")])
    assert not StockDocument.objects.exists() and not StockRemain.unscoped.exists()


@pytest.mark.parametrize("price", ["-1", "1e5", "NaN", "12,345.6", "abc"])
def test_a_bad_price_is_refused(tenant_a, price):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain)
    with pytest.raises(WarehouseError) as refused:
        receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 1, price)])
    assert refused.value.warehouse_code == "bad_price"
    assert not StockDocument.objects.exists()


def test_another_branchs_warehouse_and_another_networks_goods_are_refused(tenant_a, tenant_b):
    first, second = tenant_a.companies
    item = goods(tenant_a.chain)
    with pytest.raises(WarehouseError) as refused:
        receive(first, warehouse(second), supplier(tenant_a.chain), [ItemLine(item, 1, "1")])
    assert refused.value.warehouse_code == "warehouse_branch"
    with pytest.raises(WarehouseError) as refused:
        receive(first, warehouse(first), supplier(tenant_a.chain), [ItemLine(goods(tenant_b.chain), 1, "1")])
    assert refused.value.warehouse_code == "other_network"
    with pytest.raises(WarehouseError) as refused:
        transfer(first, warehouse(first), warehouse(tenant_b.company), [ItemLine(item, 1)])
    assert refused.value.warehouse_code == "other_network"


def test_a_movement_against_its_kind_is_refused(tenant_a):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain)
    with pytest.raises(WarehouseError):
        move(MovementKind.SALE, company, [MoveLine(item, store, Decimal("1"))])
    with pytest.raises(WarehouseError):
        move(MovementKind.SALE, company, [])


def test_every_movement_is_announced_inside_its_transaction(tenant_a):
    heard = []

    def listener(document, moves):
        heard.append((document.kind, [m.quantity for m in moves]))

    stock_moved.listen(listener)
    try:
        company = tenant_a.company
        store, item = warehouse(company), goods(tenant_a.chain)
        receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 3, "1")])
    finally:
        stock_moved.forget(listener)
    assert heard == [("receipt", [Decimal("3.000")])]


def test_the_verify_check_finds_a_tampered_remains_row(tenant_a):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain)
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 3, "1")])
    assert checks.verify() == []
    StockRemain.unscoped.update(quantity=5)
    assert checks.verify(fix=True) != []
    assert checks.verify() == [] and remain(store, item).quantity == 3


def test_quantities_and_barcodes_are_read_strictly():
    assert parse_quantity("2,5") == Decimal("2.500")
    code = ean13("460123456789")
    assert clean_barcode(f" {code} ") == code
    with pytest.raises(WarehouseError) as refused:
        clean_barcode(code[:-1] + str((int(code[-1]) + 1) % 10))
    assert refused.value.warehouse_code == "bad_check_digit"
    assert clean_barcode("ABC-123/45") == "ABC-123/45"
    with pytest.raises(WarehouseError):
        clean_barcode("has space")
