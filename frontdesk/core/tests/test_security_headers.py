"""Production-safe headers on every kind of page (issue 22, B5): a strict Content-Security-Policy
(scripts from this site only, no inline script), no framing by other sites except the booking
pages the widget opens — and those only by the salon's own website when it is set — and HTTPS
enforced (redirect and HSTS) when the deployment says it is served over HTTPS."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from frontdesk.booking.services import book_online
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.testing.fixtures import client_for

ROOT = Path(settings.BASE_DIR)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response):
    csp = policy(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other site
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    for name, values in csp.items():
        assert not [v for v in values if v.startswith(("http:", "https:", "*"))], (name, values)
    return csp


def assert_not_frameable(response):
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.fixture
def salon(tenant_a):
    import datetime

    from django.utils import timezone

    company = tenant_a.company
    day = timezone.localdate() + datetime.timedelta(days=3)
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60, price=1500)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, day, "10:00", "13:00")
        start = datetime.datetime.combine(day, datetime.time(10), tzinfo=company.tz)
        _, link = book_online(company=company, segments=[Segment(haircut.pk, anna.pk)], start=start, name="Вера", phone="+79123456789")  # fmt: skip
    return company, link


def test_back_office_pages_are_strict_and_never_framed(alice, tenant_a):
    browser = client_for(alice)
    for url in (reverse("tenancy:home"), reverse("clients:list", kwargs={"company_id": tenant_a.company.pk})):
        response = browser.get(url, follow=True)
        assert response.status_code == 200
        assert_strict(response)
        assert_not_frameable(response)
    login = Client().get(reverse("accounts:login"))
    assert_strict(login)
    assert_not_frameable(login)


def test_the_booking_page_may_be_framed_by_any_site_while_the_branch_has_no_website(salon):
    company, _ = salon
    response = Client().get(reverse("booking:branch", kwargs={"branch_id": company.pk}))
    assert response.status_code == 200
    csp = assert_strict(response)
    assert "frame-ancestors" not in csp
    assert "X-Frame-Options" not in response


def test_the_booking_pages_may_be_framed_only_by_the_salons_own_website(salon, tenant_a):
    company, _ = salon
    with scope(company.chain):
        company.site = "https://lavanda-salon.ru/contacts"
        company.save()
        other = tenant_a.companies[1]
        other.site = "http://sokol.lavanda.ru"
        other.save()
    branch = Client().get(reverse("booking:branch", kwargs={"branch_id": company.pk}))
    assert policy(branch)["frame-ancestors"] == ["'self'", "https://lavanda-salon.ru", "https://www.lavanda-salon.ru"]
    assert "X-Frame-Options" not in branch
    mine = Client().get(reverse("booking:my_records", kwargs={"branch_id": company.pk}))
    assert policy(mine)["frame-ancestors"] == policy(branch)["frame-ancestors"]
    network = Client().get(reverse("booking:network", kwargs={"chain_id": company.chain_id}))
    assert set(policy(network)["frame-ancestors"]) == {
        "'self'", "https://lavanda-salon.ru", "https://www.lavanda-salon.ru",
        "http://sokol.lavanda.ru", "http://www.sokol.lavanda.ru", "https://sokol.lavanda.ru", "https://www.sokol.lavanda.ru",
    }  # fmt: skip


def test_the_clients_own_booking_page_is_never_framed(salon):
    _, link = salon
    for name in ("booking:my", "booking:my_move"):
        response = Client().get(reverse(name, kwargs={"token": link.token}))
        assert response.status_code == 200
        assert_strict(response)
        assert_not_frameable(response)


def test_the_booking_page_needs_no_inline_style_block(salon):
    # htmx moves between the steps without reloading: a <style> of the next step would carry a
    # nonce the first step's policy does not know. The branch's colour is an attribute instead.
    company, _ = salon
    response = Client().get(reverse("booking:branch", kwargs={"branch_id": company.pk}))
    assert "<style" not in response.text and 'style="--accent:#' in response.text


def test_a_style_block_carries_the_nonce_of_the_header(alice, tenant_a):
    response = client_for(alice).get(reverse("booking:preview", kwargs={"company_id": tenant_a.company.pk}))
    nonce = re.search(r'<style nonce="([^"]+)">', response.text).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]
    again = client_for(alice).get(reverse("booking:preview", kwargs={"company_id": tenant_a.company.pk}))
    assert f"'nonce-{nonce}'" not in again["Content-Security-Policy"]  # a new one on every response


def test_the_widget_preview_is_framed_by_the_settings_page_only(alice, tenant_a):
    response = client_for(alice).get(reverse("booking:preview", kwargs={"company_id": tenant_a.company.pk}))
    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    nonce = re.search(r'<script nonce="([^"]+)" src=', response.text).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]  # the widget's styles get in by it


def test_the_api_answers_with_the_strict_policy(db):
    response = Client().get("/api/v1/companies")
    assert response["Content-Type"].startswith("application/json")
    assert_strict(response)
    assert_not_frameable(response)


# ------------------------------------------------------------------------------- HTTPS
def test_https_only_redirects_plain_http_and_sends_hsts(db):
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000):
        plain = Client().get(reverse("accounts:login"))
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        secure = Client().get(reverse("accounts:login"), secure=True)
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("flag, redirect, hsts", [("1", True, 31536000), ("0", False, 0)])
def test_secure_cookies_switches_https_on(flag, redirect, hsts):
    # The real settings module in a fresh interpreter, as gunicorn would load it.
    code = "import config.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    env = {**os.environ, "SECURE_COOKIES": flag, "DEBUG": "0"}
    env.pop("HSTS_SECONDS", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == [str(redirect), str(hsts), str(redirect)]


# ----------------------------------------------------- what the policy forbids, the templates lack
TEMPLATES = sorted(ROOT.glob("frontdesk/*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
STYLE_WITHOUT_NONCE = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I)
OTHER_ORIGIN = re.compile(r"""\b(?:src|href|action)=["'](?:https?:)?//""", re.I)


@pytest.mark.parametrize(
    "pattern, what",
    [
        (INLINE_SCRIPT, "an inline <script> (put it in a static file)"),
        (HANDLER, "an inline event handler (use a data- attribute and a static script)"),
        (re.compile(r"javascript:", re.I), "a javascript: URL"),
        (STYLE_WITHOUT_NONCE, 'a <style> without nonce="{{ request.csp_nonce }}"'),
        (OTHER_ORIGIN, "a resource from another site"),
    ],
)
def test_no_template_needs_what_the_policy_forbids(pattern, what):
    found = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in TEMPLATES
        for text in [path.read_text(encoding="utf-8")]
        for m in pattern.finditer(text)
    ]
    assert not found, f"{what}: {found}"


def test_the_widget_code_says_which_site_it_opens_on(alice, tenant_a):
    company = tenant_a.company
    url = reverse("booking:settings", kwargs={"company_id": company.pk})
    assert "opens on any site until the branch" in client_for(alice).get(url).text
    with scope(company.chain):
        company.site = "https://lavanda-salon.ru"
        company.save()
    assert "only on the pages of your website https://lavanda-salon.ru" in client_for(alice).get(url).text


def test_a_website_becomes_origins_a_browser_understands():
    from frontdesk.core.security import site_origins

    assert site_origins(["https://салон.рф/запись"]) == [
        "https://xn--80awgdm.xn--p1ai",
        "https://www.xn--80awgdm.xn--p1ai",
    ]
    assert site_origins(["https://www.salon.ru:8443/"]) == ["https://salon.ru:8443", "https://www.salon.ru:8443"]
    assert site_origins(["", "ftp://salon.ru", "javascript:alert(1)", "https://a b.ru", "not a url"]) == []
