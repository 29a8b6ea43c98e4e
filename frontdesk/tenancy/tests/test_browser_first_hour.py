"""The first hour of a new salon, on a phone: sign-up as a beauty salon, «First steps» to the
first online booking, and the links the salon and its client get work on the address the pages
were served from (the live server's host and port, not a fixed 127.0.0.1:8000)."""

import datetime
import os
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.accounts.models import User
from frontdesk.catalog.models import Service
from frontdesk.core import sms
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.models import Record, RecordSource
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.models import BusinessType, Company
from frontdesk.testing.browser import book_through_page, has_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def overview(page, company):
    page.goto(f"/c/{company.pk}/")
    return page.get_by_test_id("first-steps")


def current_step(steps):
    return steps.locator("li.is-current").get_attribute("data-step")


def test_a_new_beauty_salon_reaches_its_first_online_booking_from_a_phone(
    new_page, live_server, settings, screenshot_dir
):
    # The live server answers on localhost:<port>; naming it lets links use it (a `*` would not).
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    sms.outbox.clear()
    page = new_page(locale="ru", viewport=PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto("/accounts/signup/")
    page.fill("input[name=company_name]", "Салон Лаванда")
    page.fill("input[name=name]", "Вера Павлова")
    page.fill("input[name=phone]", "+7 912 345-67-89")
    page.fill("input[name=email]", "vera@example.com")
    page.fill("input[name=password]", "lavender-2026")
    page.locator("form:has(input[name=password]) button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/c/\d+/onboarding/$"))
    page.get_by_text("Салон красоты", exact=True).click()
    page.fill("input[name=country]", "Россия")
    page.fill("input[name=city]", "Казань")
    page.locator("form:has(input[name=city]) button[type=submit]").click()
    company = Company.objects.get()
    expect(page).to_have_url(re.compile(rf"/c/{company.pk}/$"))
    company.refresh_from_db()
    assert company.business_type == BusinessType.BEAUTY_SALON and company.onboarded

    # 1. A service: the branch has no category yet, so the way goes through one and back.
    steps = page.get_by_test_id("first-steps")
    assert current_step(steps) == "services"
    assert has_no_horizontal_scroll(page, PHONE["width"])
    page.screenshot(path=os.path.join(screenshot_dir, "first-steps-390.png"), full_page=True)
    steps.get_by_test_id("step-services").click()
    page.fill("input[name=title]", "Волосы")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/services/add/\?category=\d+$"))
    page.fill("input[name=title]", "Стрижка")
    page.fill("input[name=duration]", "60")
    page.fill("input[name=price_min]", "1800")
    page.fill("input[name=price_max]", "")  # a fixed price, as the field's help says
    page.get_by_test_id("save").click()
    page.wait_for_selector("[data-testid=service] >> text=Стрижка")
    service = Service.objects.get()

    # 2. A specialist who does it.
    steps = overview(page, company)
    assert current_step(steps) == "specialists"
    steps.get_by_test_id("step-specialists").click()
    page.fill("input[name=name]", "Анна")
    page.check(f"input[name=svc_{service.pk}]")
    page.get_by_test_id("specialist-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    anna = Specialist.objects.get()

    # 3. Her working day: tomorrow, 10 to 19, in the schedule grid.
    steps = overview(page, company)
    assert current_step(steps) == "schedule"
    steps.get_by_test_id("step-schedule").click()
    tomorrow = timezone.now().astimezone(company.tz).date() + datetime.timedelta(days=1)
    if tomorrow.day == 1:
        page.get_by_test_id("next-month").click()
    grid = page.get_by_test_id("schedule-grid")
    grid.locator(f'td[data-s="{anna.pk}"][data-d="{tomorrow.isoformat()}"]').click()
    page.click('button[data-action="hours"][data-hours="10:00-19:00"]')
    expect(grid.locator("td.fd-work")).to_have_count(1)

    # 4. The opening hours were set during onboarding: already done. 5. The link to share.
    steps = overview(page, company)
    assert steps.locator('li[data-step="hours"]').get_attribute("data-done") == "true"
    assert current_step(steps) == "share"
    steps.get_by_test_id("copy-link").click()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{live_server.url}/book/{company.pk}/"
    assert f'data-specialist="{anna.pk}"' in steps.locator("#fs-specialist-code").input_value()
    assert has_no_horizontal_scroll(page, PHONE["width"])
    page.screenshot(path=os.path.join(screenshot_dir, "first-steps-share-390.png"), full_page=True)

    # A client opens the link on her phone and books.
    client = new_page(locale="en", viewport=PHONE)
    client.goto(link)
    book_through_page(client, "Стрижка", anna.pk, tomorrow, "11:00", "Ольга", "+7 912 000-11-22")
    assert Record.objects.get().source == RecordSource.ONLINE

    # The confirmation the worker sends links to the address the booking was made on.
    deliver_due()
    [confirmation] = [m.text for m in sms.outbox if m.phone == "+79120001122"]
    own_page = re.search(r"https?://\S+/my/\S+/", confirmation).group(0)
    assert own_page.startswith(f"{live_server.url}/my/")
    client.goto(own_page)
    expect(client.get_by_text("Стрижка").first).to_be_visible()

    # So does the owner's email confirmation, and the path is walked: the block is gone.
    confirm = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    assert confirm.startswith(f"{live_server.url}/")
    page.goto(confirm)
    assert User.objects.get(email="vera@example.com").email_confirmed
    page.goto(f"/c/{company.pk}/")
    expect(page.get_by_test_id("first-steps")).to_have_count(0)
