"""The owner opens the «Overview» in a real browser and sees today's figures; on a phone the
figures fit the screen."""

import os
import re

import pytest
from playwright.sync_api import expect

from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.testing.browser import has_no_horizontal_scroll, log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}])
def test_the_owner_sees_todays_figures_on_the_overview(alice, tenant_a, new_page, screenshot_dir, viewport):
    _paid_visit_today(tenant_a.company, 2750)
    page = new_page(locale="en", viewport=viewport)
    log_in(page, "alice@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/c/\d+/$"))

    expect(page.get_by_test_id("today-bookings")).to_have_text("1")
    expect(page.get_by_test_id("today-revenue")).to_contain_text("2,750.00")
    expect(page.get_by_role("heading", name="Booking sources")).to_be_visible()
    assert has_no_horizontal_scroll(page, viewport["width"])
    page.screenshot(path=os.path.join(screenshot_dir, f"overview-{viewport['width']}.png"), full_page=True)
