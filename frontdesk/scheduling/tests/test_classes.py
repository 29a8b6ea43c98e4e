import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Query, Segment, find_slots
from frontdesk.scheduling.classes import (
    ClassPlan,
    add_participant,
    cancel_class,
    class_slots,
    mark_attendance,
    remove_participant,
    schedule_class,
    seats_left,
    week_classes,
    with_seats,
)
from frontdesk.scheduling.errors import SlotTaken
from frontdesk.scheduling.models import GroupEvent, Record, RecordStatus
from frontdesk.scheduling.series import SeriesConflict
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_resource, make_service, make_specialist

MSK = ZoneInfo("Europe/Moscow")


def next_monday(weeks_ahead=2):
    today = timezone.now().astimezone(MSK).date()
    return today + datetime.timedelta(days=7 * weeks_ahead - today.weekday())


MONDAY = next_monday()


def at(day, hhmm):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=MSK)


@pytest.fixture
def studio(tenant_a):
    company = tenant_a.company
    with scope(company.chain):
        yoga = make_service(company, "Йога", duration=60)
        yoga.is_group, yoga.capacity = True, 8
        yoga.save()
        haircut = make_service(company, "Стрижка", duration=60)
        hall = make_resource(company, "Зал")
        olga = make_specialist(company, "Ольга", [yoga, haircut])
        for offset in range(21):
            add_shift(olga, company, MONDAY + datetime.timedelta(days=offset), "09:00", "21:00")
    return company, yoga, haircut, hall, olga


def make_clients(chain, n):
    return [Client.objects.create(chain=chain, name=f"Клиент {i}", phone=f"+7900100{i:04d}") for i in range(n)]


def test_a_class_holds_its_specialist_and_room(studio):
    company, yoga, haircut, hall, olga = studio
    with scope(company.chain):
        [event], _ = schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "18:00"), resource=hall))
        assert event.capacity == 8 and event.end == at(MONDAY, "19:00")
        with pytest.raises(SlotTaken):
            book_visit(company=company, segments=[Segment(haircut.pk, olga.pk)], start=at(MONDAY, "18:30"))
        ira = make_specialist(company, "Ира")
        add_shift(ira, company, MONDAY, "09:00", "21:00")
        with pytest.raises(ValidationError) as error, translation.override("en"):
            schedule_class(company, ClassPlan(yoga, ira, at(MONDAY, "18:30"), resource=hall))
    assert "room is taken" in error.value.messages[1]


def test_a_class_cannot_overlap_a_record_or_leave_working_hours(studio):
    company, yoga, haircut, hall, olga = studio
    with scope(company.chain):
        book_visit(company=company, segments=[Segment(haircut.pk, olga.pk)], start=at(MONDAY, "12:00"))
        with translation.override("en"):
            with pytest.raises(SeriesConflict) as busy:
                schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "12:30")))
            with pytest.raises(SeriesConflict) as closed:
                schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "20:30")))
    assert "busy" in busy.value.messages[1]
    assert "does not work" in closed.value.messages[1]
    assert GroupEvent.objects.count() == 0


def test_a_weekly_class_on_chosen_weekdays_until_a_date(studio):
    company, yoga, haircut, hall, olga = studio
    with scope(company.chain):
        events, _ = schedule_class(
            company,
            ClassPlan(yoga, olga, at(MONDAY, "10:00"), weekdays=(0, 2), until=MONDAY + datetime.timedelta(days=13)),
        )
    assert [e.start.astimezone(MSK).date() - MONDAY for e in events] == [
        datetime.timedelta(days=d) for d in (0, 2, 7, 9)
    ]
    assert len({e.series_id for e in events}) == 1


def test_a_repeating_class_that_collides_saves_nothing_unless_told_to_skip(studio):
    company, yoga, haircut, hall, olga = studio
    plan = ClassPlan(yoga, olga, at(MONDAY, "10:00"), weekdays=(0,), until=MONDAY + datetime.timedelta(days=28))
    with scope(company.chain):
        with pytest.raises(SeriesConflict) as error:
            schedule_class(company, plan)  # the fourth and fifth Mondays have no shifts
        assert len(error.value.conflicts) == 2 and GroupEvent.objects.count() == 0
        events, skipped = schedule_class(company, plan, skip_conflicts=True)
    assert len(events) == 3 and len(skipped) == 2


def test_clients_join_up_to_capacity_and_the_next_is_refused_clearly(studio):
    company, yoga, haircut, hall, olga = studio
    anna, boris, vera = make_clients(company.chain, 3)
    with scope(company.chain):
        [event], _ = schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "18:00"), capacity=2))
        first = add_participant(event, anna)
        add_participant(event, boris)
        with translation.override("en"):
            with pytest.raises(ValidationError) as full:
                add_participant(event, vera)
            remove_participant(first)
            with pytest.raises(ValidationError) as twice:
                add_participant(event, boris)
        add_participant(event, vera)
    assert "No places left" in full.value.messages[0]
    assert "already in this class" in twice.value.messages[0]
    assert first.lines.get().service == yoga
    # Participants hold no time of their own: the class does.
    assert not Record.objects.filter(group_event=event).first().holds_time


def test_attendance_and_cancelling_the_class(studio):
    company, yoga, haircut, hall, olga = studio
    anna, boris = make_clients(company.chain, 2)
    with scope(company.chain):
        [event], _ = schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "18:00")))
        a, b = add_participant(event, anna), add_participant(event, boris)
        mark_attendance(a, RecordStatus.ARRIVED)
        mark_attendance(b, RecordStatus.NO_SHOW)
        assert seats_left(with_seats(GroupEvent.objects.filter(pk=event.pk)).get()) == 6
        with pytest.raises(ValidationError):
            mark_attendance(a, RecordStatus.CANCELLED)
        cancel_class(event)
        slots = find_slots(
            Query(company=company, segments=[Segment(haircut.pk, olga.pk)], date_from=MONDAY, date_to=MONDAY)
        )
    assert set(Record.objects.values_list("status", flat=True)) == {RecordStatus.CANCELLED}
    assert at(MONDAY, "18:00") in [s.start_at for s in slots]


def test_class_slots_lists_bookable_classes_with_places_left(studio, django_assert_max_num_queries):
    company, yoga, haircut, hall, olga = studio
    (anna,) = make_clients(company.chain, 1)
    with scope(company.chain):
        events, _ = schedule_class(
            company,
            ClassPlan(
                yoga,
                olga,
                at(MONDAY, "10:00"),
                capacity=1,
                weekdays=(0, 1, 2),
                until=MONDAY + datetime.timedelta(days=2),
            ),
        )
        add_participant(events[0], anna)
        cancel_class(events[2])
        with django_assert_max_num_queries(1):
            slots = class_slots(company, MONDAY, MONDAY + datetime.timedelta(days=6))
        assert class_slots(company, MONDAY, MONDAY, service_ids=[haircut.pk]) == []
        with django_assert_max_num_queries(1):
            week = [(e.pk, e.seats_taken) for e in week_classes(company, MONDAY)]
    assert [(s.event.pk, s.seats_left) for s in slots] == [(events[1].pk, 1)]
    assert week == [(events[0].pk, 1), (events[1].pk, 0), (events[2].pk, 0)]


def test_a_plain_service_or_a_past_time_cannot_be_a_class(studio):
    company, yoga, haircut, hall, olga = studio
    with scope(company.chain), translation.override("en"):
        with pytest.raises(ValidationError) as plain:
            schedule_class(company, ClassPlan(haircut, olga, at(MONDAY, "10:00")))
        with pytest.raises(ValidationError) as past:
            schedule_class(company, ClassPlan(yoga, olga, at(MONDAY - datetime.timedelta(days=30), "10:00")))
    assert "group service" in plain.value.messages[0]
    assert "already passed" in past.value.messages[0]
