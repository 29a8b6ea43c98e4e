"""Every page of a branch shows the branch's own wall clock, whatever the server's TIME_ZONE
(Moscow here): the tenant middleware makes the branch's zone the request's, and puts the
thread's zone back afterwards, so the next request starts from the server's zone again.

The branch is moved far from Moscow — Los Angeles (UTC−8/−7) and Kiritimati (UTC+14, where
11:35 is the evening before in Moscow) — and each page must show 11:35, never Moscow's time.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from frontdesk.core.models import Event
from frontdesk.testing.fixtures import client_for

FAR_ZONES = ["America/Los_Angeles", "Pacific/Kiritimati"]


@pytest.fixture(params=FAR_ZONES)
def far(request, tenant_a):
    """Branch A1 moved to a far zone, with a client's visit there at 11:35 local, three days on."""
    from frontdesk.scheduling.availability import Segment
    from frontdesk.scheduling.services import book_visit
    from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
    from frontdesk.testing.isolation import _client_of

    company = tenant_a.company
    company.timezone = request.param
    company.save()
    tz = company.tz
    day = timezone.now().astimezone(tz).date() + datetime.timedelta(days=3)
    service = make_service(company, "Стрижка", duration=60)
    specialist = make_specialist(company, "Анна", [service])
    add_shift(specialist, company, day, "09:00", "20:00")
    start = datetime.datetime.combine(day, datetime.time(11, 35), tzinfo=tz)
    record = book_visit(
        company=company, segments=[Segment(service.pk, specialist.pk)], start=start, client=_client_of(tenant_a)
    )[0]
    return company, record, start


def _moscow(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, datetime.timezone(datetime.timedelta(hours=3))).strftime("%H:%M")


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_record_dialog_shows_the_visit_at_the_branch_time(alice, far):
    company, record, start = far
    page = _text(client_for(alice).get(reverse("journal:record", args=[company.pk, record.pk])))
    assert "11:35–12:35" in page
    assert _moscow(start) not in page


def test_the_client_card_history_shows_the_visit_at_the_branch_time(alice, far):
    company, record, start = far
    page = _text(client_for(alice).get(reverse("clients:card", args=[company.pk, record.client_id])))
    timeline = page[page.index('id="timeline"') :]
    assert start.strftime("%d.%m.%Y 11:35") in timeline
    assert _moscow(start) not in timeline


def test_a_paid_sale_shows_its_checkout_at_the_branch_time(alice, tenant_a, far):
    from frontdesk.finance.checkout import checkout_visit
    from frontdesk.finance.models import Sale
    from frontdesk.finance.services import Payment
    from frontdesk.testing.isolation import _finance_desk

    company, record, start = far
    sale = checkout_visit(record.visit, payments=[Payment(_finance_desk(tenant_a), "cash", "1500")]).sale
    Sale.objects.filter(pk=sale.pk).update(created_at=start)
    page = _text(client_for(alice).get(reverse("finance:sale", args=[company.pk, sale.pk])))
    checked_out = re.search(r"Checked out ([^<]*?) by", page).group(1)
    assert checked_out.endswith(" 11:35")
    assert str(start.day) in checked_out


def test_the_message_log_shows_messages_at_the_branch_time(alice, far):
    from frontdesk.notifications.models import ChannelKind, Message, MessageEvent, MessageStatus

    company, record, start = far
    Message.objects.create(
        chain=company.chain,
        company=company,
        client=record.client,
        event=MessageEvent.MAILING,
        channel=ChannelKind.SMS,
        recipient=record.client.phone,
        body="Скидка 20%",
        status=MessageStatus.SENT,
        due_at=start,
    )
    Message.objects.filter(company=company).update(created_at=start)
    page = _text(client_for(alice).get(reverse("notifications:log", args=[company.pk])))
    assert start.strftime("%d.%m.%Y 11:35") in page
    assert _moscow(start) not in page


def test_the_event_log_and_recent_changes_show_the_branch_time(alice, far):
    company, record, start = far
    assert Event.objects.filter(company=company).exists()  # booking the visit was logged
    Event.objects.filter(company=company).update(created_at=start)
    recent = _text(client_for(alice).get(reverse("tenancy:dashboard", args=[company.pk])))
    log = _text(client_for(alice).get(reverse("tenancy:events", args=[company.pk])))
    assert start.strftime("%d.%m.%Y 11:35") in recent
    assert start.strftime("%d.%m.%Y 11:35:00") in log
    assert _moscow(start) not in recent + log


def test_the_overview_says_when_it_was_updated_in_the_branch_time(alice, far):
    company, _record, _start = far
    before = timezone.now().astimezone(company.tz).strftime("%H:%M")
    page = _text(client_for(alice).get(reverse("analytics:overview_today", args=[company.pk])))
    after = timezone.now().astimezone(company.tz).strftime("%H:%M")
    updated = re.search(r"updated at (\d\d:\d\d)", page).group(1)
    assert updated in {before, after}


def test_the_clients_booking_link_shows_the_visit_at_the_branch_time(far):
    from django.test import Client

    from frontdesk.booking.services import link_for

    company, record, start = far
    link = link_for(record.visit)
    page = _text(Client().get(reverse("booking:my", args=[link.token])))
    when = re.search(r"<strong data-when>([^<]*)</strong>", page).group(1)
    assert when.endswith(", 11:35")
    assert _moscow(start) not in when


def test_the_zone_does_not_outlive_the_request(alice, tenant_a, far):
    """The thread serving a far branch's page is back in the server's zone afterwards — also when
    the view failed — and the next request, for a Moscow branch, shows Moscow's wall clock."""
    from frontdesk.scheduling.availability import Segment
    from frontdesk.scheduling.services import book_visit
    from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist

    company, record, _start = far
    browser = client_for(alice)
    _text(browser.get(reverse("journal:record", args=[company.pk, record.pk])))
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE
    missing = browser.get(reverse("journal:record", args=[company.pk, record.pk + 1000]))
    assert missing.status_code == 404
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE

    moscow = tenant_a.companies[1]
    day = timezone.now().astimezone(moscow.tz).date() + datetime.timedelta(days=3)
    service = make_service(moscow, "Маникюр", duration=60)
    specialist = make_specialist(moscow, "Ольга", [service])
    add_shift(specialist, moscow, day, "09:00", "20:00")
    start = datetime.datetime.combine(day, datetime.time(14, 20), tzinfo=moscow.tz)
    there = book_visit(company=moscow, segments=[Segment(service.pk, specialist.pk)], start=start)[0]
    page = _text(browser.get(reverse("journal:record", args=[moscow.pk, there.pk])))
    assert "14:20–15:20" in page
