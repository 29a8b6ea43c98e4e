"""The strict Content-Security-Policy breaks nothing (issue 22, B5): in Chromium the journal and
the online-booking settings work, the widget preview opens the booking page in its frame and a
client books through it — and the browser reports no violation of the policy on the way."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from frontdesk.core.scopes import scope
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.testing.fixtures import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_back_office_and_booking_pages_work_with_no_policy_violation(new_page, live_server, tenant_a, alice):
    company = tenant_a.company
    day = timezone.localdate() + datetime.timedelta(days=2)
    with scope(tenant_a.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, day, "10:00", "13:00")

    page = new_page(locale="en", enforce_csp=True)
    violations = []
    # Every frame reports what the policy blocked (Chromium also logs it to the console).
    page.context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation:', e.effectiveDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.documentURI))"
    )
    page.on("console", lambda m: violations.append(m.text) if "CSP violation" in m.text or "Content Security Policy" in m.text else None)  # fmt: skip
    page.on("pageerror", lambda error: violations.append(str(error)))
    session = client_for(alice).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    # The journal: the calendar and its columns render from static scripts.
    page.goto(f"/c/{company.pk}/journal/")
    page.locator(".ec-header", has_text="Анна").first.wait_for()

    # Settings → Online booking: "Copy" works without inline script.
    page.goto(f"/c/{company.pk}/settings/online-booking/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.locator("button[data-copy]").first
    copy.click()
    assert copy.inner_text() == "Copied"

    # The preview frames a sample site; the widget there gets its styles in through the nonce
    # and opens the booking page in a frame of its own; the client books.
    preview = page.frame_locator("iframe[title='Widget preview']")
    assert preview.locator(".fdw-btn").evaluate("b => getComputedStyle(b).position") == "fixed"
    preview.locator(".book-online").click()
    booking = preview.frame_locator(".fdw-frame")
    booking.get_by_text("Стрижка").click()
    booking.get_by_role("button", name="Continue").click()
    booking.locator(f"[data-specialist='{anna.pk}']").click()
    booking.locator(f"[data-day='{day.isoformat()}']").click()
    booking.locator("[data-time='11:00']").click()
    booking.locator("input[name=name]").fill("Вера")
    booking.locator("input[name=phone]").fill("+79123456789")
    booking.locator("input[name=consent]").check()
    booking.locator("form.bk-form button.bk-btn").click()
    # The client's own page may not be framed; inside the widget htmx fetches it instead.
    booking.get_by_text("You are booked!").wait_for()

    assert violations == []
