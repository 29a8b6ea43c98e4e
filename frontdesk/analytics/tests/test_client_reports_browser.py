"""Retention in a real browser: the owner opens it from the analytics section, sees last month's
cohort in the heat map with its size, and downloads the same figures as Excel."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from frontdesk.analytics.tests.test_client_reports import came, person
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.testing.browser import log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_opens_retention_sees_a_cohort_and_downloads_it(alice, tenant_a, new_page):
    company = tenant_a.company
    make_service(company, "Стрижка")
    master = make_specialist(company, "Мастер")
    today = timezone.now().astimezone(company.tz).date()
    first_of_last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for name in ("Анна", "Вера"):
        came(company, master, person(tenant_a, name), first_of_last_month + datetime.timedelta(days=2))
    page = new_page(locale="en")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, "alice@example.com", PASSWORD)

    page.get_by_role("link", name="Analytics").first.click()
    page.get_by_test_id("report-link-retention").click()

    heatmap = page.get_by_test_id("report-heatmap")
    cohort = heatmap.locator("tbody tr").filter(has_text=first_of_last_month.strftime("%b %Y"))
    expect(cohort.locator("td").first).to_have_text("2")
    expect(page.get_by_test_id("report-chart")).to_have_attribute("data-drawn", "true")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[-1]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows[first_of_last_month.strftime("%b %Y")][1] == 2
    assert not errors, errors
