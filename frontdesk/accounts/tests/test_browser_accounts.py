"""Logins in a real browser: password reset by email and the language switch."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from frontdesk.accounts.models import User
from frontdesk.testing.browser import log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_forgotten_password_is_reset_through_the_emailed_link(alice, new_page):
    page = new_page(locale="en")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.fill("input[name=email]", "ALICE@example.com")
    page.locator("form:has(input[name=email]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password-reset/sent/$"))

    # The live server runs in this process and the locmem backend shares django.core.mail.outbox.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.com"]
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/", mail.outbox[0].body).group(0)
    page.goto(urlsplit(link).path)
    page.fill("input[name=new_password1]", "lavender-fields-2026")
    page.fill("input[name=new_password2]", "lavender-fields-2026")
    page.locator("form:has(input[name=new_password1]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password-reset/done/$"))

    log_in(page, "alice@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    log_in(page, "alice@example.com", "lavender-fields-2026")
    expect(page).to_have_url(re.compile(r"/c/\d+/$"))

    # The link works once.
    page.context.clear_cookies()
    page.goto(urlsplit(link).path)
    expect(page.locator("input[name=new_password1]")).to_have_count(0)


def test_the_language_switch_changes_the_texts_and_the_choice_stays(alice, tenant_a, new_page):
    page = new_page(locale="en")
    log_in(page, "alice@example.com", PASSWORD)
    settings_link = page.locator(".fd-sidebar [data-nav=settings]")
    expect(settings_link).to_have_text("Settings")
    expect(page.locator(".fd-sidebar [data-nav=overview]")).to_have_text("Overview")

    page.locator(".fd-topbar .fd-lang button[data-lang=ru] >> visible=true").click()
    expect(settings_link).to_have_text("Настройки")
    expect(page.locator(".fd-sidebar [data-nav=overview]")).to_have_text("Обзор")
    assert page.evaluate("document.documentElement.lang") == "ru"
    assert User.objects.get(pk=alice.pk).language == "ru"

    settings_link.click()
    expect(page.locator(".fd-page-head h1")).to_have_text("Настройки")
    page.goto(f"/c/{tenant_a.company.pk}/events/")
    expect(page.locator(".fd-sidebar [data-nav=settings]")).to_have_text("Настройки")

    page.locator(".fd-topbar .fd-lang button[data-lang=en] >> visible=true").click()
    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.company.pk}/events/$"))
    expect(page.locator(".fd-sidebar [data-nav=settings]")).to_have_text("Settings")
    page.goto(f"/c/{tenant_a.company.pk}/")
    expect(page.locator(".fd-sidebar [data-nav=overview]")).to_have_text("Overview")


def test_the_sign_in_pages_switch_language_before_logging_in(db, new_page):
    page = new_page(locale="en")
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.locator(".fd-lang button[data-lang=ru]").click()
    expect(page.get_by_role("heading", name="Войти")).to_be_visible()
    page.get_by_role("link", name="Зарегистрироваться").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    # The URL changes when the page starts to arrive, before its <html> is necessarily read.
    expect(page.locator("html")).to_have_attribute("lang", "ru")
