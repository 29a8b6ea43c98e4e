"""Goods at checkout in a real browser: goods received from a supplier (set up by the service),
an administrator sells two bottles at the counter by scanning the barcode twice (the scanner
types the digits and Enter), and sees the sale's lines, the receipt's goods lines and the
warehouse's remains drop."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from frontdesk.core.scopes import scope
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.payments.models import FiscalSettings
from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.models import Barcode
from frontdesk.warehouse.quantities import ean13
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = ean13("460111222333")


def test_sell_two_bottles_by_scanning_and_see_the_remains_drop(new_page, live_server, tenant_a, alice):
    company = tenant_a.company
    with scope(tenant_a.chain):
        FiscalSettings.objects.create(company=company, driver="test", taxation="osn", vat="none", inn="7701234567")
        make_cash_desk(company)
        store = warehouse(company)
        shampoo = goods(tenant_a.chain, "Шампунь 250 мл", article="SH-250", vat="vat20")
        Barcode.objects.create(chain=tenant_a.chain, goods=shampoo, code=CODE)
        receive(company, store, supplier(tenant_a.chain), [ItemLine(shampoo, 5, "540")])
    session = client_for(alice).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    page.goto(f"/c/{company.pk}/finance/sell/")
    for _ in range(2):  # the scanner: digits, then Enter
        page.locator("[data-testid=scan]").press_sequentially(CODE)
        page.locator("[data-testid=scan]").press("Enter")
        expect(page.locator("[data-testid=scan]")).to_be_focused()
    line = page.locator("[data-testid=goods-line]")
    expect(line).to_have_count(1)
    expect(line.locator("[data-testid=goods-qty]")).to_have_value("2")
    expect(line.locator("[data-testid=goods-stock]")).to_contain_text("5")
    expect(page.locator("[data-testid=total]")).to_contain_text("2,200.00")
    page.locator("[data-pay-rest=cash]").click()
    page.locator("[data-testid=sell]").click()

    expect(page.locator("[data-testid=sale-status]")).to_have_text("Paid")
    expect(page.locator("[data-testid=sale-line]")).to_contain_text("Шампунь 250 мл")
    expect(page.locator("[data-testid=sale-line-quantity]")).to_have_text("2")
    expect(page.locator("[data-testid=sale-total]")).to_contain_text("2,200.00")
    page.locator("[data-testid=sale-receipts] a").first.click()
    receipt = page.locator("[data-testid=receipt-line]")
    expect(receipt).to_have_count(1)
    expect(receipt).to_contain_text("Шампунь 250 мл")
    expect(receipt).to_contain_text("Goods")
    expect(receipt.locator("td").nth(2)).to_have_text("2")
    expect(page.locator("[data-testid=receipt-body]")).to_contain_text("VAT 20%")

    page.goto(f"/c/{company.pk}/warehouse/{store.pk}/")
    expect(page.locator("[data-testid=remain-quantity]")).to_contain_text("3")
