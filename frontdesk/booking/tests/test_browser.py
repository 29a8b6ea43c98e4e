"""The client's booking in a real browser: the page, the widget on a foreign page, the link,
and two clients racing for one time."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.booking.models import BookingLink
from frontdesk.core.scopes import scope
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.testing.browser import has_no_horizontal_scroll
from frontdesk.testing.fixtures import make_tenant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def branch(db):
    tenant = make_tenant("Лаванда", "alice@example.com", "+79000000001", ["Лаванда Арбат"])
    company = tenant.company
    day = timezone.localdate() + datetime.timedelta(days=2)
    with scope(tenant.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, day, "10:00", "13:00")
    return company, haircut, anna, day


def fill_details(page, name="Вера", phone="+7 912 345-67-89"):
    page.fill("input[name=name]", name)
    page.fill("input[name=phone]", phone)
    page.check("input[name=consent]")
    page.locator("form.bk-form button.bk-btn").click()


def test_a_client_books_through_the_branch_page_on_a_phone(new_page, branch):
    company, haircut, anna, day = branch
    page = new_page(locale="en", viewport={"width": 360, "height": 740})
    page.goto(f"/book/{company.pk}/")
    page.get_by_text("Стрижка").click()
    page.get_by_role("button", name="Continue").click()
    page.locator(f"[data-specialist='{anna.pk}']").click()
    page.locator(f"[data-day='{day.isoformat()}']").click()
    page.locator("[data-time='11:00']").click()
    # Measure the details step, not the times being left.
    page.locator("form.bk-form").wait_for()
    assert has_no_horizontal_scroll(page, 360)
    fill_details(page)
    page.get_by_text("You are booked!").wait_for()
    assert Record.objects.get().start.astimezone(company.tz).strftime("%H:%M") == "11:00"


def test_the_widget_on_a_plain_page_opens_and_books(new_page, branch, live_server):
    company, haircut, anna, day = branch
    page = new_page(locale="en")
    html = (
        "<!doctype html><html lang='en'><body><h1>My salon</h1>"
        f"<script src='{live_server.url}/static/booking/widget.js' data-branch='{company.pk}'></script>"
        "</body></html>"
    )
    page.set_content(html)
    page.locator(".fdw-btn").click()
    frame = page.frame_locator(".fdw-frame")
    frame.get_by_text("Стрижка").click()
    frame.get_by_role("button", name="Continue").click()
    frame.locator("[data-specialist='any']").click()
    frame.locator(f"[data-day='{day.isoformat()}']").click()
    frame.locator("[data-time='10:00']").click()
    frame.locator("input[name=name]").fill("Вера")
    frame.locator("input[name=phone]").fill("+79123456789")
    frame.locator("input[name=consent]").check()
    frame.locator("form.bk-form button.bk-btn").click()
    frame.get_by_text("You are booked!").wait_for()
    record = Record.objects.get()
    assert record.source == "widget" and record.visit.booking_source.channel == "widget"
    frame.locator("h1").click()
    page.keyboard.press("Escape")
    page.locator(".fdw-overlay").wait_for(state="detached")


def test_on_a_phone_the_widget_covers_the_screen_and_its_close_button_leaves_the_language_switch_free(
    new_page, branch, live_server
):
    company, haircut, anna, day = branch
    page = new_page(locale="en", viewport={"width": 390, "height": 844})
    page.set_content(
        "<!doctype html><html lang='en'><head><meta name='viewport' content='width=device-width, initial-scale=1'>"
        "</head><body><h1>My salon</h1>"
        f"<script src='{live_server.url}/static/booking/widget.js' data-branch='{company.pk}'></script></body></html>"
    )
    page.locator(".fdw-btn").click()
    frame = page.frame_locator(".fdw-frame")
    frame.locator(".bk-lang [data-lang='ru']").wait_for()
    # No band of the site around the booking: the box is the whole screen, the launcher is gone.
    box = page.locator(".fdw-box").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    expect(page.locator(".fdw-btn")).to_be_hidden()
    # The language switch is not under the close button: a click on it switches the language.
    close = page.locator(".fdw-close").bounding_box()
    switch = frame.locator(".bk-lang").bounding_box()  # relative to the page, like the button's
    assert switch["y"] >= close["y"] + close["height"]
    frame.locator(".bk-lang [data-lang='ru']").click()
    expect(frame.locator(".bk-lang [data-lang='ru']")).to_have_class(re.compile(r"\bon\b"))
    page.locator(".fdw-close").click()
    page.locator(".fdw-overlay").wait_for(state="detached")
    expect(page.locator(".fdw-btn")).to_be_visible()


def test_the_client_moves_and_cancels_through_the_link(new_page, branch):
    from frontdesk.booking.services import book_online
    from frontdesk.scheduling.availability import Segment

    company, haircut, anna, day = branch
    with scope(company.chain):
        records, link = book_online(
            company=company,
            segments=[Segment(haircut.pk, anna.pk)],
            start=datetime.datetime.combine(day, datetime.time(10), tzinfo=company.tz),
            name="Вера",
            phone="+79123456789",
        )
    page = new_page(locale="en")
    page.goto(f"/my/{link.token}/")
    page.get_by_role("link", name="Move").click()
    page.locator(f"[data-day='{day.isoformat()}']").click()
    page.locator("[data-time='12:00']").click()
    # The chosen time is asked about first, beside the old one; nothing has moved yet.
    page.get_by_text("Move the booking?").wait_for()
    expect(page.get_by_test_id("move-old")).to_contain_text("10:00–11:00")
    expect(page.get_by_test_id("move-new")).to_contain_text("12:00–13:00")
    record = Record.objects.get()
    assert record.start.astimezone(company.tz).hour == 10
    page.get_by_role("button", name="Yes, move it").click()
    page.get_by_text("The booking is moved").wait_for()
    record.refresh_from_db()
    assert record.start.astimezone(company.tz).hour == 12
    # Cancelling asks on a page of its own too (no browser dialog, so it works in any frame).
    page.get_by_role("link", name="Cancel the booking").click()
    page.get_by_text("Cancel the booking?").wait_for()
    record.refresh_from_db()
    assert record.status == RecordStatus.BOOKED
    page.get_by_role("button", name="Yes, cancel the booking").click()
    page.get_by_text("The booking is cancelled").wait_for()
    record.refresh_from_db()
    assert record.status == RecordStatus.CANCELLED and BookingLink.objects.count() == 1


def test_two_clients_race_for_one_time_one_wins_the_other_sees_alternatives(new_page, branch):
    company, haircut, anna, day = branch
    url = f"/book/{company.pk}/?s={haircut.pk}&m=any&d={day.isoformat()}&t=11:00&lang=en"
    first, second = new_page(locale="en"), new_page(locale="en")
    for page, name, phone in ((first, "Вера", "+79120000001"), (second, "Ольга", "+79120000002")):
        page.goto(url)
        page.fill("input[name=name]", name)
        page.fill("input[name=phone]", phone)
        page.check("input[name=consent]")
    first.locator("form.bk-form button.bk-btn").click()
    second.locator("form.bk-form button.bk-btn").click()
    # Whichever request the server finished first wins; the other is offered other times.
    for page in (first, second):
        page.get_by_text("You are booked!").or_(page.locator("#booking-error")).first.wait_for()
    winners = [page for page in (first, second) if page.get_by_text("You are booked!").count()]
    losers = [page for page in (first, second) if page.locator("#booking-error").count()]
    assert len(winners) == 1 and len(losers) == 1
    loser = losers[0]
    # On SQLite the loser waits for the lock and finds the winner's visit; PostgreSQL may refuse
    # it mid-flight. Either way the message says the time is taken.
    expect(loser.locator("#booking-error")).to_contain_text(re.compile("already taken|just taken"))
    # The nearest times come after the error in the page: wait for them too.
    expect(loser.locator("[data-alternative]")).not_to_have_count(0)
    assert Record.objects.count() == 1
    loser.locator("[data-alternative]").first.click()
    loser.get_by_text("You are booked!").wait_for()
    assert Record.objects.count() == 2
