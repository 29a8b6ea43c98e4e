"""In a real browser: edit a template, preview it, send a test message (to a real SMTP server on
loopback) and find it in the message log."""

import pytest
from django.conf import settings

from frontdesk.notifications.models import Message, MessageStatus, MessageTemplate
from frontdesk.testing.fixtures import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user, live_server):
    cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_edit_preview_and_test_send_a_template_then_see_it_in_the_log(page, tenant_a, alice, live_server, smtp_server):
    company = tenant_a.company
    _log_in(page, alice, live_server)
    page.goto(f"/c/{company.pk}/messages/")
    page.get_by_test_id("templates-tab").click()
    row = page.locator("[data-testid=template-row][data-event=booked][data-channel=email][data-language=en]")
    row.get_by_role("link", name="Open").click()

    page.locator("#id_subject").fill("Booked for {{ time }}")
    page.locator("#id_body").fill("Dear {{ client_name }}, see you on {{ date }} at {{ time }} with {{ specialist }}.")
    page.get_by_test_id("preview-button").click()
    preview = page.get_by_test_id("template-preview")
    preview.get_by_text("Dear Maria, see you on 24.12.2026 at 15:30 with Anna.").wait_for()
    assert "Booked for 15:30" in preview.inner_text()
    page.get_by_test_id("save-template").click()
    page.get_by_text("The template is saved.").wait_for()
    template = MessageTemplate.objects.get(chain=tenant_a.chain, event="booked", channel="email", language="en")
    assert template.body.startswith("Dear {{ client_name }}")

    page.get_by_test_id("test-recipient").fill("vera@example.com")
    page.get_by_test_id("send-test").click()
    page.get_by_text("The test message is sent to vera@example.com.").wait_for()
    [letter] = smtp_server.letters
    assert letter["To"] == "vera@example.com" and letter["Subject"] == "Booked for 15:30"
    assert "Dear Maria" in letter.get_content()

    page.goto(f"/c/{company.pk}/messages/")
    log_row = page.get_by_test_id("message-row").filter(has_text="vera@example.com")
    assert log_row.get_attribute("data-status") == MessageStatus.SENT
    log_row.get_by_text("details").click()
    assert "Dear Maria" in log_row.get_by_test_id("message-body").inner_text()
    assert Message.objects.get().idempotency_key in letter["Message-ID"]
