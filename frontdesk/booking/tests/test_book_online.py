import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdesk.booking.models import BookingSource, OnlineBookingSettings
from frontdesk.booking.services import Origin, book_online, online_slots
from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.errors import BookingError, SlotTaken
from frontdesk.scheduling.models import Record, RecordSource
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist


@pytest.fixture
def branch(tenant_a):
    company = tenant_a.company
    day = timezone.localdate() + datetime.timedelta(days=3)
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, day, "10:00", "13:00")
    return company, haircut, anna, day


def at(company, day, hhmm):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=company.tz)


def test_a_client_books_online_and_the_visit_remembers_where_from(branch):
    company, haircut, anna, day = branch
    with scope(company.chain):
        records, link = book_online(
            company=company,
            segments=[Segment(haircut.pk, anna.pk)],
            start=at(company, day, "11:00"),
            name="Вера",
            phone="8 (912) 345-67-89",
            origin=Origin(channel="widget", utm_source="vk"),
        )
    record = Record.objects.get()
    assert record.source == RecordSource.WIDGET and record.client.phone == "+79123456789"
    assert link.token and BookingSource.objects.get().utm_source == "vk"


def test_online_booking_honours_the_branchs_rules(branch):
    company, haircut, anna, day = branch
    with scope(company.chain):
        OnlineBookingSettings.objects.filter(company=company).delete()
        settings = OnlineBookingSettings.for_company(company)
        settings.step = 60
        settings.save()
        assert [
            s.start_at.astimezone(company.tz).strftime("%H:%M")
            for s in online_slots(company, [Segment(haircut.pk)], day, day)
        ] == ["10:00", "11:00", "12:00"]
        with pytest.raises(SlotTaken) as off_grid:
            book_online(
                company=company,
                segments=[Segment(haircut.pk)],
                start=at(company, day, "10:30"),
                name="Вера",
                phone="+79123456789",
            )
        assert off_grid.value.alternatives
        anna.hidden_online = True
        anna.save()
        assert online_slots(company, [Segment(haircut.pk)], day, day) == []
        anna.hidden_online = False
        anna.save()
        haircut.online_booking = False
        haircut.save()
        with pytest.raises(BookingError):
            book_online(
                company=company,
                segments=[Segment(haircut.pk)],
                start=at(company, day, "10:00"),
                name="Вера",
                phone="+79123456789",
            )
    assert not Record.objects.exists()


def test_a_bad_phone_saves_nothing(branch):
    company, haircut, anna, day = branch
    with scope(company.chain), pytest.raises(ValidationError):
        book_online(
            company=company, segments=[Segment(haircut.pk)], start=at(company, day, "10:00"), name="Вера", phone="12"
        )
    assert not Record.objects.exists() and not Client.objects.exists()
