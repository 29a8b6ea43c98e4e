"""Fill rate in a real browser: the owner opens the report from the analytics section, reads the
weekday × hour heat map and downloads the same figures as Excel."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.clients.tests.factories import make_record
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.testing.browser import log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_opens_the_fill_rate_and_sees_the_heat_map(alice, tenant_a, new_page):
    company = tenant_a.company
    service = make_service(company, "Стрижка")
    specialist = make_specialist(company, "Анна", [service])
    idle = make_specialist(company, "Борис", [service])
    today = timezone.now().astimezone(company.tz).date()
    add_shift(specialist, company, today, "10:00", "12:00")
    add_shift(idle, company, today, "10:00", "12:00")
    start = datetime.datetime.combine(today, datetime.time(10), tzinfo=company.tz)
    make_record(company, None, specialist, service, start)
    page = new_page(locale="en")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, "alice@example.com", PASSWORD)

    page.get_by_role("link", name="Analytics").first.click()
    page.get_by_test_id("report-link-fill-rate").click()
    page.get_by_test_id("preset-today").click()

    heatmap = page.get_by_test_id("report-heatmap")
    expect(heatmap).to_contain_text(today.strftime("%a"))
    expect(heatmap.locator("td.fd-heat-9")).to_have_text("50.0\u00a0%")  # 10:00: one of two booked
    specialists = page.get_by_test_id("report-table").first
    expect(specialists.get_by_test_id("report-row").first).to_contain_text("Анна")  # the fullest first
    specialists.get_by_test_id("sort-3").click()  # the fill rate: largest first
    specialists.get_by_test_id("sort-3").click()  # and the other way round
    expect(specialists.get_by_test_id("report-row").first).to_contain_text("Борис")
    expect(page.get_by_test_id("report-chart")).to_have_attribute("data-drawn", "true")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.startswith("fill-rate-")
    assert not errors, errors
