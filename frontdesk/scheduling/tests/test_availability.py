import datetime
from zoneinfo import ZoneInfo

import pytest

from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Query, Segment, find_slots
from frontdesk.scheduling.errors import SlotTaken
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_resource, make_service, make_specialist
from frontdesk.staff.models import Absence

MSK = ZoneInfo("Europe/Moscow")
DAY = datetime.date(2026, 12, 1)
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=MSK)


def at(hhmm, day=DAY, tz=MSK):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=tz)


def times(slots, tz=MSK):
    return [s.start_at.astimezone(tz).strftime("%H:%M") for s in slots]


@pytest.fixture
def branch(tenant_a):
    company = tenant_a.company
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, DAY, "10:00", "13:00")
    return company, haircut, anna


def query(company, segments, day=DAY, **kw):
    return Query(company=company, segments=segments, date_from=day, date_to=day, now=NOW, **kw)


def test_a_free_day_offers_every_step_that_fits(branch):
    company, haircut, anna = branch
    with scope(company.chain):
        slots = find_slots(query(company, [Segment(haircut.pk, anna.pk)], step=30))
    assert times(slots) == ["10:00", "10:30", "11:00", "11:30", "12:00"]


def test_a_booked_record_and_its_buffers_are_not_offered(branch, tenant_a):
    company, haircut, anna = branch
    with scope(company.chain):
        colour = make_service(company, "Окрашивание", duration=30, buffer_after=15)
        anna.services.add(colour, through_defaults={"chain": company.chain})
        book_visit(company=company, segments=[Segment(colour.pk, anna.pk)], start=at("11:00"), now=NOW)
        slots = find_slots(query(company, [Segment(haircut.pk, anna.pk)], step=15))
    # 11:00–11:30 plus 15 minutes of clean-up: a 60-minute haircut fits before 10:00+60 ≤ 11:00, or from 11:45.
    assert times(slots) == ["10:00", "11:45", "12:00"]


def test_an_absence_hides_the_day(branch):
    company, haircut, anna = branch
    with scope(company.chain):
        Absence.objects.create(chain=company.chain, specialist=anna, date_from=DAY, date_to=DAY, kind="sick")
        assert find_slots(query(company, [Segment(haircut.pk, anna.pk)])) == []


def test_min_notice_and_max_days_ahead(branch):
    company, haircut, anna = branch
    now = at("10:40")
    with scope(company.chain):
        q = Query(
            company=company,
            segments=[Segment(haircut.pk, anna.pk)],
            date_from=DAY,
            date_to=DAY,
            now=now,
            step=30,
            min_notice=60,
        )
        assert times(find_slots(q)) == ["12:00"]
        q = Query(
            company=company,
            segments=[Segment(haircut.pk, anna.pk)],
            date_from=DAY,
            date_to=DAY,
            now=at("10:00", DAY - datetime.timedelta(days=5)),
            max_days_ahead=3,
        )
        assert find_slots(q) == []


def test_any_specialist_offers_the_union_and_books_a_free_one(branch):
    company, haircut, anna = branch
    with scope(company.chain):
        boris = make_specialist(company, "Борис", [haircut])
        add_shift(boris, company, DAY, "12:00", "14:00")
        slots = find_slots(query(company, [Segment(haircut.pk)], step=60))
        assert times(slots) == ["10:00", "11:00", "12:00", "13:00"]
        first = book_visit(company=company, segments=[Segment(haircut.pk)], start=at("12:00"), now=NOW)
        second = book_visit(company=company, segments=[Segment(haircut.pk)], start=at("12:00"), now=NOW)
        assert {first[0].specialist_id, second[0].specialist_id} == {anna.pk, boris.pk}
        with pytest.raises(SlotTaken) as taken:
            book_visit(company=company, segments=[Segment(haircut.pk)], start=at("12:00"), now=NOW, step=60)
        assert times(taken.value.alternatives) == ["10:00", "11:00", "13:00"]


def test_two_services_in_a_row_with_the_same_specialist_make_one_record(branch):
    company, haircut, anna = branch
    with scope(company.chain):
        styling = make_service(company, "Укладка", duration=30, buffer_after=10)
        anna.services.add(styling, through_defaults={"chain": company.chain})
        slots = find_slots(query(company, [Segment(haircut.pk, anna.pk), Segment(styling.pk, anna.pk)], step=30))
        # 90 minutes plus 10 of clean-up inside 10:00–13:00.
        assert times(slots) == ["10:00", "10:30", "11:00"]
        records = book_visit(
            company=company,
            segments=[Segment(haircut.pk, anna.pk), Segment(styling.pk, anna.pk)],
            start=at("10:00"),
            now=NOW,
        )
    assert len(records) == 1
    assert records[0].end == at("11:30") and records[0].block_end == at("11:40")
    assert [line.service.title for line in records[0].lines.all()] == ["Стрижка", "Укладка"]


def test_two_services_with_different_specialists_follow_each_other(branch):
    company, haircut, anna = branch
    with scope(company.chain):
        manicure = make_service(company, "Маникюр", duration=60)
        vera = make_specialist(company, "Вера", [manicure])
        add_shift(vera, company, DAY, "11:00", "12:00")
        slots = find_slots(query(company, [Segment(haircut.pk, anna.pk), Segment(manicure.pk)], step=30))
        assert times(slots) == ["10:00"]
        records = book_visit(
            company=company, segments=[Segment(haircut.pk, anna.pk), Segment(manicure.pk)], start=at("10:00"), now=NOW
        )
    assert [(r.specialist.name, r.start.astimezone(MSK).strftime("%H:%M")) for r in records] == [
        ("Анна", "10:00"),
        ("Вера", "11:00"),
    ]
    assert records[0].visit_id == records[1].visit_id


def test_a_resource_at_capacity_blocks_other_specialists(branch):
    company, haircut, anna = branch
    with scope(company.chain):
        room = make_resource(company, "Массажный кабинет", capacity=1)
        massage = make_service(company, "Массаж", duration=60, resources=[room])
        anna.services.add(massage, through_defaults={"chain": company.chain})
        oleg = make_specialist(company, "Олег", [massage])
        add_shift(oleg, company, DAY, "10:00", "13:00")
        book_visit(company=company, segments=[Segment(massage.pk, anna.pk)], start=at("10:00"), now=NOW)
        slots = find_slots(query(company, [Segment(massage.pk, oleg.pk)], step=60))
    assert times(slots) == ["11:00", "12:00"]


def test_a_specialist_booked_in_another_branch_is_busy_here(branch, tenant_a):
    company, haircut, anna = branch
    other = tenant_a.companies[1]
    with scope(company.chain):
        anna.companies.add(other)
        there = make_service(other, "Стрижка", duration=60)
        anna.services.add(there, through_defaults={"chain": company.chain})
        add_shift(anna, other, DAY, "14:00", "16:00")
        # A mistaken overlapping shift in the other branch cannot double-book her.
        add_shift(anna, other, DAY + datetime.timedelta(days=1), "10:00", "12:00")
        add_shift(anna, company, DAY + datetime.timedelta(days=1), "10:00", "12:00")
        book_visit(
            company=other,
            segments=[Segment(there.pk, anna.pk)],
            start=at("10:00", DAY + datetime.timedelta(days=1)),
            now=NOW,
        )
        slots = find_slots(
            query(company, [Segment(haircut.pk, anna.pk)], day=DAY + datetime.timedelta(days=1), step=60)
        )
    assert times(slots) == ["11:00"]


def test_overbooking_on_purpose_is_allowed_and_logged(branch):
    from frontdesk.core.models import Event

    company, haircut, anna = branch
    with scope(company.chain):
        book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=at("10:00"), now=NOW)
        with pytest.raises(SlotTaken):
            book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=at("10:30"), now=NOW)
        records = book_visit(
            company=company, segments=[Segment(haircut.pk, anna.pk)], start=at("10:30"), now=NOW, overbook=True
        )
    assert records[0].overbooked
    assert Event.objects.filter(code="record.overbooked", object_id=str(records[0].pk)).exists()


def test_a_constant_number_of_queries_whatever_the_staff_and_days(tenant_a, django_assert_max_num_queries):
    company = tenant_a.company
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        for n in range(12):
            specialist = make_specialist(company, f"Мастер {n}", [haircut])
            for d in range(10):
                add_shift(specialist, company, DAY + datetime.timedelta(days=d))
        q = Query(
            company=company,
            segments=[Segment(haircut.pk)],
            date_from=DAY,
            date_to=DAY + datetime.timedelta(days=9),
            now=NOW,
        )
        with django_assert_max_num_queries(7):
            slots = find_slots(q)
    assert len(slots) == 10 * 33


def test_a_class_holds_its_specialists_time_and_its_room(branch):
    from frontdesk.scheduling.models import GroupEvent

    company, haircut, anna = branch
    with scope(company.chain):
        room = make_resource(company, "Зал", capacity=1)
        yoga = make_service(company, "Йога", duration=60)
        massage = make_service(company, "Массаж", duration=60, resources=[room])
        oleg = make_specialist(company, "Олег", [massage])
        add_shift(oleg, company, DAY, "10:00", "13:00")
        GroupEvent.objects.create(
            company=company,
            chain=company.chain,
            service=yoga,
            specialist=anna,
            resource=room,
            start=at("11:00"),
            end=at("12:00"),
            capacity=8,
        )
        assert times(find_slots(query(company, [Segment(haircut.pk, anna.pk)], step=60))) == ["10:00", "12:00"]
        assert times(find_slots(query(company, [Segment(massage.pk, oleg.pk)], step=60))) == ["10:00", "12:00"]


def test_the_engines_sql_refuses_to_run_outside_a_scope_and_stays_in_its_network(branch, tenant_b):
    from frontdesk.core.scopes import ScopeError, _current
    from frontdesk.scheduling import engine_sql

    company, haircut, anna = branch
    token = _current.set(None)
    try:
        with pytest.raises(ScopeError):
            engine_sql.performers(company.pk, [haircut.pk], None, False)
    finally:
        _current.reset(token)
    # Another network's scope sees nothing of this branch, even when asked by id.
    with scope(tenant_b.chain):
        assert engine_sql.performers(company.pk, [haircut.pk], None, False) == []
        assert engine_sql.services_with_resources(company.pk, [haircut.pk], False) == []
        assert engine_sql.working_intervals(company.pk, [anna.pk], DAY, DAY) == []
