"""Stocktaking and price tags in a real browser: an administrator counts «Товары» by scanning
one item (a keyboard-wedge scanner types the digits and Enter) and typing another, sees the
shortage in quantity and money, applies it and sees the remains; then ticks goods on the list
and downloads their price tags, whose PDF holds the barcodes' digits."""

import pytest
from django.conf import settings
from playwright.sync_api import expect
from pypdf import PdfReader

from frontdesk.core.scopes import scope
from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.models import Barcode
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_count_a_shortage_apply_it_and_print_price_tags(new_page, live_server, tenant_a, alice):
    company = tenant_a.company
    with scope(tenant_a.chain):
        store = warehouse(company)
        shampoo = goods(tenant_a.chain, "Шампунь 250 мл")
        mask = goods(tenant_a.chain, "Маска 200 мл")
        Barcode.objects.create(chain=tenant_a.chain, goods=shampoo, code="4600000001234")
        Barcode.objects.create(chain=tenant_a.chain, goods=mask, code="4600000002231")
        receive(company, store, supplier(tenant_a.chain), [ItemLine(shampoo, 5, "500"), ItemLine(mask, 3, "800")])
    session = client_for(alice).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"/c/{company.pk}/warehouse/")
    page.get_by_test_id("tab-stocktaking").click()
    page.get_by_test_id("count-warehouse").select_option(str(store.pk))
    page.get_by_test_id("start-count").click()
    expect(page.get_by_test_id("count-status")).to_have_text("Counting")

    for _ in range(3):  # three shampoos on the shelf, scanned
        page.get_by_test_id("scan").fill("4600000001234")
        page.get_by_test_id("scan").press("Enter")
        expect(page.get_by_test_id("scan")).to_be_focused()
    rows = page.get_by_test_id("count-line")
    expect(rows.filter(has_text="Шампунь").get_by_test_id("line-counted")).to_have_value("3")
    rows.filter(has_text="Маска").get_by_test_id("line-counted").fill("3")
    page.get_by_test_id("save-counts").click()

    shampoo_row = rows.filter(has_text="Шампунь")
    expect(shampoo_row.get_by_test_id("line-difference")).to_have_text("-2")
    expect(shampoo_row.get_by_test_id("line-money")).to_contain_text("-1,000.00")
    expect(rows.filter(has_text="Маска").get_by_test_id("line-difference")).to_have_text("0")
    expect(page.get_by_test_id("shortage-value")).to_contain_text("-1,000.00")
    page.get_by_test_id("apply-count").click()
    expect(page.get_by_test_id("count-status")).to_have_text("Applied")
    page.get_by_test_id("count-document").click()
    expect(page.get_by_test_id("document-line")).to_have_count(1)

    page.get_by_test_id("tab-warehouses").click()
    page.get_by_role("link", name=store.title).click()
    remains = page.get_by_test_id("remain")
    expect(remains.filter(has_text="Шампунь").get_by_test_id("remain-quantity")).to_contain_text("3")
    expect(remains.filter(has_text="Маска").get_by_test_id("remain-quantity")).to_contain_text("3")

    page.get_by_test_id("tab-goods").click()
    page.get_by_test_id("goods").filter(has_text="Шампунь").get_by_test_id("tag-goods").check()
    page.get_by_test_id("goods").filter(has_text="Маска").get_by_test_id("tag-goods").check()
    page.get_by_test_id("price-tags").click()
    expect(page.get_by_test_id("tags-chosen")).to_contain_text("Шампунь 250 мл")
    with page.expect_download() as download:
        page.get_by_test_id("print-tags").click()
    assert download.value.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "4600000001234" in text and "4600000002231" in text and "Шампунь 250 мл" in text
