"""The back office in a real browser: sign-up and onboarding, refused sections, a 360-px phone."""

import os
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from frontdesk.accounts.models import Membership, User
from frontdesk.tenancy.models import Company, OpeningHours
from frontdesk.testing.browser import has_no_horizontal_scroll, log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _shot(page, directory, name, full_page=True):
    page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=full_page)


def test_a_new_salon_signs_up_sets_up_its_branch_and_lands_in_the_back_office(new_page, screenshot_dir):
    page = new_page(locale="en")
    page.goto("/accounts/signup/")
    _shot(page, screenshot_dir, "signup-desktop")
    page.fill("input[name=company_name]", "Студия Ноготки")
    page.fill("input[name=name]", "Вера Павлова")
    page.fill("input[name=phone]", "+7 912 345-67-89")
    page.fill("input[name=email]", "vera@example.com")
    page.fill("input[name=password]", "nail-polish-2026")
    page.get_by_role("button", name="Create an account").click()

    expect(page).to_have_url(re.compile(r"/c/\d+/onboarding/$"))
    expect(page.get_by_role("heading", name="Tell us about your business")).to_be_visible()
    page.get_by_text("Nail studio", exact=True).click()
    page.fill("input[name=country]", "Россия")
    page.fill("input[name=city]", "Казань")
    page.fill("input[name=address]", "ул. Баумана, 12")
    # Saturday shorter, Sunday closed.
    page.fill("input[name=h-opens_5]", "11:00")
    page.fill("input[name=h-closes_5]", "18:00")
    page.uncheck("input[name=h-open_6]")
    page.get_by_role("button", name="Finish and open Frontdesk").click()

    company = Company.objects.get()
    expect(page).to_have_url(re.compile(rf"/c/{company.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("Your branch is ready")
    expect(page.get_by_role("heading", name=company.name)).to_be_visible()
    expect(page.locator(".fd-page-head")).to_contain_text("Nail studio · Казань")
    expect(page.get_by_test_id("confirm-email-reminder")).to_be_visible()
    expect(page.locator(".fd-sidebar [data-nav=settings]")).to_be_visible()

    company.refresh_from_db()
    assert company.onboarded and company.business_type == "nails" and company.city == "Казань"
    hours = {
        row.weekday: (row.opens.strftime("%H:%M"), row.closes.strftime("%H:%M")) for row in OpeningHours.unscoped.all()
    }
    assert hours[5] == ("11:00", "18:00") and 6 not in hours and len(hours) == 6
    assert Membership.unscoped.get().user == User.objects.get(email="vera@example.com")
    # The confirmation mail is sent after the sign-up commits, from the live server's thread.
    assert [m.to for m in mail.outbox] == [["vera@example.com"]]


def test_the_owner_logs_in_with_email_or_phone_and_logs_out(alice, new_page):
    page = new_page(locale="en")
    log_in(page, "alice@example.com", "wrong-password")
    expect(page.locator(".alert-danger")).to_contain_text("do not match")
    log_in(page, "alice@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/c/\d+/$"))
    expect(page.locator("#fd-user-button")).to_contain_text("Alice")

    page.locator("#fd-user-button").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(".alert")).to_contain_text("You have logged out")
    page.goto(f"/c/{alice.memberships.get().chain.companies.first().pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))

    log_in(page, "+7 900 000-00-01", PASSWORD)
    expect(page).to_have_url(re.compile(r"/c/\d+/$"))


def test_a_specialist_sees_no_settings_and_gets_a_translated_403(sam, tenant_a, new_page):
    page = new_page(locale="en")
    log_in(page, "sam@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.company.pk}/$"))
    expect(page.locator(".fd-sidebar [data-nav=overview]")).to_be_visible()
    expect(page.locator(".fd-sidebar [data-nav=settings]")).to_have_count(0)

    response = page.goto(f"/c/{tenant_a.company.pk}/settings/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You have no access to this section")).to_be_visible()

    page.locator(".fd-lang button[data-lang=ru]").first.click()
    expect(page.get_by_role("heading", name="У вас нет доступа к этому разделу", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "ru"


def test_on_a_360px_phone_the_menu_opens_as_offcanvas_and_nothing_scrolls_sideways(
    alice, tenant_a, new_page, screenshot_dir
):
    page = new_page(locale="en", viewport=PHONE)
    log_in(page, "alice@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/c/\d+/$"))
    assert has_no_horizontal_scroll(page, 360)
    _shot(page, screenshot_dir, "dashboard-360")

    sidebar = page.locator("#fd-sidebar")
    expect(sidebar.locator("[data-nav=settings]")).not_to_be_visible()
    page.get_by_role("button", name="Menu").click()
    expect(sidebar).to_have_class(re.compile(r"\bshow\b"))
    expect(sidebar.locator("[data-nav=settings]")).to_be_visible()
    _shot(page, screenshot_dir, "menu-360", full_page=False)
    sidebar.locator("[data-nav=settings]").click()

    expect(page).to_have_url(re.compile(r"/settings/$"))
    assert has_no_horizontal_scroll(page, 360)
    _shot(page, screenshot_dir, "settings-360")

    for path in ("/c/%d/settings/network/", "/c/%d/settings/users/", "/c/%d/events/"):
        page.goto(path % tenant_a.company.pk)
        assert has_no_horizontal_scroll(page, 360), path

    page.locator("#fd-user-button").click()
    page.get_by_test_id("logout").click()
    # Logged out for real before the sign-up page (a goto at once would cancel the logout's post).
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/accounts/signup/")
    assert has_no_horizontal_scroll(page, 360)
    _shot(page, screenshot_dir, "signup-360")


def test_the_desktop_pages_render_for_screenshots(alice, tenant_a, new_page, screenshot_dir):
    page = new_page(locale="en")
    log_in(page, "alice@example.com", PASSWORD)
    expect(page.locator(".fd-sidebar [data-nav=settings]")).to_be_visible()
    _shot(page, screenshot_dir, "dashboard-desktop")
    page.goto(f"/c/{tenant_a.company.pk}/settings/")
    expect(page.locator(".fd-page-head h1")).to_be_visible()
    _shot(page, screenshot_dir, "settings-desktop")
