"""A manager adds a specialist through the form in a real browser, finds them in the staff list
and the schedule grid, and fills their first week of shifts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from openpyxl import Workbook
from playwright.sync_api import expect

from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval
from frontdesk.staff.tests.factories import make_position, make_service, make_specialist
from frontdesk.testing.fixtures import client_for


def _log_in(page, user, live_server):
    """Sign in through a session cookie: the login form has its own tests."""
    cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_adds_a_specialist_and_fills_their_first_week(page, tenant_a, alice, live_server):
    a1, a2 = tenant_a.companies[:2]
    stylist = make_position(a1, "Стилист")
    make_position(a2, "Массажист")
    haircut = make_service(a1, "Женская стрижка")
    colour = make_service(a1, "Окрашивание")
    massage = make_service(a2, "Массаж спины")
    _log_in(page, alice, live_server)

    page.goto(f"/c/{a1.pk}/staff/")
    page.get_by_test_id("add-specialist").click()
    form = page.get_by_test_id("specialist-form")
    form.locator("input[name=name]").fill("Елена Кузнецова")
    # Only the positions of the ticked branch are offered, named by branch (the network has two).
    # (expect waits: the page's script hides the other branch's positions once it has loaded)
    offered = form.locator("select[name=position] option:not([hidden])")
    expect(offered).to_have_text(["---------", f"Стилист · {a1.name}"])
    form.locator("select[name=position]").select_option(label=f"Стилист · {a1.name}")
    assert form.locator(f'input[name=companies][value="{a1.pk}"]').is_checked()
    form.locator(f"#svc_{haircut.pk}").check()
    form.locator(f"input[name=pmin_{haircut.pk}]").fill("2200")
    form.locator(f"#svc_{colour.pk}").check()
    form.locator("button[type=submit]", has_text="Save").click()

    page.wait_for_url(f"**/c/{a1.pk}/staff/")
    row = page.get_by_test_id("specialist-row").filter(has_text="Елена Кузнецова")
    expect(row).to_contain_text("Стилист")
    elena = Specialist.objects.get(name="Елена Кузнецова")
    assert elena.position == stylist and list(elena.companies.all()) == [a1]
    links = {link.service_id: link for link in SpecialistService.objects.filter(specialist=elena)}
    assert set(links) == {haircut.pk, colour.pk} and massage.pk not in links
    assert links[haircut.pk].price_min == Decimal("2200") and links[colour.pk].price_min is None

    # She has a row in the month's grid; a drag over Monday to Sunday gives her a week of shifts.
    page.goto(f"/c/{a1.pk}/schedule/?month=2026-06")
    grid = page.get_by_test_id("schedule-grid")
    assert "Елена Кузнецова" in grid.locator(f'th[data-row="{elena.pk}"]').inner_text()
    monday = grid.locator(f'td[data-s="{elena.pk}"][data-d="2026-06-01"]')
    sunday = grid.locator(f'td[data-s="{elena.pk}"][data-d="2026-06-07"]')
    monday.scroll_into_view_if_needed()
    box = monday.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    box = sunday.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5, steps=8)
    page.mouse.up()
    expect(grid.locator("td.fd-selected")).to_have_count(7)
    page.click('button[data-action="hours"][data-hours="10:00-19:00"]')
    page.wait_for_function("document.querySelectorAll('td.fd-work').length === 7")
    days = list(WorkInterval.objects.filter(specialist=elena, company=a1).values_list("date", "start", "end"))
    assert days == [(datetime.date(2026, 6, day), datetime.time(10), datetime.time(19)) for day in range(1, 8)]
    page.reload()
    expect(page.get_by_test_id("schedule-grid").locator(f'td.fd-work[data-s="{elena.pk}"]')).to_have_count(7)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_schedule_import_is_checked_in_place_then_confirmed(page, tenant_a, alice, live_server):
    anna = make_specialist(tenant_a.company, name="Анна")
    workbook = Workbook()
    workbook.active.append(["ID", "Specialist", datetime.date(2026, 6, 1), datetime.date(2026, 6, 2)])
    workbook.active.append([anna.pk, "Анна", "10:00-19:00", "10:00-14:00, 15:00-19:00"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _log_in(page, alice, live_server)
    page.goto(f"/c/{tenant_a.company.pk}/schedule/import/")
    page.set_input_files("input[name=file]", files=[{"name": "june.xlsx", "mimeType": "", "buffer": buffer.getvalue()}])
    page.get_by_test_id("preview").click()
    page.get_by_test_id("import-preview").wait_for()
    assert page.url.endswith("/schedule/import/")
    assert page.locator("#fd-import-bar").evaluate("bar => bar.style.width") == "100%"
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(f"**/c/{tenant_a.company.pk}/schedule/")
    assert WorkInterval.objects.filter(specialist=anna).count() == 3
