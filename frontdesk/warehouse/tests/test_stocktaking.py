"""Stocktaking through its services: the count's list, typed and scanned counts, the discrepancy
in quantity and money, applying it as one adjustment document, sales during the count, and every
refusal leaving the stock as it was."""

from decimal import Decimal

import pytest

from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import (
    Barcode,
    Goods,
    GoodsCategory,
    MovementKind,
    StockDocument,
    StockMove,
    StockRemain,
    StocktakingLine,
    StocktakingStatus,
)
from frontdesk.warehouse.services import ItemLine, MoveLine, move, receive
from frontdesk.warehouse.stocktaking import apply_count, cancel_count, scan, set_counts, start_count, totals
from frontdesk.warehouse.tests.factories import dye, goods, supplier, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(tenant_a):
    """«Товары» of the first branch: 10 shampoos at 500 ₽ and 4 masks at 800 ₽."""
    company = tenant_a.company
    store = warehouse(company)
    shampoo = goods(tenant_a.chain, "Шампунь 250 мл")
    mask = goods(tenant_a.chain, "Маска 200 мл", purchase_price=Decimal("800"))
    receive(company, store, supplier(tenant_a.chain), [ItemLine(shampoo, 10, "500"), ItemLine(mask, 4, "800")])
    return company, store, shampoo, mask


def remains(store, item):
    return StockRemain.unscoped.get(warehouse=store, goods=item).quantity


def sell(company, store, item, quantity):
    """A sale at the counter, as checkout will write it."""
    return move(MovementKind.SALE, company, [MoveLine(item, store, Decimal(-quantity))])


def line_of(count, item):
    return StocktakingLine.objects.get(stocktaking=count, goods=item)


def test_a_count_lists_the_warehouses_goods_with_what_the_books_hold(shop):
    company, store, shampoo, mask = shop
    count = start_count(company, store)
    lines = {line.goods_id: line for line in count.lines.all()}
    assert {shampoo.pk: Decimal(10), mask.pk: Decimal(4)} == {k: v.book_at_start for k, v in lines.items()}
    assert all(line.counted is None for line in lines.values())


def test_a_count_of_a_category_takes_its_subfolders_and_nothing_else(tenant_a, shop):
    company, store, shampoo, mask = shop
    hair = GoodsCategory.objects.create(chain=tenant_a.chain, title="Волосы")
    care = GoodsCategory.objects.create(chain=tenant_a.chain, title="Уход", parent=hair)
    shampoo.category = care
    shampoo.save()
    count = start_count(company, store, category=hair)
    assert list(count.lines.values_list("goods_id", flat=True)) == [shampoo.pk]


def test_a_shortage_and_a_surplus_are_shown_in_money_and_applied_as_one_document(shop, alice):
    company, store, shampoo, mask = shop
    count = start_count(company, store, user=alice)
    set_counts(count, {line_of(count, shampoo).pk: "7", line_of(count, mask).pk: "5"})

    summary = totals(count)
    assert (summary.shortage, summary.shortage_value) == (Decimal(-3), Decimal("-1500.00"))
    assert (summary.surplus, summary.surplus_value) == (Decimal(1), Decimal("800.00"))
    assert summary.net_value == Decimal("-700.00")

    count = apply_count(count, user=alice)
    assert count.status == StocktakingStatus.APPLIED
    document = count.document
    assert document.kind == MovementKind.ADJUSTMENT and document.value == Decimal("-700.00")
    assert sorted(StockMove.objects.filter(document=document).values_list("quantity", flat=True)) == [-3, 1]
    assert (remains(store, shampoo), remains(store, mask)) == (7, 5)
    assert checks.verify() == []


def test_a_sale_during_the_count_stays_sold(shop):
    """The documented rule: remains after apply = counted + what moved after the count was entered."""
    company, store, shampoo, mask = shop
    count = start_count(company, store)
    sell(company, store, shampoo, 2)  # sold before anyone counted the shampoo: 8 on the shelf
    set_counts(count, {line_of(count, shampoo).pk: "7", line_of(count, mask).pk: "4"})  # one shampoo missing
    sell(company, store, shampoo, 1)  # sold after it was counted
    sell(company, store, mask, 1)

    apply_count(count)

    assert remains(store, shampoo) == 7 - 1
    assert remains(store, mask) == 4 - 1
    (adjustment,) = StockMove.objects.filter(document__kind=MovementKind.ADJUSTMENT)
    assert (adjustment.goods_id, adjustment.quantity) == (shampoo.pk, -1)
    assert checks.verify() == []


def test_scanning_counts_one_sale_unit_and_adds_an_item_not_on_the_list(tenant_a, shop):
    company, store, shampoo, mask = shop
    paint = dye(tenant_a.chain)  # 60 ml tubes, counted in ml; never received here
    Barcode.objects.create(chain=tenant_a.chain, goods=shampoo, code="4600000001234")
    Barcode.objects.create(chain=tenant_a.chain, goods=paint, code="4600000002231")
    count = start_count(company, store)

    for _ in range(3):
        scan(count, "4600000001234")
    scan(count, "4600000002231")

    assert line_of(count, shampoo).counted == 3
    line = line_of(count, paint)
    assert (line.counted, line.book_at_start, line.book_at_count) == (60, 0, 0)
    with pytest.raises(WarehouseError) as refused:
        scan(count, "0000")
    assert refused.value.warehouse_code == "no_goods"


def test_a_bad_count_anywhere_saves_none_of_the_submission(shop):
    company, store, shampoo, mask = shop
    count = start_count(company, store)
    for bad in ("-1", "abc", "1.2345", "1e3"):
        with pytest.raises(WarehouseError) as refused:
            set_counts(count, {line_of(count, shampoo).pk: "6", line_of(count, mask).pk: bad})
        assert "Маска 200 мл" in refused.value.text
        assert StocktakingLine.objects.filter(stocktaking=count, counted__isnull=False).count() == 0


def test_a_blank_count_takes_the_line_back(shop):
    company, store, shampoo, mask = shop
    count = start_count(company, store)
    set_counts(count, {line_of(count, shampoo).pk: "2,5"})
    assert line_of(count, shampoo).counted == Decimal("2.5")
    set_counts(count, {line_of(count, shampoo).pk: ""})
    line = line_of(count, shampoo)
    assert (line.counted, line.book_at_count) == (None, None)
    apply_count(count)
    assert remains(store, shampoo) == 10  # not counted, not changed


def test_only_one_open_count_per_warehouse(shop):
    company, store, *_ = shop
    first = start_count(company, store)
    with pytest.raises(WarehouseError) as refused:
        start_count(company, store)
    assert refused.value.warehouse_code == "count_open"
    cancel_count(first)
    assert start_count(company, store).status == StocktakingStatus.OPEN


def test_an_applied_count_is_neither_applied_again_nor_changed(shop):
    company, store, shampoo, mask = shop
    count = start_count(company, store)
    set_counts(count, {line_of(count, shampoo).pk: "9"})
    apply_count(count)
    for attempt in (
        lambda: apply_count(count),
        lambda: cancel_count(count),
        lambda: set_counts(count, {line_of(count, shampoo).pk: "1"}),
        lambda: scan(count, shampoo.title),
    ):
        with pytest.raises(WarehouseError) as refused:
            attempt()
        assert refused.value.warehouse_code == "count_closed"
    assert StockDocument.objects.filter(kind=MovementKind.ADJUSTMENT).count() == 1
    assert remains(store, shampoo) == 9 and line_of(count, shampoo).counted == 9


def test_a_cancelled_count_changes_no_stock(shop):
    company, store, shampoo, mask = shop
    count = start_count(company, store)
    set_counts(count, {line_of(count, shampoo).pk: "1"})
    cancel_count(count)
    assert remains(store, shampoo) == 10
    assert not StockDocument.objects.filter(kind=MovementKind.ADJUSTMENT).exists()


def test_a_count_without_discrepancies_applies_without_a_document(shop):
    company, store, shampoo, mask = shop
    count = start_count(company, store)
    set_counts(count, {line_of(count, shampoo).pk: "10"})
    count = apply_count(count)
    assert count.status == StocktakingStatus.APPLIED and count.document is None


def test_another_branchs_or_an_archived_warehouse_is_not_counted(tenant_a, shop):
    company, store, *_ = shop
    other = warehouse(tenant_a.companies[1])
    with pytest.raises(WarehouseError):
        start_count(company, other)
    store.is_archived = True
    store.save()
    with pytest.raises(WarehouseError):
        start_count(company, store)


def test_a_count_of_a_thousand_items_with_discrepancies_applies(tenant_a):
    """A large shop's count: a thousand lines in one adjustment (and one receipt) on SQLite too."""
    company, chain = tenant_a.company, tenant_a.chain
    store = warehouse(company)
    items = Goods.objects.bulk_create([Goods(chain=chain, title=f"Товар {n:04}") for n in range(1000)])
    receive(company, store, supplier(chain), [ItemLine(item, 3, "100") for item in items])
    count = start_count(company, store)
    set_counts(count, {line.pk: "2" for line in count.lines.all()})
    count = apply_count(count)
    assert count.document.moves.count() == 1000
    assert set(StockRemain.unscoped.filter(warehouse=store).values_list("quantity", flat=True)) == {2}
    assert checks.verify() == []
