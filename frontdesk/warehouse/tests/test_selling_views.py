"""The goods block of the counter-sale and checkout screens: scanning adds a line or counts it up,
a search adds what it found, the sale takes the goods from stock; an unknown code, a bad quantity
or an item gone from sale is a translated message and nothing is saved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from frontdesk.finance.models import Sale, SaleLine
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.scheduling.tests.factories import make_specialist
from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.models import Barcode, StockRemain
from frontdesk.warehouse.quantities import ean13
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db

CODE = ean13("460765432101")


@pytest.fixture
def shop(tenant_a):
    company = tenant_a.company
    desk = make_cash_desk(company)
    store = warehouse(company)
    item = goods(tenant_a.chain, "Маска для волос", article="MSK-1")
    Barcode.objects.create(chain=tenant_a.chain, goods=item, code=CODE)
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 5, "400")])
    return company, desk, store, item


def sell_url(company):
    return reverse("finance:sell", args=[company.pk])


def lines_of(item, quantity="1", seller=""):
    return {"pl_key": f"goods:{item.pk}", "pl_title": item.title, "pl_qty": quantity, "pl_seller": seller}


def test_scanning_a_barcode_twice_makes_one_line_of_two(shop, amy):
    company, desk, store, item = shop
    http = client_for(amy)
    page = http.post(sell_url(company), {"action": "scan", "scan": CODE})
    assert page.status_code == 200 and page.context["goods"].rows[0].quantity == "1"
    page = http.post(sell_url(company), {"action": "scan", "scan": CODE, **lines_of(item)})
    rows = page.context["goods"].rows
    assert [(r.title, r.quantity) for r in rows] == [("Маска для волос", "2")]
    assert "data-scan-focus" in page.content.decode()
    assert not Sale.objects.exists()


def test_selling_the_scanned_goods_takes_them_from_stock(shop, amy):
    company, desk, store, item = shop
    seller = make_specialist(company, "Ирина", [])
    response = client_for(amy).post(
        sell_url(company),
        {**lines_of(item, "2", str(seller.pk)), "amount_cash": "2200", "account_cash": desk.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line = SaleLine.objects.get()
    assert (line.quantity, line.amount, line.seller_id) == (Decimal("2"), Decimal("2200.00"), seller.pk)
    assert StockRemain.unscoped.get(warehouse=store, goods=item).quantity == 3
    page = client_for(amy).get(response["Location"]).content.decode()
    assert "Маска для волос" in page and "Ирина" in page


def test_an_unknown_barcode_says_so_and_adds_nothing(shop, amy):
    company, *_rest = shop
    page = client_for(amy).post(sell_url(company), {"action": "scan", "scan": "0000000000000"})
    assert "Nothing on sale has the code 0000000000000." in page.content.decode()
    assert page.context["goods"].rows == [] and not Sale.objects.exists()


def test_searching_by_article_offers_the_item_to_add(shop, amy):
    company, desk, store, item = shop
    page = client_for(amy).post(sell_url(company), {"action": "search", "goods_query": "msk-1"})
    assert [p.title for p in page.context["goods"].results] == ["Маска для волос"]
    page = client_for(amy).post(sell_url(company), {"action": f"add:goods:{item.pk}"})
    assert [r.title for r in page.context["goods"].rows] == ["Маска для волос"]


@pytest.mark.parametrize("quantity", ["0", "два", "-1", "0.0001"])
def test_a_bad_quantity_is_refused_with_a_message_and_nothing_is_saved(shop, amy, quantity):
    company, desk, store, item = shop
    response = client_for(amy).post(
        sell_url(company), {**lines_of(item, quantity), "amount_cash": "1100", "account_cash": desk.pk}
    )
    assert response.status_code == 400
    assert "Enter a quantity" in response.content.decode()
    assert not Sale.objects.exists() and StockRemain.unscoped.get(goods=item).quantity == 5


def test_an_archived_item_left_in_the_form_is_refused_and_nothing_is_saved(shop, amy):
    company, desk, store, item = shop
    item.is_archived = True
    item.save()
    response = client_for(amy).post(
        sell_url(company), {**lines_of(item), "amount_cash": "1100", "account_cash": desk.pk}
    )
    assert response.status_code == 400
    assert "“Маска для волос” is no longer on sale" in response.content.decode()
    assert not Sale.objects.exists()


def test_another_networks_item_cannot_be_slipped_into_the_form(shop, tenant_b, bob):
    company, desk, store, item = shop
    own_desk = make_cash_desk(tenant_b.company)
    response = client_for(bob).post(
        sell_url(tenant_b.company), {**lines_of(item), "amount_cash": "1100", "account_cash": own_desk.pk}
    )
    assert response.status_code == 400 and not Sale.objects.exists()


def test_goods_added_to_a_visit_are_paid_with_it(shop, amy):
    company, desk, store, item = shop
    visit = make_visit(company, [("Стрижка", 2500, 2500)])
    url = reverse("finance:checkout", args=[company.pk, visit.pk])
    http = client_for(amy)
    page = http.post(url, {"action": "scan", "scan": CODE})
    assert page.status_code == 200 and "Маска для волос" in page.content.decode()
    row = page.context["goods"].rows[0]
    response = http.post(url, {**lines_of(item, "1", row.seller), "amount_cash": "3600", "account_cash": desk.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    sale = Sale.objects.get(visit=visit)
    assert sale.total == Decimal("3600.00") and sale.status == "paid"
    assert SaleLine.objects.get(sale=sale, kind="goods").seller.name.startswith("Мастер")
    assert StockRemain.unscoped.get(goods=item).quantity == 4


def test_a_service_only_checkout_shows_an_empty_goods_block_and_needs_no_extra_step(shop, amy):
    company, desk, store, item = shop
    visit = make_visit(company, [("Стрижка", 2500, 2500)])
    url = reverse("finance:checkout", args=[company.pk, visit.pk])
    response = client_for(amy).post(url, {"amount_cash": "2500", "account_cash": desk.pk})
    assert response.status_code == 302 and Sale.objects.get(visit=visit).total == Decimal("2500.00")
