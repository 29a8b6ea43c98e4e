"""An administrator schedules a class with two places, fills it, and is refused a third client."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from frontdesk.scheduling.models import GroupEvent, Record
from frontdesk.scheduling.tests.factories import add_shift, make_resource, make_service, make_specialist
from frontdesk.scheduling.tests.test_classes import MONDAY
from frontdesk.testing.fixtures import client_for


def _log_in(page, user, live_server):
    """Sign in through a session cookie: the login form has its own tests."""
    cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_class_with_two_places_refuses_the_third_client(page, tenant_a, amy, live_server):
    company = tenant_a.company
    yoga = make_service(company, "Йога", duration=60)
    yoga.is_group = True
    yoga.save()
    make_resource(company, "Зал")
    olga = make_specialist(company, "Ольга", [yoga])
    add_shift(olga, company, MONDAY, "09:00", "21:00")
    _log_in(page, amy, live_server)

    page.goto(f"/c/{company.pk}/classes/")
    page.get_by_test_id("new-class").click()
    page.select_option("#id_service", label="Йога")
    page.select_option("#id_specialist", label="Ольга")
    page.select_option("#id_resource", label="Зал")
    page.fill("#id_date", MONDAY.isoformat())
    page.fill("#id_time", "18:00")
    page.fill("#id_capacity", "2")
    page.get_by_role("button", name="Schedule").click()
    # The form itself is at /classes/new/, which "**/classes/*/" matched before the post answered.
    page.wait_for_url(re.compile(r"/classes/\d+/$"))
    event = GroupEvent.objects.get()
    assert event.capacity == 2

    for name, phone in [("Анна", "+79001110001"), ("Борис", "+79001110002"), ("Вера", "+79001110003")]:
        form = page.get_by_test_id("new-participant")
        form.locator("#id_name").fill(name)
        form.locator("#id_phone").fill(phone)
        # Each add is a form post: wait for the page it answers with (wait_for_load_state alone
        # returns at once on the page being left, and the next name went into that one).
        with page.expect_navigation():
            form.get_by_role("button", name="Add to the class").click()

    expect(page.get_by_test_id("participant")).to_have_count(2)
    expect(page.locator(".fd-messages")).to_contain_text("No places left: all 2 places of this class are taken.")
    expect(page.get_by_test_id("seats")).to_contain_text("2 of 2 taken")
    assert Record.objects.filter(group_event=event).count() == 2

    # The week's page shows the class as full.
    page.goto(f"/c/{company.pk}/classes/?week={MONDAY.isoformat()}")
    assert "2 of 2" in page.get_by_test_id("seats").inner_text()
