"""The warehouse report pages: who may open them, the network only for those who see every
branch, bad filters answered with a translated message, Excel holding every row, and a fixed
number of queries whatever the number of rows."""

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.finance.checkout import CounterLine, sell_at_counter
from frontdesk.finance.models import LineKind, PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.testing.fixtures import add_member, client_for
from frontdesk.warehouse.services import ItemLine, receive, write_off
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db

REPORTS = ("reports", "report_movements", "report_sales", "report_turnover", "report_purchases")


def url(name, company):
    return reverse(f"warehouse:{name}", kwargs={"company_id": company.pk})


def stock(tenant, count: int, *, sell: bool = True):
    """`count` goods received, one written off each, and one of each sold at the counter."""
    branch = tenant.company
    store = warehouse(branch)
    items = [goods(tenant.chain, f"Товар {n:03}", article=f"A{n:03}") for n in range(count)]
    receive(branch, store, supplier(tenant.chain), [ItemLine(item, 5, "100") for item in items], document_number="N-1")
    write_off(branch, store, [ItemLine(item, 1) for item in items], reason="Брак")
    if sell:
        sell_at_counter(
            branch,
            client=None,
            lines=[CounterLine(LineKind.GOODS, str(i.pk), i.title, "250", 1, None, "") for i in items],
            payments=[Payment(make_cash_desk(branch), PaymentMethod.CASH, str(250 * count))],
        )
    return store, items


def test_a_specialist_sees_the_reports_only_when_the_owner_allows(tenant_a, sam):
    for name in REPORTS:
        assert client_for(sam).get(url(name, tenant_a.company)).status_code == 403
    allowed = add_member(tenant_a, "vika@example.com", Role.SPECIALIST, permissions={Section.WAREHOUSE: Level.VIEW})
    for name in REPORTS:
        assert client_for(allowed).get(url(name, tenant_a.company)).status_code == 200


def test_the_owner_sees_each_report_with_its_rows(tenant_a, alice):
    stock(tenant_a, 2)
    web = client_for(alice)
    remains = web.get(url("reports", tenant_a.company)).content.decode()
    assert remains.count('data-testid="remains-report-row"') == 2 and "Товар 000" in remains
    movements = web.get(url("report_movements", tenant_a.company)).content.decode()
    assert movements.count('data-testid="movement-row"') == 6 and "Брак" in movements and "N-1" in movements
    sales = web.get(url("report_sales", tenant_a.company)).content.decode()
    assert sales.count('data-testid="sales-row"') == 2 and 'data-chart="goods-sales-chart"' in sales
    assert "<script>" not in sales  # the chart's data is JSON for static/core/charts.js, no inline script
    turnover = web.get(url("report_turnover", tenant_a.company)).content.decode()
    assert turnover.count('data-testid="turnover-row"') == 2
    purchases = web.get(url("report_purchases", tenant_a.company)).content.decode()
    assert purchases.count('data-testid="purchase-row"') == 2 and "N-1" in purchases


@pytest.mark.parametrize(
    "name,params,message",
    [
        ("reports", {"day": "abc"}, "Enter a valid date."),
        ("report_movements", {"first": "2026-02-01", "last": "2026-01-01"}, "The period ends before it begins."),
        ("report_movements", {"kind": "theft"}, "Select a valid choice."),
        ("report_sales", {"by": "colour"}, "Select a valid choice."),
        ("report_turnover", {"first": "2024-01-01", "last": "2026-01-01"}, "Choose a period of at most a year."),
        ("report_purchases", {"supplier": "x"}, "Select a valid choice."),
        ("report_purchases", {"q": "x" * 101}, "Ensure this value has at most 100 characters"),
    ],
)
def test_bad_filters_are_answered_with_a_message(tenant_a, alice, name, params, message):
    response = client_for(alice).get(url(name, tenant_a.company), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'data-testid="report-errors"' in response.content.decode() and message in response.content.decode()
    assert client_for(alice).get(url(name, tenant_a.company), {**params, "format": "xlsx"}).status_code == 200


def test_another_networks_warehouse_or_supplier_is_not_a_choice(tenant_a, tenant_b, alice):
    theirs = warehouse(tenant_b.company)
    their_supplier = supplier(tenant_b.chain)
    web = client_for(alice)
    for name, params in (("reports", {"warehouse": theirs.pk}), ("report_purchases", {"supplier": their_supplier.pk})):
        page = web.get(url(name, tenant_a.company), params).content.decode()
        assert 'data-testid="report-errors"' in page


def test_a_member_of_one_branch_gets_only_that_branch(tenant_a, alice):
    arbat, sokol = tenant_a.companies
    other = warehouse(sokol, "Сокол")
    amy = add_member(tenant_a, "ann@example.com", Role.ADMINISTRATOR, companies=[arbat])
    web = client_for(amy)
    page = web.get(url("reports", arbat), {"scope": "network"}).content.decode()
    assert 'data-testid="report-errors"' in page and 'value="network"' not in page
    assert 'data-testid="report-errors"' in web.get(url("reports", arbat), {"warehouse": other.pk}).content.decode()
    assert web.get(url("reports", sokol)).status_code in (403, 404)
    # The owner sees every branch: the network and another branch's warehouse in it.
    owner_page = client_for(alice).get(url("reports", arbat), {"scope": "network", "warehouse": other.pk})
    assert 'data-testid="report-errors"' not in owner_page.content.decode()


def test_excel_holds_every_row_with_numbers(tenant_a, alice):
    stock(tenant_a, 60)
    web = client_for(alice)
    book = load_workbook(BytesIO(web.get(url("reports", tenant_a.company), {"format": "xlsx"}).content))
    rows = list(book.worksheets[0].values)
    assert len(rows) == 61 and rows[1][0] == "Товар 000" and rows[1][4] == 3 and rows[1][7] == 300
    assert list(book.worksheets[1].values)[-1][1] == 60 * 300
    sales = load_workbook(BytesIO(web.get(url("report_sales", tenant_a.company), {"format": "xlsx"}).content))
    last = list(sales.worksheets[0].values)[-1]
    assert last[1:5] == (60, 60 * 250, 60 * 100, 60 * 150)
    movements = load_workbook(BytesIO(web.get(url("report_movements", tenant_a.company), {"format": "xlsx"}).content))
    assert len(list(movements.worksheets[0].values)) == 1 + 180
    turnover = load_workbook(BytesIO(web.get(url("report_turnover", tenant_a.company), {"format": "xlsx"}).content))
    assert len(list(turnover.worksheets[0].values)) == 61
    purchases = load_workbook(BytesIO(web.get(url("report_purchases", tenant_a.company), {"format": "xlsx"}).content))
    assert list(purchases.worksheets[1].values)[1][1:] == (1, 60, 60 * 500)


def _queries(web, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert web.get(path, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", REPORTS)
def test_a_report_takes_as_many_queries_for_sixty_rows_as_for_one(tenant_a, tenant_b, alice, bob, name):
    stock(tenant_a, 1)
    stock(tenant_b, 60)
    yesterday = (timezone.now() - datetime.timedelta(days=1)).astimezone(tenant_a.company.tz).date()
    one = _queries(client_for(alice), url(name, tenant_a.company))
    many = _queries(client_for(bob), url(name, tenant_b.company))
    assert one == many
    if name == "reports":  # a past day reads the ledger after it, still in a fixed number
        past = {"day": yesterday.isoformat()}
        assert _queries(client_for(alice), url(name, tenant_a.company), past) == _queries(
            client_for(bob), url(name, tenant_b.company), past
        )


def test_the_remains_report_pages_by_name(tenant_a, alice):
    stock(tenant_a, 60, sell=False)
    web = client_for(alice)
    first = web.get(url("reports", tenant_a.company)).content.decode()
    assert first.count('data-testid="remains-report-row"') == 50 and "Товар 049" in first
    second = web.get(url("reports", tenant_a.company), {"page": 2}).content.decode()
    assert second.count('data-testid="remains-report-row"') == 10 and "Товар 059" in second
