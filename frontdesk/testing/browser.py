"""Playwright for Python driving Debian's Chromium (`apt-get install chromium`); Playwright's own
browser download cannot run here, so the executable is always /usr/bin/chromium."""

import os
import re
import shutil
import tempfile

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(locale="ru")` opens a fresh browser context (its own cookies) on the live server.

    The pages' Content-Security-Policy forbids evaluating strings, which Playwright's
    `wait_for_function("…")` does in the page; tests get it lifted unless they ask for it with
    `enforce_csp=True` (core/tests/test_csp_browser.py does)."""
    contexts = []

    def factory(locale: str = "en", viewport=None, enforce_csp: bool = False):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport=viewport or {"width": 1280, "height": 860},
            extra_http_headers={"Accept-Language": locale},
            bypass_csp=not enforce_csp,
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot_dir():
    path = os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="frontdesk-shots-")
    os.makedirs(path, exist_ok=True)
    return path


def log_in(page, login: str, password: str, path: str = "/accounts/login/"):
    """Log in through the real form, as a person would."""
    page.goto(path)
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", password)
    # The form posts and the browser loads the answer (the next page, or the form again with an
    # error): wait for that page, not the login form being left, or a `goto` right after would
    # cancel the post before its session cookie arrives.
    with page.expect_navigation():
        page.locator("form:has(input[name=username]) button[type=submit]").click()


def follow_link(page, link) -> None:
    """Open the page `link` points to, as a page load, once the link is there. For links in
    dialogs the journal re-renders: under load a click there may land on an element being replaced
    (CI once waited on the journal for the checkout page that never came)."""
    page.goto(link.get_attribute("href"))


def exactly(text: str) -> re.Pattern:
    """For `expect(locator).to_have_text(exactly("1,000.00\u00a0₽"), use_inner_text=True)`: waits
    for the text character for character, as `inner_text() == text` read it. A plain string is
    compared with its whitespace normalised (a no-break space would match a space)."""
    return re.compile(f"^{re.escape(text)}$")


def has_no_horizontal_scroll(page, width: int) -> bool:
    # After a click the URL changes before the stylesheets have loaded; measure the styled page.
    # (This only waits for a page already on its way: a caller that clicked a link waits for the
    # new page first, or "load" is that of the page being left.)
    page.wait_for_load_state("load")
    return page.evaluate("document.scrollingElement.scrollWidth") <= width


def book_through_page(page, service: str, specialist_id, day, time: str, name: str, phone: str) -> None:
    """Book on a branch's booking page already open in `page` (its English wording), as a client
    would: service, specialist, day, time, details; returns once the booking is confirmed."""
    page.get_by_text(service).click()
    page.get_by_role("button", name="Continue").click()
    page.locator(f"[data-specialist='{specialist_id}']").click()
    page.locator(f"[data-day='{day.isoformat()}']").click()
    page.locator(f"[data-time='{time}']").click()
    page.fill("input[name=name]", name)
    page.fill("input[name=phone]", phone)
    page.check("input[name=consent]")
    page.locator("form.bk-form button.bk-btn").click()
    page.get_by_text("You are booked!").wait_for()
