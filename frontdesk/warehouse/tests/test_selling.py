"""Goods at checkout: a counter sale or a visit's checkout takes its goods out of the branch's
sale warehouse in the sale's transaction, refuses the whole sale when stock may not go negative
and there is not enough, and a refund brings the goods back at the cost they left at."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from frontdesk.clients.services import find_or_create_client
from frontdesk.finance.checkout import CounterLine, checkout_visit, refund_sale, sell_at_counter
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.means import find_products, product_by_code, search_products
from frontdesk.finance.models import LineKind, PaymentMethod, Sale, SaleLine, SaleStatus, Transaction
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.scheduling.tests.factories import make_specialist
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import Barcode, GoodsPrice, MovementKind, StockDocument, StockRemain
from frontdesk.warehouse.quantities import ean13
from frontdesk.warehouse.services import ItemLine, receive, set_negative_allowed
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db

CODE = ean13("460123456789")


@pytest.fixture
def branch(tenant_a):
    return tenant_a.company


@pytest.fixture
def desk(branch):
    return make_cash_desk(branch)


@pytest.fixture
def store(branch):
    return warehouse(branch)


@pytest.fixture
def shampoo(tenant_a, branch, store):
    item = goods(tenant_a.chain, "Шампунь 250 мл", article="SH-250", vat="vat20")
    Barcode.objects.create(chain=tenant_a.chain, goods=item, code=CODE)
    receive(branch, store, supplier(tenant_a.chain), [ItemLine(item, 3, "500")])
    return item


def line(item, quantity=1, price="1100", seller=None):
    return CounterLine(LineKind.GOODS, str(item.pk), item.title, price, quantity, seller, item.vat)


def remains(store, item):
    return StockRemain.unscoped.get(warehouse=store, goods=item).quantity


def test_a_counter_sale_of_two_bottles_takes_them_from_stock_at_the_average(branch, desk, store, shampoo, amy):
    seller = make_specialist(branch, "Ирина", [])
    sale = sell_at_counter(
        branch,
        client=None,
        lines=[line(shampoo, 2, seller=seller)],
        payments=[Payment(desk, PaymentMethod.CASH, "2200")],
        user=amy,
    ).sale
    sold = SaleLine.objects.get(sale=sale)
    assert (sold.price, sold.quantity, sold.amount, sold.seller, sold.vat) == (
        Decimal("1100.00"),
        Decimal("2"),
        Decimal("2200.00"),
        seller,
        "vat20",
    )
    assert (sale.total, sale.status) == (Decimal("2200.00"), SaleStatus.PAID)
    assert remains(store, shampoo) == 1
    document = StockDocument.objects.get(sale=sale)
    assert document.kind == MovementKind.SALE and document.value == Decimal("-1000.00")
    assert Transaction.objects.get(sale=sale).item.code == "goods"
    assert checks.verify() == []


def test_selling_more_than_is_in_stock_refuses_the_whole_sale_naming_what_is_left(branch, desk, store, shampoo):
    with pytest.raises(WarehouseError) as refused:
        sell_at_counter(
            branch, client=None, lines=[line(shampoo, 4)], payments=[Payment(desk, PaymentMethod.CASH, "4400")]
        )
    with translation.override("en"):
        assert "Шампунь 250 мл" in refused.value.text and "3 pcs in stock" in refused.value.text
    assert not Sale.objects.exists() and not Transaction.objects.filter(sale__isnull=False).exists()
    assert remains(store, shampoo) == 3 and StockDocument.objects.filter(kind=MovementKind.SALE).count() == 0


def test_with_negative_stock_allowed_the_sale_goes_below_zero(tenant_a, branch, desk, store, shampoo):
    set_negative_allowed(tenant_a.chain, True)
    sell_at_counter(branch, client=None, lines=[line(shampoo, 4)], payments=[Payment(desk, PaymentMethod.CASH, "4400")])
    assert remains(store, shampoo) == -1
    assert checks.verify() == []


@pytest.mark.parametrize("quantity", ["0", "-1", "1.2345", "abc", "1e3"])
def test_a_bad_quantity_is_refused_and_nothing_is_saved(branch, desk, store, shampoo, quantity):
    with pytest.raises(FinanceError) as refused:
        sell_at_counter(branch, client=None, lines=[line(shampoo, quantity)], payments=[])
    assert refused.value.finance_code in ("bad_quantity", "quantity_positive")
    assert not Sale.objects.exists() and remains(store, shampoo) == 3


def test_an_archived_item_is_refused_and_nothing_is_saved(branch, desk, store, shampoo):
    shampoo.is_archived = True
    shampoo.save()
    with pytest.raises(WarehouseError) as refused:
        sell_at_counter(
            branch, client=None, lines=[line(shampoo)], payments=[Payment(desk, PaymentMethod.CASH, "1100")]
        )
    with translation.override("en"):
        assert "archived" in refused.value.text
    assert not Sale.objects.exists() and not Transaction.objects.exists()


def test_a_seller_from_another_branch_is_refused(tenant_a, branch, desk, shampoo):
    stranger = make_specialist(tenant_a.companies[1], "Чужой мастер", [])
    with pytest.raises(FinanceError) as refused:
        sell_at_counter(branch, client=None, lines=[line(shampoo, seller=stranger)], payments=[])
    assert refused.value.finance_code == "seller_unknown" and not Sale.objects.exists()


def test_a_branch_without_a_goods_warehouse_cannot_sell_goods(tenant_a, branch, desk, shampoo, store):
    store.is_archived = True
    store.save()
    with pytest.raises(WarehouseError) as refused:
        sell_at_counter(
            branch, client=None, lines=[line(shampoo)], payments=[Payment(desk, PaymentMethod.CASH, "1100")]
        )
    assert refused.value.warehouse_code == "no_sale_warehouse" and not Sale.objects.exists()


def test_goods_added_to_a_visit_are_sold_with_its_services_and_the_discount_covers_both(
    tenant_a, branch, desk, store, shampoo
):
    client = find_or_create_client(chain=tenant_a.chain, phone="+79161112233", name="Ольга")
    visit = make_visit(branch, [("Стрижка", 2500, 2500)], client=client)
    result = checkout_visit(
        visit,
        discount="600",
        products=[line(shampoo, 2)],
        payments=[Payment(desk, PaymentMethod.CASH, "4100")],
    )
    sale = result.sale
    assert (sale.subtotal, sale.total, sale.status) == (Decimal("4700.00"), Decimal("4100.00"), SaleStatus.PAID)
    kinds = list(SaleLine.objects.filter(sale=sale).order_by("position").values_list("kind", "quantity", "amount"))
    assert kinds == [("service", Decimal("1"), Decimal("2500.00")), ("goods", Decimal("2"), Decimal("2200.00"))]
    assert remains(store, shampoo) == 1


def test_a_service_only_checkout_writes_no_stock_document(tenant_a, branch, desk, store, shampoo):
    visit = make_visit(branch, [("Стрижка", 2500, 2500)])
    checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "2500")])
    assert StockDocument.objects.filter(kind=MovementKind.SALE).count() == 0


def test_refunding_one_bottle_brings_it_back_at_the_cost_it_left_at(tenant_a, branch, desk, store, shampoo):
    sale = sell_at_counter(
        branch, client=None, lines=[line(shampoo, 2)], payments=[Payment(desk, PaymentMethod.CASH, "2200")]
    ).sale
    # A dearer delivery after the sale moves the average; the bottle still comes back at 500.
    receive(branch, store, supplier(tenant_a.chain), [ItemLine(shampoo, 1, "800")])
    sold = SaleLine.objects.get(sale=sale)
    refund_sale(sale, "1100", returns={sold.pk: "1"})
    back = StockDocument.objects.get(sale=sale, kind=MovementKind.CLIENT_RETURN)
    assert back.value == Decimal("500.00")
    assert remains(store, shampoo) == 3
    sold.refresh_from_db()
    assert sold.returned == 1
    with pytest.raises(FinanceError) as refused:
        refund_sale(sale, "1100", returns={sold.pk: "2"})
    assert refused.value.finance_code == "return_too_big"
    assert checks.verify() == []


def test_a_full_refund_brings_back_every_bottle_still_out(branch, desk, store, shampoo):
    sale = sell_at_counter(
        branch, client=None, lines=[line(shampoo, 2)], payments=[Payment(desk, PaymentMethod.CASH, "2200")]
    ).sale
    refund_sale(sale)
    assert remains(store, shampoo) == 3
    assert StockRemain.unscoped.get(warehouse=store, goods=shampoo).value == Decimal("1500.00")
    assert SaleLine.objects.get(sale=sale).returned == 2


def test_the_branch_offers_its_goods_by_name_article_and_barcode_at_its_own_price(tenant_a, branch, shampoo):
    GoodsPrice.objects.create(chain=tenant_a.chain, company=branch, goods=shampoo, price=Decimal("990"))
    dye = goods(tenant_a.chain, "Краска", price=Decimal("0"))  # a material: not on sale
    with translation.override("en"):
        found = product_by_code(branch, CODE)
    assert (found.title, found.price, found.vat, found.quantity_allowed) == (
        "Шампунь 250 мл",
        Decimal("990.00"),
        "vat20",
        True,
    )
    assert found.note == "3 pcs"
    assert [p.title for p in search_products(branch, "шамп")] == ["Шампунь 250 мл"]
    assert [p.title for p in search_products(branch, "SH-250")] == ["Шампунь 250 мл"]
    assert search_products(branch, "Краска") == [] and find_products(branch, [f"goods:{dye.pk}"]) == {}
    assert product_by_code(branch, "0000000000000") is None
    shampoo.is_archived = True
    shampoo.save()
    assert product_by_code(branch, CODE) is None


def test_another_networks_goods_are_never_offered(tenant_a, tenant_b, shampoo):
    assert product_by_code(tenant_b.company, CODE) is None
    assert find_products(tenant_b.company, [f"goods:{shampoo.pk}"]) == {}


def test_a_checkout_with_three_goods_takes_as_many_queries_as_with_one(
    tenant_a, branch, desk, store, django_assert_num_queries
):
    items = [goods(tenant_a.chain, f"Товар {n}") for n in range(3)]
    receive(branch, store, supplier(tenant_a.chain), [ItemLine(item, 10, "500") for item in items])
    visits = [make_visit(branch, [("Стрижка", 2500, 2500)], hour=hour) for hour in (10, 12, 14)]

    def check_out(visit, sold):
        return checkout_visit(
            visit, products=[line(item) for item in sold], payments=[Payment(desk, PaymentMethod.CASH, "1000")]
        )

    check_out(visits[0], items[:1])  # the first one warms the caches (payment items, content types)
    with CaptureQueriesContext(connection) as one:
        check_out(visits[1], items[:1])
    with django_assert_num_queries(len(one)):
        check_out(visits[2], items)
    assert StockDocument.objects.filter(kind=MovementKind.SALE).count() == 3
