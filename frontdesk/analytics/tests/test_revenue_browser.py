"""Revenue in a real browser: the owner opens it from the analytics section, sees the stacked
chart drawn and today's money in the totals, and downloads the same figures as Excel."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.testing.browser import log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_opens_revenue_sees_the_chart_and_totals_and_downloads_them(alice, tenant_a, new_page):
    _paid_visit_today(tenant_a.company, 1500)
    page = new_page(locale="en")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, "alice@example.com", PASSWORD)

    page.get_by_role("link", name="Analytics").first.click()
    page.get_by_test_id("report-link-revenue").click()
    page.get_by_test_id("preset-today").click()

    expect(page.get_by_test_id("report-chart")).to_have_attribute("data-drawn", "true")
    totals = page.get_by_test_id("report-totals").first
    expect(totals.locator("th").nth(1)).to_contain_text("1,500.00")  # services
    expect(totals.locator("th").last).to_contain_text("1,500.00")  # revenue
    expect(page.get_by_test_id("report-related").first).to_have_text("Payments by method →")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    with open(download.value.path(), "rb") as file:  # the artifact has no .xlsx name for openpyxl
        book = load_workbook(file)
    assert list(book.worksheets[0].iter_rows(values_only=True))[-1][-1] == 1500
    assert not errors, errors
