"""Every link Frontdesk gives out is built in one place (core/siteurl.py): on the request's own
trusted address, on the address of the request that wrote a message, or on SITE_URL, which a
production must set."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory

from frontdesk.accounts.models import User
from frontdesk.core.siteurl import absolute_url, check_site_url, serving
from frontdesk.core.tests.test_layers import ROOT, product_modules
from frontdesk.tenancy.tests.test_onboarding import SIGNUP


def test_the_email_confirmation_link_works_on_the_address_the_owner_signed_up_on(db, client, settings, sent_on_commit):
    settings.ALLOWED_HOSTS = ["testserver", "192.168.1.20"]
    with sent_on_commit():
        client.post("/accounts/signup/", SIGNUP, HTTP_HOST="192.168.1.20:8080", REMOTE_ADDR="10.22.1.2")
    link = re.search(r"(\S+)(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    assert link.group(1) == "http://192.168.1.20:8080"
    client.get(link.group(2), HTTP_HOST="192.168.1.20:8080")
    assert User.objects.get().email_confirmed


def test_the_request_address_wins_then_the_served_one_then_site_url(settings):
    settings.ALLOWED_HOSTS = ["crm.example", ".salon.example"]
    settings.SITE_URL = "https://crm.example"
    request = RequestFactory().get("/", HTTP_HOST="book.salon.example:8443")
    assert absolute_url("/book/1/", request) == "http://book.salon.example:8443/book/1/"
    assert absolute_url("/book/1/") == "https://crm.example/book/1/"
    with serving("http://10.0.0.5:8000"):
        assert absolute_url("/book/1/") == "http://10.0.0.5:8000/book/1/"
        # A request given explicitly but not trusted falls back to what is being served.
        settings.ALLOWED_HOSTS = ["*"]
        assert absolute_url("/book/1/", request) == "http://10.0.0.5:8000/book/1/"


def test_no_product_module_builds_an_absolute_address_itself():
    allowed = {ROOT / "core" / "siteurl.py"}
    found = []
    for _app, path, _module in product_modules():
        if path in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bSITE_URL\b|build_absolute_uri\(", line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if "request.get_host" in text or "request.scheme" in text:
            found.append(str(path.relative_to(ROOT)))
    assert not found, "absolute addresses built outside core.siteurl.absolute_url: " + ", ".join(found)


def test_production_without_site_url_is_named_by_the_deploy_check(settings):
    settings.DEBUG, settings.SITE_URL = False, ""
    assert [error.id for error in check_site_url()] == ["siteurl.E001"]
    settings.SITE_URL = "https://crm.example"
    assert check_site_url() == []
    settings.DEBUG, settings.SITE_URL = True, ""
    assert check_site_url() == []


def _fresh(code: str, **env):
    # The real settings in a fresh interpreter, as gunicorn would load them; SITE_URL given
    # explicitly so that a developer's .env does not decide.
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


@pytest.mark.parametrize("debug", ["0"])
def test_the_web_server_refuses_to_start_in_production_without_site_url(debug):
    result = _fresh("import config.wsgi", DEBUG=debug, SITE_URL="")
    assert result.returncode != 0 and "SITE_URL is not set" in result.stderr


def test_the_site_url_host_is_served_and_the_web_server_starts():
    result = _fresh(
        "import config.wsgi; from django.conf import settings; print(settings.ALLOWED_HOSTS)",
        DEBUG="0",
        SITE_URL="http://192.168.1.20:8080/",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    assert result.returncode == 0, result.stderr
    assert "'192.168.1.20'" in result.stdout
