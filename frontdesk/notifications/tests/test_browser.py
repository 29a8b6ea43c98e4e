"""In a real browser: edit a template, preview it, send a test message (to a real SMTP server on
loopback) and find it in the message log."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

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
    expect(preview).to_contain_text("Booked for 15:30")
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
    expect(log_row).to_have_attribute("data-status", MessageStatus.SENT)
    log_row.get_by_text("details").click()
    expect(log_row.get_by_test_id("message-body")).to_contain_text("Dear Maria")
    assert Message.objects.get().idempotency_key in letter["Message-ID"]


def test_a_mailing_to_a_segment_previews_count_and_cost_then_a_real_worker_sends_it(page, salon, alice, live_server):
    """Compose a mailing to a saved segment, see the recipients and the SMS cost, send it, watch
    the progress reach the end while `manage.py send_due_messages --loop` (a real process) sends,
    and find the messages in the log."""
    import subprocess
    import sys
    from decimal import Decimal

    from frontdesk.clients.models import Client, Segment
    from frontdesk.notifications.models import ChannelSettings, Mailing
    from frontdesk.notifications.tests.test_worker_crash import ROOT, worker_env

    ChannelSettings.objects.create(
        chain=salon.chain,
        company=None,
        language="en",
        sms_price=Decimal("3.00"),
        mailing_rate=600,
        quiet_from=None,
        quiet_to=None,
    )
    for n, consent in enumerate([True, True, True, False]):
        Client.objects.create(chain=salon.chain, name=f"Client {n}", phone=f"+7912000000{n}", sms_consent=consent)
    segment = Segment.objects.create(chain=salon.chain, name="Regulars", params={"sort": "name"})
    company = salon.company
    _log_in(page, alice, live_server)
    page.goto(f"/c/{company.pk}/messages/")
    page.get_by_test_id("mailings-tab").click()
    page.get_by_test_id("mailing-new").click()
    page.locator("#id_name").fill("Live stream")
    page.locator("#id_channel").select_option("sms")
    page.locator("#id_body").fill("{{ client_name }}, the live stream starts at 19:00!")
    page.locator("#id_audience").select_option("segment")
    page.locator("#id_segment").select_option(str(segment.pk))
    page.get_by_test_id("mailing-save").click()

    preview = page.get_by_test_id("mailing-preview")
    expect(preview.get_by_test_id("preview-recipients")).to_have_text("3")
    expect(preview.get_by_test_id("preview-excluded")).to_contain_text("1 without consent")
    # Latin text plus the opt-out line: one SMS part each, 3 × 3.00.
    expect(preview.get_by_test_id("preview-cost")).to_contain_text("1 SMS part(s) per message × 3.00 ₽ = about 9.00 ₽")
    page.get_by_test_id("mailing-send-now").click()
    page.get_by_text("The mailing is queued: 3 messages.").wait_for()

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "send_due_messages", "--loop", "--interval", "0.2"],
        cwd=ROOT,
        env=worker_env(""),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        page.locator("[data-testid=mailing-progress][data-done='1']").wait_for(timeout=30_000)
    finally:
        worker.terminate()
        worker.wait(20)
    expect(page.get_by_test_id("progress-sent")).to_have_text("3")
    expect(page.get_by_test_id("progress-pending")).to_have_text("0")
    assert Mailing.objects.get().status == "done"
    page.get_by_test_id("mailing-log-link").click()
    # The log is the next page: count() does not wait for it.
    rows = page.get_by_test_id("message-row")
    expect(rows).to_have_count(3)
    assert {rows.nth(i).get_attribute("data-status") for i in range(3)} == {MessageStatus.SENT}
    assert "Mass mailing" in rows.first.inner_text()
