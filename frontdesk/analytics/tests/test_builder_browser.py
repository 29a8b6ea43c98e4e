"""The issue's story in a real browser: the owner builds "revenue by specialist by month" as a
bar chart, saves it, pins it to the overview and sees it there, and downloads the Excel file."""

import pytest
from playwright.sync_api import expect

from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.testing.browser import log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_builds_saves_pins_and_downloads_revenue_by_specialist_by_month(alice, tenant_a, new_page):
    _paid_visit_today(tenant_a.company, 1500)
    page = new_page(locale="en", enforce_csp=True)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, "alice@example.com", PASSWORD)

    page.get_by_role("link", name="Analytics").first.click()
    page.get_by_test_id("builder-link").click()
    page.get_by_test_id("builder-new").click()
    page.get_by_test_id("dataset-sale_lines").click()
    page.get_by_label("Sold for").check()
    page.get_by_label("Lines").uncheck()
    page.get_by_label("Group by").select_option("month")
    page.get_by_label("Then by").select_option("specialist")
    page.get_by_label("Bar chart").check()
    page.get_by_label("Period").select_option("year")
    page.get_by_test_id("builder-preview").click()
    expect(page.get_by_test_id("report-chart")).to_have_attribute("data-drawn", "true")
    page.get_by_test_id("builder-name").fill("Revenue by specialist")
    page.get_by_test_id("builder-save").click()

    expect(page.get_by_test_id("builder-title")).to_have_text("Revenue by specialist")
    expect(page.get_by_test_id("report-totals")).to_contain_text("1,500.00")
    page.get_by_test_id("builder-pin").click()
    expect(page.get_by_test_id("builder-unpin")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="Overview").first.click()
    pinned = page.get_by_test_id("pinned-report")
    expect(pinned).to_contain_text("Revenue by specialist")
    expect(pinned.get_by_test_id("pinned-chart")).to_have_attribute("data-drawn", "true")
    assert not errors, errors
