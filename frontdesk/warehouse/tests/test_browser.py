"""The warehouse in a real browser: an administrator receives goods from a supplier, scanning one
item's barcode and picking another from the list, and sees them in the warehouse's remains."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from frontdesk.core.scopes import scope
from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.models import Barcode
from frontdesk.warehouse.tests.factories import dye, goods, supplier, warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_receive_goods_from_a_supplier_and_see_the_remains(new_page, live_server, tenant_a, alice):
    company = tenant_a.company
    with scope(tenant_a.chain):
        store = warehouse(company)
        shampoo = goods(tenant_a.chain, article="SH-250")
        Barcode.objects.create(chain=tenant_a.chain, goods=shampoo, code="4600000001234")
        paint = dye(tenant_a.chain)
        supplier(tenant_a.chain)
    session = client_for(alice).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    page.goto(f"/c/{company.pk}/warehouse/")
    page.locator("[data-testid=new-receipt]").click()
    page.locator("#id_warehouse").select_option(str(store.pk))
    page.locator("#id_supplier").select_option(index=1)
    page.locator("#id_document_number").fill("ТН-42")
    lines = page.locator("[data-testid=line]")
    lines.nth(0).locator("[data-testid=line-goods]").fill("4600000001234")  # scanned
    lines.nth(0).locator("[data-testid=line-quantity]").fill("6")
    lines.nth(0).locator("[data-testid=line-price]").fill("540")
    lines.nth(1).locator("[data-testid=line-goods]").fill(f"{paint.title} #{paint.pk}")  # picked from the list
    lines.nth(1).locator("[data-testid=line-quantity]").fill("2")
    lines.nth(1).locator("[data-testid=line-price]").fill("420")
    page.locator("[data-testid=save]").click()

    expect(page.locator("[data-testid=document-line]")).to_have_count(2)
    expect(page.locator("[data-testid=supplier]")).to_contain_text("ТН-42")

    page.locator("[data-testid=tab-warehouses]").click()
    page.get_by_role("link", name=store.title).click()
    rows = page.locator("[data-testid=remain]")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Краска 6.0 60 мл")
    expect(rows.nth(0).locator("[data-testid=remain-quantity]")).to_contain_text("120")
    expect(rows.nth(1).locator("[data-testid=remain-quantity]")).to_contain_text("6")
    expect(page.locator("[data-testid=remains-total]")).to_contain_text("4,080.00")
