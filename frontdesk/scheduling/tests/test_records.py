import datetime

import pytest
from django.utils import translation

from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import RecordStatus
from frontdesk.scheduling.services import book_visit, move_record, resize_record, set_record_status
from frontdesk.scheduling.tests.factories import add_shift, make_resource, make_service, make_specialist
from frontdesk.scheduling.tests.test_availability import DAY, MSK, NOW, at


@pytest.fixture
def day(tenant_a):
    company = tenant_a.company
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60, buffer_after=10)
        anna = make_specialist(company, "Анна", [haircut])
        boris = make_specialist(company, "Борис", [haircut])
        add_shift(anna, company, DAY, "10:00", "19:00")
        add_shift(boris, company, DAY, "10:00", "14:00")
        first = book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=at("10:00"), now=NOW)[0]
        second = book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=at("12:00"), now=NOW)[0]
    return company, haircut, anna, boris, first, second


def test_moving_a_record_keeps_its_length_and_lines(day):
    company, haircut, anna, boris, first, second = day
    with scope(company.chain):
        moved = move_record(first, start=at("15:00"))
        assert (moved.start, moved.end, moved.block_end) == (at("15:00"), at("16:00"), at("16:10"))
        assert moved.lines.get().start == at("15:00")


def test_moving_onto_another_record_or_out_of_hours_is_refused_and_changes_nothing(day):
    company, haircut, anna, boris, first, second = day
    with scope(company.chain):
        for start in (at("11:30"), at("18:30"), at("08:00")):
            with pytest.raises(BookingError):
                move_record(first, start=start)
        first.refresh_from_db()
        assert first.start == at("10:00")


def test_moving_to_another_specialist_in_the_journal(day):
    company, haircut, anna, boris, first, second = day
    with scope(company.chain):
        moved = move_record(first, start=at("12:00"), specialist=boris)
    assert moved.specialist == boris


def test_a_record_can_move_onto_its_own_old_time(day):
    company, haircut, anna, boris, first, second = day
    with scope(company.chain):
        moved = move_record(first, start=at("10:30"))
    assert moved.start == at("10:30")


def test_resizing_changes_the_last_service_and_respects_neighbours(day):
    company, haircut, anna, boris, first, second = day
    with scope(company.chain):
        resized = resize_record(first, end=at("11:30"))
        assert resized.lines.get().duration == 90 and resized.block_end == at("11:40")
        with pytest.raises(BookingError):
            resize_record(first, end=at("12:30"))
        with pytest.raises(BookingError):
            resize_record(first, end=at("09:00"))


def test_statuses_follow_the_day_and_a_cancelled_record_frees_its_time(day):
    company, haircut, anna, boris, first, second = day
    with scope(company.chain):
        set_record_status(first, RecordStatus.CONFIRMED)
        set_record_status(first, RecordStatus.ARRIVED)
        with pytest.raises(BookingError) as error, translation.override("en"):
            set_record_status(first, RecordStatus.NO_SHOW)
        with translation.override("en"):
            assert error.value.message == "A record cannot go from “Arrived” to “No-show”."
        set_record_status(second, RecordStatus.CANCELLED)
        taken = book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=at("12:00"), now=NOW)[0]
        # The old record cannot come back over the new one.
        with pytest.raises(BookingError):
            set_record_status(second, RecordStatus.BOOKED)
        set_record_status(taken, RecordStatus.CANCELLED)
        assert set_record_status(second, RecordStatus.BOOKED).status == RecordStatus.BOOKED


def test_a_cancelled_record_releases_its_resource(tenant_a):
    company = tenant_a.company
    with scope(company.chain):
        room = make_resource(company, capacity=1)
        massage = make_service(company, "Массаж", duration=60, resources=[room])
        anna = make_specialist(company, "Анна", [massage])
        oleg = make_specialist(company, "Олег", [massage])
        for specialist in (anna, oleg):
            add_shift(specialist, company, DAY, "10:00", "12:00")
        record = book_visit(company=company, segments=[Segment(massage.pk, anna.pk)], start=at("10:00"), now=NOW)[0]
        with pytest.raises(BookingError):
            book_visit(company=company, segments=[Segment(massage.pk, oleg.pk)], start=at("10:00"), now=NOW)
        set_record_status(record, RecordStatus.CANCELLED)
        assert book_visit(company=company, segments=[Segment(massage.pk, oleg.pk)], start=at("10:00"), now=NOW)


def test_booking_in_the_past_is_refused(day):
    company, haircut, anna, boris, first, second = day
    with scope(company.chain), pytest.raises(BookingError):
        book_visit(
            company=company,
            segments=[Segment(haircut.pk, anna.pk)],
            start=at("16:00"),
            now=datetime.datetime.combine(DAY, datetime.time(17), tzinfo=MSK),
        )


def test_a_record_gets_other_services_and_its_end_follows(day):
    from frontdesk.scheduling.services import change_record_services

    company, haircut, anna, boris, first, second = day
    with scope(company.chain):
        styling = make_service(company, "Укладка", duration=30, buffer_after=5)
        anna.services.add(styling, through_defaults={"chain": company.chain})
        changed = change_record_services(first, [haircut.pk, styling.pk])
        assert [(line.service.title, line.duration) for line in changed.lines.order_by("position")] == [
            ("Стрижка", 60),
            ("Укладка", 30),
        ]
        assert (changed.end, changed.block_end) == (at("11:30"), at("11:35"))
        # Three hours would run into the 12:00 record: refused, nothing changed.
        long = make_service(company, "Долгая", duration=180)
        anna.services.add(long, through_defaults={"chain": company.chain})
        with pytest.raises(BookingError):
            change_record_services(first, [long.pk])
        # A service the specialist does not perform is refused too.
        other = make_service(company, "Не её", duration=30)
        with pytest.raises(BookingError):
            change_record_services(first, [other.pk])
        first.refresh_from_db()
        assert first.end == at("11:30") and first.lines.count() == 2


def test_a_block_longer_than_the_index_bound_is_refused(tenant_a):
    company = tenant_a.company
    with scope(company.chain):
        marathon = make_service(company, "Марафон", duration=24 * 60, buffer_before=5 * 60)
        anna = make_specialist(company, "Анна", [marathon])
        add_shift(anna, company, DAY, "00:00", "23:55")
        with pytest.raises(BookingError) as error:
            book_visit(
                company=company, segments=[Segment(marathon.pk, anna.pk)], start=at("05:00"), now=NOW, overbook=True
            )
    assert error.value.code == "too_long"
