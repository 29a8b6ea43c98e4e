"""The «Overview» in a real browser: the owner keeps it open while a client books and the desk
takes the payment in another tab, and today's figures follow without a reload; a specialist opens
their own overview and sees their day and their revenue, nobody else's."""

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.analytics import dashboard
from frontdesk.analytics.tests.test_overview_page import visit
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.models import Record
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.testing.browser import book_through_page, log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONES = ["Pacific/Pago_Pago", "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Moscow"]
ZONES += ["Asia/Dubai", "Asia/Kolkata", "Asia/Bangkok", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"]


def _morning_branch(company):
    """Put the branch where it is late morning now, so that today has hours left to book."""
    now = timezone.now()
    company.timezone = min(ZONES, key=lambda zone: abs(now.astimezone(ZoneInfo(zone)).hour + 0.5 - 11))
    company.save(update_fields=["timezone"])
    return now.astimezone(company.tz)


def test_the_owner_sees_todays_figures_change_after_a_booking_and_a_checkout_in_another_tab(
    alice, tenant_a, new_page, screenshot_dir, monkeypatch
):
    monkeypatch.setattr(dashboard, "REFRESH_SECONDS", 2)
    company = tenant_a.company
    local = _morning_branch(company)
    service = make_service(company, "Стрижка", price=2000)
    anna = make_specialist(company, "Анна", [service])
    add_shift(anna, company, local.date(), "00:00", "23:45")
    make_cash_desk(company)
    overview = new_page(locale="en")
    log_in(overview, "alice@example.com", PASSWORD)
    overview.goto(f"/c/{company.pk}/")
    expect(overview.get_by_test_id("today-bookings")).to_have_text("0")
    expect(overview.get_by_test_id("overview-revenue-chart")).to_have_attribute("data-drawn", "true")

    # Another tab of the same browser: a client books for later today on the booking page.
    other = overview.context.new_page()
    other.goto(f"/book/{company.pk}/")
    book_through_page(other, "Стрижка", anna.pk, local.date(), f"{local.hour + 2:02d}:00", "Ольга", "+7 912 000-11-22")

    overview.bring_to_front()
    expect(overview.get_by_test_id("today-bookings")).to_have_text("1")
    expect(overview.get_by_test_id("today-to-come")).to_have_text("1")

    # The desk checks her out in that other tab.
    record = Record.objects.get()
    other.bring_to_front()
    other.goto(f"/c/{company.pk}/finance/checkout/{record.visit_id}/")
    form = other.locator("[data-testid=checkout-form]")
    form.locator("[data-testid=pay-cash]").fill("2000")
    form.locator("[data-testid=take-payment]").click()
    other.wait_for_load_state("load")

    overview.bring_to_front()
    expect(overview.get_by_test_id("today-revenue")).to_contain_text("2,000.00")
    expect(overview.get_by_test_id("today-arrived")).to_have_text("1")
    expect(overview.get_by_test_id("today-to-come")).to_have_text("0")
    # The period's figures are read again when the window comes back into focus.
    expect(overview.get_by_test_id("overview-card-revenue")).to_contain_text("2,000.00")
    overview.screenshot(path=os.path.join(screenshot_dir, "overview-today-live.png"), full_page=True)


def test_a_specialist_sees_only_their_own_overview(sam, tenant_a, new_page, screenshot_dir):
    company = tenant_a.company
    local = _morning_branch(company)
    mine = make_specialist(company, "Сэм")
    mine.user = sam
    mine.save(update_fields=["user"])
    other = make_specialist(company, "Другой мастер")
    start = datetime.datetime.combine(local.date(), datetime.time(local.hour - 2), tzinfo=company.tz)
    visit(company, mine, start, 1500, paid=1500)
    visit(company, other, start, 9000, paid=9000)
    visit(company, other, start + datetime.timedelta(hours=1), 4000, paid=4000)

    page = new_page(locale="en")
    log_in(page, "sam@example.com", PASSWORD)
    page.goto(f"/c/{company.pk}/?preset=today")

    expect(page.get_by_role("heading", name="My day")).to_be_visible()
    expect(page.get_by_test_id("today-bookings")).to_have_text("1")
    expect(page.get_by_test_id("today-revenue")).to_have_count(0)
    expect(page.get_by_test_id("own-value-revenue")).to_contain_text("1,500.00")
    body = page.locator("main").inner_text()
    assert "9,000" not in body and "4,000" not in body and "14,500" not in body
    expect(page.locator("select[name=scope]")).to_have_count(0)
    page.screenshot(path=os.path.join(screenshot_dir, "overview-specialist.png"), full_page=True)
