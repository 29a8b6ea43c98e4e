"""Scheduled reports: a saved report or the overview is emailed once a week or month — a short
summary in the text, the xlsx attached — through the outbox and a real SMTP server; a period is
sent once however many jobs run, one after the other or at the same time."""

import datetime
import io
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from frontdesk.analytics.builder import schedule
from frontdesk.analytics.builder.models import ReportSubscription, SavedReport, last_complete_period
from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.notifications.events import tell_staff_of_online_booking
from frontdesk.notifications.models import ChannelSettings, Message, MessageEvent, MessageStatus
from frontdesk.notifications.tests.conftest import smtp_server  # noqa: F401 - the real SMTP server
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.models import Record, RecordSource, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.testing.fixtures import add_member, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def letters_in_english(tenant_a):
    # The network sends email: a report follows the branch's «send email» switch.
    ChannelSettings.objects.create(chain=tenant_a.chain, language="en", email_enabled=True)


@pytest.fixture
def weekly(tenant_a, alice):
    company = tenant_a.company
    report = SavedReport.objects.create(
        chain=tenant_a.chain,
        company=company,
        author=alice,
        name="Выручка по мастерам",
        dataset="sale_lines",
        measures=["amount"],
        dimensions=["specialist"],
        chart="bar",
    )
    subscription = ReportSubscription.objects.create(
        chain=tenant_a.chain, company=company, author=alice, report=report, emails="accountant@example.com"
    )
    subscription.members.set([alice.memberships.get()])
    return subscription


def _next_monday(company):
    today = timezone.now().astimezone(company.tz).date()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    return datetime.datetime.combine(monday, datetime.time(6), tzinfo=company.tz)


def test_the_weekly_report_is_emailed_once_with_the_workbook(tenant_a, weekly, smtp_server):  # noqa: F811
    company = tenant_a.company
    _paid_visit_today(company, 2750)
    monday = _next_monday(company)

    written = schedule.send_due_reports(monday)
    again = schedule.send_due_reports(monday + datetime.timedelta(hours=1))
    deliver_due(pause_ms=0)

    assert (written, again) == (2, 0)
    assert Message.objects.filter(event=MessageEvent.REPORT, status=MessageStatus.SENT).count() == 2
    letters = {letter["To"]: letter for letter in smtp_server.letters}
    assert set(letters) == {"alice@example.com", "accountant@example.com"}
    letter = letters["accountant@example.com"]
    assert str(letter["Subject"]).strip().startswith("Выручка по мастерам: ")
    text = letter.get_body(("plain",)).get_content()
    assert "Sold for: 2" in text and "Мастер" in text
    (attachment,) = list(letter.iter_attachments())
    assert attachment.get_filename().endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(attachment.get_content())).active.iter_rows(values_only=True))
    assert rows[1] == ("Мастер", 2750)


def test_a_period_is_sent_once_when_two_jobs_run_at_the_same_time(tenant_a, weekly, transactional_db):
    monday = _next_monday(tenant_a.company)
    results, barrier = [], threading.Barrier(2)

    def job():
        barrier.wait()
        try:
            results.append(schedule.send_due_reports(monday))
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 2]
    assert Message.objects.filter(event=MessageEvent.REPORT).count() == 2


def test_nothing_is_sent_before_the_week_is_over(tenant_a, alice):
    client_for(alice).post(
        reverse("analytics:subscriptions", args=[tenant_a.company.pk]),
        {"report": "", "frequency": "monthly", "emails": "owner@example.com"},
    )

    assert schedule.send_due_reports() == 0
    assert ReportSubscription.objects.get().report is None


def test_the_overview_letter_tells_the_key_figures(tenant_a, alice, smtp_server):  # noqa: F811
    company = tenant_a.company
    _paid_visit_today(company, 1500)
    ReportSubscription.objects.create(
        chain=tenant_a.chain, company=company, author=alice, frequency="weekly", emails="owner@example.com"
    )

    schedule.send_due_reports(_next_monday(company))
    deliver_due(pause_ms=0)

    (letter,) = smtp_server.letters
    text = letter.get_body(("plain",)).get_content()
    assert "Revenue: 1" in text and "Came: 1" in text
    assert len(list(letter.iter_attachments())) == 1


def test_a_bad_address_is_a_message_and_nothing_is_saved(tenant_a, alice):
    page = client_for(alice).post(
        reverse("analytics:subscriptions", args=[tenant_a.company.pk]),
        {"report": "", "frequency": "weekly", "emails": "owner@example.com, not-an-address"},
    )

    assert page.status_code == 200
    assert "“not-an-address” is not an email address." in page.content.decode()
    assert not ReportSubscription.objects.exists()


def test_a_member_who_may_only_view_cannot_subscribe(tenant_a, amy):
    response = client_for(amy).post(
        reverse("analytics:subscriptions", args=[tenant_a.company.pk]),
        {"report": "", "frequency": "weekly", "emails": "amy@example.com"},
    )

    assert response.status_code == 403
    assert not ReportSubscription.objects.exists()


def test_a_member_without_analytics_gets_no_letter(tenant_a, weekly):
    specialist = add_member(tenant_a, "spec@example.com", "specialist")
    weekly.members.add(specialist.memberships.get())

    assert "spec@example.com" not in schedule.recipients(weekly)


def _online_booking(company, specialist_email):
    specialist = make_specialist(company, "Мастер", [make_service(company, "Стрижка")])
    specialist.email = specialist_email
    specialist.save()
    start = timezone.now() + datetime.timedelta(days=1)
    common = {"company": company, "chain": company.chain}
    end = start + datetime.timedelta(minutes=30)
    return Record.objects.create(
        visit=Visit.objects.create(**common), specialist=specialist, start=start, end=end, block_start=start,
        block_end=end, source=RecordSource.ONLINE, **common,
    )  # fmt: skip


def test_a_branch_that_sends_no_email_mails_its_staff_no_report_as_no_booking_notice(
    tenant_a,
    alice,
    weekly,
    smtp_server,  # noqa: F811
):
    # «Send email» off in the notification settings: the specialist's notice of an online booking
    # is not emailed, and the scheduled report to the owner and the accountant is not either.
    company = tenant_a.company
    # No quiet hours: they would hold the booking notice till morning when the suite runs in the
    # evening, and the test is about the email switch, not the hour.
    ChannelSettings.objects.create(
        chain=tenant_a.chain, company=company, language="en", email_enabled=False, quiet_from=None, quiet_to=None
    )
    tell_staff_of_online_booking(_online_booking(company, "master@example.com"))

    written = schedule.send_due_reports(_next_monday(company))
    deliver_due(pause_ms=0)

    assert written == 2
    assert smtp_server.letters == []
    skipped = Message.objects.filter(status=MessageStatus.SKIPPED).values_list("event", "recipient", "error")
    assert sorted(skipped) == [
        (MessageEvent.REPORT, "accountant@example.com", "the channel is switched off"),
        (MessageEvent.REPORT, "alice@example.com", "the channel is switched off"),
        (MessageEvent.STAFF_BOOKED, "master@example.com", "the channel is switched off"),
    ]
    page = client_for(alice).get(reverse("analytics:subscriptions", args=[company.pk])).content.decode()
    assert 'data-testid="subscription-email-off"' in page and "does not send email" in page


def test_the_page_says_nothing_of_email_when_the_branch_sends_it(tenant_a, alice):
    page = client_for(alice).get(reverse("analytics:subscriptions", args=[tenant_a.company.pk])).content.decode()

    assert 'data-testid="subscription-email-off"' not in page


def test_a_network_report_is_mailed_for_the_network_only_when_its_author_sees_every_branch(tenant_a, weekly):
    weekly.report.filters = {"scope": "network"}
    weekly.report.save()
    monday = _next_monday(tenant_a.company)
    period = schedule.Period(*last_complete_period("weekly", monday.date()))

    _subject, _text, workbook = schedule.compose(weekly, period, monday)
    weekly.author = add_member(tenant_a, "manager@example.com", "manager")  # of branch A1 only
    _subject, text, refused = schedule.compose(weekly, period, monday)
    weekly.author = add_member(tenant_a, "everywhere@example.com", "manager", all_companies=True)
    _subject, _text, of_every_branch = schedule.compose(weekly, period, monday)

    assert workbook is not None and of_every_branch is not None
    assert refused is None and "This report covers the whole network; you see only your branches." in text
