"""Products with quantities at the cash desk, as finance sees them with no module above: a line
of several units, its sum and seller; a refund that names the units coming back, or brings back
everything once the sale is refunded in full, and tells the module that gave them out."""

from decimal import Decimal

import pytest

from frontdesk.finance.checkout import CounterLine, checkout_visit, refund_sale, sell_at_counter
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.means import (
    Product,
    ProductProvider,
    counter_products,
    find_products,
    product_by_code,
    register_products,
    search_products,
    unregister_products,
)
from frontdesk.finance.models import LineKind, PaymentMethod, SaleLine, SaleStatus
from frontdesk.finance.services import Payment
from frontdesk.finance.signals import lines_returned, sale_settled
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.scheduling.tests.factories import make_specialist

pytestmark = pytest.mark.django_db


class Soaps(ProductProvider):
    kind = LineKind.GOODS
    listed = False

    def products(self, company):
        return [Product(LineKind.GOODS, "1", "Мыло", Decimal("250"), quantity_allowed=True, vat="vat10")]

    def find_by_code(self, company, code):
        return self.products(company)[0] if code == "111" else None


@pytest.fixture
def soaps():
    # Finance alone: the warehouse's listeners (which would look for the soap in stock) are off.
    from frontdesk.warehouse.selling import bring_back_returned_goods, take_sold_goods

    sale_settled.forget(take_sold_goods)
    lines_returned.forget(bring_back_returned_goods)
    provider = register_products(Soaps())
    yield provider
    unregister_products(provider)
    sale_settled.listen(take_sold_goods)
    lines_returned.listen(bring_back_returned_goods)


@pytest.fixture
def heard():
    calls = []

    def listener(sale, returns):
        calls.append([(line.title, quantity) for line, quantity in returns])

    lines_returned.listen(listener)
    yield calls
    lines_returned.forget(listener)


def soap(quantity, seller=None):
    return CounterLine(LineKind.GOODS, "1", "Мыло", "250", quantity, seller, "vat10")


def test_an_unlisted_provider_is_found_by_search_and_code_not_listed_on_the_counter(tenant_a, soaps):
    company = tenant_a.company
    assert "goods:1" not in {p.key for p in counter_products(company)}
    assert [p.title for p in search_products(company, "мыл")] == ["Мыло"]
    assert product_by_code(company, "111").key == "goods:1" and product_by_code(company, "222") is None
    assert set(find_products(company, ["goods:1", "goods:2"])) == {"goods:1"}


def test_three_units_make_one_line_at_the_unit_price_with_the_seller(tenant_a, soaps):
    company = tenant_a.company
    desk, seller = make_cash_desk(company), make_specialist(company, "Ирина", [])
    sale = sell_at_counter(
        company, client=None, lines=[soap("3", seller)], payments=[Payment(desk, PaymentMethod.CASH, "750")]
    ).sale
    line = SaleLine.objects.get(sale=sale)
    assert (line.price, line.quantity, line.amount, line.seller, line.vat) == (
        Decimal("250.00"),
        Decimal("3"),
        Decimal("750.00"),
        seller,
        "vat10",
    )
    assert (sale.subtotal, sale.total, sale.status) == (Decimal("750.00"), Decimal("750.00"), SaleStatus.PAID)


def test_products_added_to_a_visit_count_in_its_total_and_the_discount(tenant_a, soaps):
    company = tenant_a.company
    desk = make_cash_desk(company)
    visit = make_visit(company, [("Стрижка", 2500, 2500)])
    sale = checkout_visit(
        visit, discount="250", products=[soap(2)], payments=[Payment(desk, PaymentMethod.CASH, "2750")]
    ).sale
    assert (sale.subtotal, sale.total, sale.status) == (Decimal("3000.00"), Decimal("2750.00"), SaleStatus.PAID)
    with pytest.raises(FinanceError) as refused:
        checkout_visit(make_visit(company, [("Укладка", 1000, 1000)], hour=15), discount="1501", products=[soap(2)])
    assert refused.value.finance_code == "discount_too_big"


def test_a_refund_counts_the_units_named_and_a_full_refund_the_rest(tenant_a, soaps, heard):
    company = tenant_a.company
    desk = make_cash_desk(company)
    sale = sell_at_counter(
        company, client=None, lines=[soap(3)], payments=[Payment(desk, PaymentMethod.CASH, "750")]
    ).sale
    line = SaleLine.objects.get(sale=sale)
    refund_sale(sale, "250", returns={line.pk: "1"})
    assert heard == [[("Мыло", Decimal("1"))]]
    with pytest.raises(FinanceError) as refused:
        refund_sale(sale, "250", returns={line.pk: "3"})
    assert refused.value.finance_code == "return_too_big"
    refund_sale(sale)  # the rest of the money: the sale is refunded in full
    line.refresh_from_db()
    assert line.returned == 3 and heard[-1] == [("Мыло", Decimal("2"))]


def test_a_bad_quantity_or_a_stranger_seller_saves_nothing(tenant_a, tenant_b, soaps):
    company = tenant_a.company
    for bad in ("0", "-2", "1,0005", "x"):
        with pytest.raises(FinanceError):
            sell_at_counter(company, client=None, lines=[soap(bad)])
    with pytest.raises(FinanceError) as refused:
        sell_at_counter(company, client=None, lines=[soap(1, make_specialist(tenant_b.company, "Чужой", []))])
    assert refused.value.finance_code == "seller_unknown"
    assert not SaleLine.objects.exists()
