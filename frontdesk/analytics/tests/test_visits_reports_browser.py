"""In a real browser: the administrator cancels a record in the journal choosing why; the owner
finds that reason in the cancellations report, then compares the branches sorted by revenue."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.clients.services import find_or_create_client
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import CancelledBy, CancelReason, RecordStatus
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.scheduling.tests.test_journal_browser import TALL
from frontdesk.testing.browser import log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cancellation_reason_reaches_the_owners_report_and_the_branches_sort_by_revenue(
    tenant_a, amy, alice, new_page
):
    first, second = tenant_a.companies[:2]
    today = timezone.now().astimezone(first.tz).date()
    with scope(first.chain):
        haircut = make_service(first, "Окрашивание", duration=60)
        anna = make_specialist(first, "Анна", [haircut])
        add_shift(anna, first, today, "00:00", "23:45")
        client = find_or_create_client(chain=first.chain, phone="+79161234567", name="Ольга Петрова")
        start = timezone.now().astimezone(first.tz).replace(minute=0, second=0, microsecond=0)
        start = start.replace(hour=min(start.hour, 22))
        record = book_visit(
            company=first, segments=[Segment(haircut.pk, anna.pk)], start=start, client=client, overbook=True
        )[0]
        _paid_visit_today(first, 1000)
        _paid_visit_today(second, 5000)

    # given: the administrator has the record open in the journal
    desk = new_page(viewport=TALL)
    log_in(desk, "amy@example.com", PASSWORD)
    desk.goto(f"/c/{first.pk}/journal/?date={today.isoformat()}")
    desk.locator(".ec-event", has_text="Ольга Петрова").first.click()
    dialog = desk.locator("[data-testid=record-modal]")
    dialog.wait_for(state="visible")

    # when: she cancels it because the specialist is ill
    dialog.get_by_role("button", name="Cancel the record").click()
    dialog.get_by_test_id("record-cancel-reason").select_option(label="The specialist is ill")
    dialog.locator("#record-cancel-comment").fill("Анна на больничном")
    dialog.get_by_test_id("record-cancel-confirm").click()

    # then: the dialog says why, and so does the record
    expect(dialog.get_by_test_id("record-cancellation")).to_contain_text("The specialist is ill — Анна на больничном")
    with scope(first.chain):
        record.refresh_from_db()
    assert (record.status, record.cancel_reason, record.cancelled_by) == (
        RecordStatus.CANCELLED,
        CancelReason.SPECIALIST_ILL,
        CancelledBy.SALON,
    )

    # and: the owner sees it in the cancellations report for today
    office = new_page()
    log_in(office, "alice@example.com", PASSWORD)
    office.goto(f"/c/{first.pk}/analytics/")
    office.get_by_test_id("report-link-cancellations").click()
    office.get_by_test_id("preset-today").click()
    reasons = office.get_by_test_id("report-table").first
    expect(reasons.get_by_test_id("report-row").first).to_contain_text("The specialist is ill")
    expect(office.get_by_test_id("report-chart")).to_have_attribute("data-drawn", "true")

    # and: compares the branches, the higher revenue first
    office.goto(f"/c/{first.pk}/analytics/")
    office.get_by_test_id("branches-link").click()
    office.get_by_test_id("preset-today").click()
    office.get_by_test_id("sort-revenue").click()
    rows = office.get_by_test_id("branch-row")
    expect(rows.first.locator("th")).to_have_text(second.name)
    expect(rows.nth(1).locator("th")).to_have_text(first.name)
    expect(office.get_by_test_id("report-totals")).to_contain_text("The whole network")
