import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from frontdesk.clients.models import Client
from frontdesk.core import sms
from frontdesk.core.models import Event
from frontdesk.core.scopes import scope
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import Record, RecordStatus, WaitlistStatus
from frontdesk.scheduling.services import book_visit, cancel_record, move_record
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.scheduling.tests.test_classes import MONDAY, at
from frontdesk.scheduling.waitlist import add_entry, book_offer, cancel_entry


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def full_day(tenant_a):
    """Anna works 10:00–13:00 on Monday and every hour is booked."""
    company = tenant_a.company
    company.phone = "+74951234567"
    company.save()
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, MONDAY, "10:00", "13:00")
        add_shift(anna, company, MONDAY + datetime.timedelta(days=1), "10:00", "13:00")
        records = [
            book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=at(MONDAY, hhmm))[0]
            for hhmm in ("10:00", "11:00", "12:00")
        ]
    vera = Client.objects.create(chain=company.chain, name="Вера", phone="+79001112233")
    return company, haircut, anna, records, vera


def wait(company, client, service, **kw):
    kw.setdefault("date_from", MONDAY)
    kw.setdefault("date_to", MONDAY)
    return add_entry(company=company, client=client, service=service, **kw)


def test_a_cancelled_record_is_offered_to_the_oldest_matching_entry_by_sms(full_day, sent_on_commit):
    company, haircut, anna, records, vera = full_day
    gleb = Client.objects.create(chain=company.chain, name="Глеб", phone="+79004445566")
    with scope(company.chain):
        first = wait(company, vera, haircut, specialist=anna)
        second = wait(company, gleb, haircut)
        with sent_on_commit():
            cancel_record(records[1])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistStatus.OFFERED and first.offered_start == at(MONDAY, "11:00")
    assert second.status == WaitlistStatus.WAITING
    # The offer waits in the notification outbox; the worker sends it.
    assert sms.outbox == []
    deliver_due()
    [message] = sms.outbox
    assert message.phone == "+79001112233"
    # The branch speaks Russian.
    assert "Стрижка" in message.text and "11:00" in message.text and "освободилось" in message.text
    assert Event.objects.filter(code="waitlist.offered", object_id=str(first.pk)).exists()


def test_the_hour_window_and_the_specialist_must_match(full_day, sent_on_commit):
    company, haircut, anna, records, vera = full_day
    boris = make_specialist(company, "Борис", [haircut])
    with scope(company.chain):
        wants_boris = wait(company, vera, haircut, specialist=boris)
        wants_evening = wait(company, vera, haircut, time_from=datetime.time(12))
        wants_morning = wait(company, vera, haircut, time_to=datetime.time(11, 30))
        with sent_on_commit():
            cancel_record(records[1])  # 11:00–12:00
    statuses = {
        entry.pk: entry.status for entry in [wants_boris, wants_evening, wants_morning] if not entry.refresh_from_db()
    }
    assert statuses == {
        wants_boris.pk: WaitlistStatus.WAITING,
        wants_evening.pk: WaitlistStatus.WAITING,
        wants_morning.pk: WaitlistStatus.WAITING,
    }
    deliver_due()
    assert sms.outbox == []


def test_a_record_moved_away_offers_its_old_time(full_day, sent_on_commit):
    company, haircut, anna, records, vera = full_day
    with scope(company.chain):
        entry = wait(company, vera, haircut)
        with sent_on_commit():
            move_record(records[2], start=at(MONDAY + datetime.timedelta(days=1), "12:00"))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED and entry.offered_start == at(MONDAY, "12:00")


def test_booking_an_offer_in_one_click_and_a_taken_offer_goes_back_to_waiting(full_day, sent_on_commit):
    company, haircut, anna, records, vera = full_day
    with scope(company.chain):
        entry = wait(company, vera, haircut)
        with sent_on_commit():
            cancel_record(records[0])
        entry.refresh_from_db()
        [record] = book_offer(entry)
        assert record.client == vera and record.start == at(MONDAY, "10:00")
        entry.refresh_from_db()
        assert entry.status == WaitlistStatus.BOOKED

        other = wait(company, vera, haircut)
        with sent_on_commit():
            cancel_record(records[1])
        other.refresh_from_db()
        assert other.status == WaitlistStatus.OFFERED
        book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=at(MONDAY, "11:00"))
        with pytest.raises(BookingError):
            book_offer(other)
    other.refresh_from_db()
    assert other.status == WaitlistStatus.WAITING and other.offered_start is None
    assert Record.objects.filter(status=RecordStatus.BOOKED).count() == 3


def test_bad_entries_are_refused_and_cancelled_entries_are_never_offered(full_day, sent_on_commit):
    company, haircut, anna, records, vera = full_day
    with scope(company.chain), translation.override("en"):
        with pytest.raises(ValidationError) as backwards:
            wait(company, vera, haircut, date_to=MONDAY - datetime.timedelta(days=1))
        with pytest.raises(ValidationError) as hours:
            wait(company, vera, haircut, time_from=datetime.time(12), time_to=datetime.time(11))
        entry = cancel_entry(wait(company, vera, haircut))
        with sent_on_commit():
            cancel_record(records[0])
    assert "before the first day" in backwards.value.messages[0]
    assert "must be after" in hours.value.messages[0]
    entry.refresh_from_db()
    deliver_due()
    assert entry.status == WaitlistStatus.CANCELLED and sms.outbox == []
