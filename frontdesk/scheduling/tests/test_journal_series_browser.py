"""A repeating series in a real browser: booked from the journal's dialog, then cancelled from
its second visit on with "this and all following"."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from frontdesk.clients.services import find_or_create_client
from frontdesk.core.scopes import scope
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.scheduling.tests.test_journal_browser import TALL, slot_point
from frontdesk.testing.fixtures import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_day(page, company, day, specialist="Анна"):
    page.goto(f"/c/{company.pk}/journal/?date={day.isoformat()}")
    page.wait_for_selector(".ec-body .ec-day")
    # The day's columns are the specialists, loaded after the calendar itself is drawn: a click
    # before they arrive lands in a column of nobody, and the dialog opens without a specialist
    # (and so without services) — what this test saw in CI now and then.
    page.locator(".ec-header", has_text=specialist).first.wait_for()


def test_book_a_weekly_series_of_four_and_cancel_from_the_second_on(tenant_a, amy, new_page, live_server):
    company = tenant_a.company
    tz = ZoneInfo(company.timezone)
    day = timezone.now().astimezone(tz).date() + datetime.timedelta(days=1)
    weeks = [day + datetime.timedelta(weeks=n) for n in range(4)]
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        anna = make_specialist(company, "Анна", [haircut])
        for date in weeks:
            add_shift(anna, company, date, "09:00", "21:00")
        find_or_create_client(chain=company.chain, phone="+79161234567", name="Ольга Петрова")

    page = new_page(viewport=TALL)
    # What the page saw, for the failure message: this test has failed in CI (rarely, not
    # reproduced locally) with the booking dialog's services never listed.
    seen = []
    page.on("console", lambda message: seen.append(f"console {message.type}: {message.text}"))
    page.on("requestfailed", lambda request: seen.append(f"failed: {request.url} {request.failure}"))
    page.on(
        "response", lambda response: "/journal/" in response.url and seen.append(f"{response.status} {response.url}")
    )
    session = client_for(amy).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    open_day(page, company, day)

    # given: the booking dialog opened from Анна's 15:00
    page.mouse.click(*slot_point(page, 0, "15:00"))
    modal = page.locator("#book-modal")
    modal.wait_for(state="visible")
    page.fill("#book-client-search", "4567")
    page.locator("#book-client-results button", has_text="Ольга Петрова").click()
    try:
        page.locator("#book-services input").first.wait_for()
    except Exception as exc:  # a Playwright timeout: say what the page saw
        services = page.locator("#book-services").inner_html()
        specialist = page.locator("#book-specialist").input_value()
        raise AssertionError(f"no services listed (specialist {specialist!r}, box {services!r}); {seen}") from exc
    page.get_by_label("Стрижка").check()
    # when: repeat every week, 4 times
    assert not page.is_visible("#book-repeat-rule")  # off by default
    page.check("#book-repeat")
    page.fill("#book-interval", "1")
    page.select_option("#book-frequency", "weekly")
    page.check("#book-ends-count")
    page.fill("#book-count", "4")
    page.click("[data-testid=book-save]")
    modal.wait_for(state="hidden")

    # then: four records, one a week, each shown with the series mark
    with scope(company.chain):
        records = list(Record.objects.filter(specialist=anna).order_by("start"))
    assert [r.start.astimezone(tz).date() for r in records] == weeks
    assert len({r.series_id for r in records}) == 1
    for date in weeks:
        open_day(page, company, date)
        page.locator(".ec-event", has_text="Ольга Петрова").locator(".bi-arrow-repeat").wait_for()

    # when: the second one is cancelled with "this and all following"
    open_day(page, company, weeks[1])
    page.locator(".ec-event", has_text="Ольга Петрова").first.click()
    dialog = page.locator("[data-testid=record-modal]")
    dialog.wait_for(state="visible")
    assert "Part of a series (every week, 4 times)" in dialog.inner_text()
    dialog.get_by_role("button", name="Cancel the record").click()
    confirm = dialog.locator("[data-testid=series-confirm]")
    confirm.wait_for(state="visible")
    confirm.get_by_role("button", name="This and all following").click()
    page.locator("[data-testid=record-status]", has_text="Cancelled").wait_for()

    # then: only the first visit is left
    with scope(company.chain):
        statuses = list(Record.objects.filter(specialist=anna).order_by("start").values_list("status", flat=True))
    assert statuses == [RecordStatus.BOOKED] + [RecordStatus.CANCELLED] * 3
    page.keyboard.press("Escape")
    page.locator(".ec-event", has_text="Ольга Петрова").wait_for(state="detached")
    open_day(page, company, weeks[0])
    page.locator(".ec-event", has_text="Ольга Петрова").wait_for()
