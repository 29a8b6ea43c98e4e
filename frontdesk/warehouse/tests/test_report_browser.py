"""The warehouse reports in a real browser: the owner opens the remains report and the goods sales
report from the warehouse section, sees the chart drawn under the strict CSP, and downloads both
as Excel."""

from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import expect

from frontdesk.core.scopes import scope
from frontdesk.finance.checkout import CounterLine, sell_at_counter
from frontdesk.finance.models import LineKind, PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_the_remains_and_the_sales_report_and_download_them(new_page, live_server, tenant_a, alice):
    company = tenant_a.company
    with scope(tenant_a.chain):
        store = warehouse(company)
        shampoo = goods(tenant_a.chain, "Шампунь 250 мл", article="SH-250")
        receive(company, store, supplier(tenant_a.chain), [ItemLine(shampoo, 5, "500")], document_number="ТН-1")
        sell_at_counter(
            company,
            client=None,
            lines=[CounterLine(LineKind.GOODS, str(shampoo.pk), shampoo.title, "1100", 2, None, "")],
            payments=[Payment(make_cash_desk(company), PaymentMethod.CASH, "2200")],
        )
    session = client_for(alice).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    page.goto(f"/c/{company.pk}/warehouse/")
    page.get_by_test_id("tab-reports").click()
    row = page.get_by_test_id("remains-report-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("report-held")).to_contain_text("3")
    expect(row.get_by_test_id("report-worth")).to_contain_text("1,500.00")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    assert list(book.worksheets[0].values)[1][0] == "Шампунь 250 мл"

    page.get_by_test_id("report-tab-sales").click()
    expect(page.get_by_test_id("sales-chart")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("sales-row-revenue")).to_contain_text("2,200.00")
    expect(page.get_by_test_id("sales-row-margin")).to_contain_text("1,200.00")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.startswith("goods-sales-report-")
    sales = load_workbook(BytesIO(download.value.path().read_bytes()))
    assert list(sales.worksheets[0].values)[1][2] == 2200
    assert not errors, errors
