"""A manager fills a month of shifts for two specialists in the grid editor, in a real browser."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from frontdesk.staff.models import Absence, WorkInterval
from frontdesk.staff.tests.factories import make_specialist
from frontdesk.testing.fixtures import client_for


def _log_in(page, user, live_server):
    """Sign in through a session cookie: the login form has its own tests."""
    cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_fills_a_month_of_shifts_for_two_specialists(page, tenant_a, alice, live_server):
    anna = make_specialist(tenant_a.company, name="Анна Смирнова")
    maria = make_specialist(tenant_a.company, name="Мария Иванова")
    _log_in(page, alice, live_server)
    page.goto(f"/c/{tenant_a.company.pk}/schedule/?month=2026-05")
    grid = page.get_by_test_id("schedule-grid")
    first = grid.locator(f'td[data-s="{anna.pk}"][data-d="2026-05-01"]')
    last = grid.locator(f'td[data-s="{maria.pk}"][data-d="2026-05-31"]')
    # Drag from Anna's 1st to Maria's 31st: the whole block of both rows.
    first.scroll_into_view_if_needed()
    box = first.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5, steps=8)
    page.mouse.up()
    expect(grid.locator("td.fd-selected")).to_have_count(62)
    page.click('button[data-action="hours"][data-hours="10:00-19:00"]')
    page.wait_for_function("document.querySelectorAll('td.fd-work').length === 62")
    expect(page.get_by_test_id("schedule-grid").locator("td.fd-work", has_text="10–19")).to_have_count(62)
    assert WorkInterval.objects.filter(specialist__in=[anna, maria]).count() == 62

    # Click, then Shift+click: Anna's first week becomes a vacation.
    grid = page.get_by_test_id("schedule-grid")
    grid.locator(f'td[data-s="{anna.pk}"][data-d="2026-05-01"]').click()
    grid.locator(f'td[data-s="{anna.pk}"][data-d="2026-05-07"]').click(modifiers=["Shift"])
    page.click('button[data-action="vacation"]')
    page.wait_for_function("document.querySelectorAll('td.fd-absent').length === 7")
    assert Absence.objects.get(specialist=anna).date_to.day == 7

    # Bad hours: a clear message, nothing changes.
    page.get_by_test_id("schedule-grid").locator(f'th[data-row="{maria.pk}"]').click()
    page.fill("#fd-custom-hours", "22:00-06:00")
    page.click('button[data-action="hours"][data-from="fd-custom-hours"]')
    error = page.get_by_test_id("grid-error")
    error.wait_for(state="visible")
    expect(error).to_contain_text("Overnight")
    assert WorkInterval.objects.filter(specialist=maria, start__hour=10).count() == 31

    # After a reload the shifts are still there.
    page.reload()
    expect(page.get_by_test_id("schedule-grid").locator("td.fd-work")).to_have_count(31 + 24)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_grid_scrolls_inside_its_box_on_a_phone(new_page, tenant_a, alice, live_server):
    make_specialist(tenant_a.company, name="Анна Смирнова")
    page = new_page(viewport={"width": 360, "height": 740})
    _log_in(page, alice, live_server)
    page.goto(f"/c/{tenant_a.company.pk}/schedule/?month=2026-05")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.getElementById('fd-grid-box').scrollWidth,"
        " document.getElementById('fd-grid-box').clientWidth]"
    )
    assert widths[0] <= 360
    assert widths[1] > widths[2]
