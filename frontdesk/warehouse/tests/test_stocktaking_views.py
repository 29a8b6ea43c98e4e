"""The stocktaking screens: who may count and apply, the count's page with its discrepancy and
totals (a fixed number of queries however many lines), scanning, refusals shown with nothing
saved."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.testing.fixtures import add_member, client_for
from frontdesk.warehouse.models import Barcode, StockRemain, Stocktaking, StocktakingLine, StocktakingStatus
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.stocktaking import start_count
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db


def url(name, company, **kwargs):
    return reverse(f"warehouse:{name}", kwargs={"company_id": company.pk, **kwargs})


@pytest.fixture
def stocked(tenant_a):
    company = tenant_a.company
    store = warehouse(company)
    shampoo = goods(tenant_a.chain, "Шампунь 250 мл")
    Barcode.objects.create(chain=tenant_a.chain, goods=shampoo, code="4600000001234")
    receive(company, store, supplier(tenant_a.chain), [ItemLine(shampoo, 5, "500")])
    return company, store, shampoo


def test_the_administrator_counts_sees_the_shortage_and_applies_it(stocked, amy):
    company, store, shampoo = stocked
    web = client_for(amy)
    response = web.post(url("stocktaking_start", company), {"warehouse": store.pk, "category": ""})
    count = Stocktaking.objects.get()
    assert response.status_code == 302 and response["Location"] == url("stocktaking", company, stocktaking_id=count.pk)
    for _ in range(3):
        web.post(url("stocktaking_scan", company, stocktaking_id=count.pk), {"code": "4600000001234"})

    page = web.get(url("stocktaking", company, stocktaking_id=count.pk)).content.decode()
    assert "−2" in page or "-2" in page
    assert "-1,000.00" in page or "−1,000.00" in page  # two shampoos short at 500 ₽

    web.post(url("stocktaking_apply", company, stocktaking_id=count.pk))
    count.refresh_from_db()
    assert count.status == StocktakingStatus.APPLIED and count.document is not None
    assert StockRemain.unscoped.get(goods=shampoo).quantity == 3
    remains = web.get(url("remains", company, warehouse_id=store.pk)).content.decode()
    assert "3 pcs" in remains.replace("\xa0", " ")


def test_typed_counts_are_saved_and_a_bad_one_saves_nothing_with_the_reason(stocked, amy):
    company, store, shampoo = stocked
    count = start_count(company, store)
    line = StocktakingLine.objects.get(stocktaking=count)
    web = client_for(amy)
    page = url("stocktaking", company, stocktaking_id=count.pk)

    response = web.post(url("stocktaking_counts", company, stocktaking_id=count.pk), {f"count-{line.pk}": "abc"})
    assert response.status_code == 302
    shown = web.get(page).content.decode()
    assert "Шампунь 250 мл" in shown and "enter the counted quantity" in shown
    line.refresh_from_db()
    assert line.counted is None

    web.post(url("stocktaking_counts", company, stocktaking_id=count.pk), {f"count-{line.pk}": "4"})
    line.refresh_from_db()
    assert (line.counted, line.book_at_count) == (4, 5)


def test_an_unknown_barcode_is_refused_with_the_reason(stocked, amy):
    company, store, _shampoo = stocked
    count = start_count(company, store)
    web = client_for(amy)
    web.post(url("stocktaking_scan", company, stocktaking_id=count.pk), {"code": "999"})
    assert (
        "No goods item matches “999”" in web.get(url("stocktaking", company, stocktaking_id=count.pk)).content.decode()
    )


def test_a_second_count_of_the_warehouse_is_refused_on_the_list(stocked, amy):
    company, store, _shampoo = stocked
    web = client_for(amy)
    web.post(url("stocktaking_start", company), {"warehouse": store.pk})
    response = web.post(url("stocktaking_start", company), {"warehouse": store.pk}, follow=True)
    assert "is already being counted" in response.content.decode()
    assert Stocktaking.objects.count() == 1


def test_a_member_who_may_only_view_sees_the_count_but_cannot_change_it(tenant_a, stocked):
    company, store, shampoo = stocked
    viewer = add_member(tenant_a, "vera@example.com", Role.ADMINISTRATOR, permissions={Section.WAREHOUSE: Level.VIEW})
    count = start_count(company, store)
    line = StocktakingLine.objects.get(stocktaking=count)
    web = client_for(viewer)
    page = web.get(url("stocktaking", company, stocktaking_id=count.pk))
    assert page.status_code == 200 and 'data-testid="apply-count"' not in page.content.decode()
    for name, data in (
        ("stocktaking_counts", {f"count-{line.pk}": "1"}),
        ("stocktaking_scan", {"code": "4600000001234"}),
        ("stocktaking_apply", {}),
        ("stocktaking_cancel", {}),
    ):
        assert web.post(url(name, company, stocktaking_id=count.pk), data).status_code == 403
    assert web.post(url("stocktaking_start", company), {"warehouse": store.pk}).status_code == 403
    count.refresh_from_db()
    line.refresh_from_db()
    assert count.status == StocktakingStatus.OPEN and line.counted is None


def test_a_specialist_without_the_section_sees_no_stocktaking(tenant_a, stocked, sam):
    assert client_for(sam).get(url("stocktakings", tenant_a.company)).status_code == 403


def test_the_counts_page_runs_the_same_queries_for_two_lines_or_forty(tenant_a, stocked, alice):
    company, store, shampoo = stocked
    web = client_for(alice)
    count = start_count(company, store)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert web.get(url("stocktaking", company, stocktaking_id=count.pk)).status_code == 200
        return len(captured)

    few = queries()
    items = [goods(tenant_a.chain, f"Товар {n:02}") for n in range(40)]
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 2, "100") for item in items])
    count.status = StocktakingStatus.CANCELLED
    count.save()
    count = start_count(company, store)
    StocktakingLine.objects.filter(stocktaking=count).update(counted=Decimal(1), book_at_count=Decimal(2))
    assert queries() == few


def test_the_list_shows_counts_with_their_status_and_document(stocked, alice):
    company, store, shampoo = stocked
    count = start_count(company, store)
    page = client_for(alice).get(url("stocktakings", company)).content.decode()
    assert str(count) in page and "Counting" in page
