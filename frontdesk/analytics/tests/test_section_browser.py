"""A report in a real browser: the chart is drawn under the strict CSP, the Excel button
downloads the same figures."""

import pytest
from playwright.sync_api import expect

from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.testing.browser import log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_opens_a_report_sees_its_chart_and_downloads_it(alice, tenant_a, new_page):
    _paid_visit_today(tenant_a.company, 1500)
    page = new_page(locale="en")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, "alice@example.com", PASSWORD)

    page.get_by_role("link", name="Analytics").first.click()
    page.get_by_test_id("report-link-visits").click()

    expect(page.get_by_test_id("report-chart")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("report-totals")).to_contain_text("Total")
    page.get_by_test_id("preset-today").click()
    expect(page.get_by_test_id("report-totals").locator("th").nth(1)).to_have_text("1")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert not errors, errors
