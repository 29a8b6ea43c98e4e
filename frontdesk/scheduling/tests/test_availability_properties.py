"""The engine against a naive minute-by-minute reference, on random shifts and records, in
zones with and without DST (the DST change days included)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Query, Segment, find_slots, to_minute
from frontdesk.scheduling.errors import SlotTaken
from frontdesk.scheduling.models import Record
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.tenancy.models import Company

DAYS = {
    "Europe/Berlin": [datetime.date(2026, 3, 29), datetime.date(2026, 10, 25), datetime.date(2026, 6, 10)],
    "America/New_York": [datetime.date(2026, 3, 8), datetime.date(2026, 11, 1)],
    "Europe/Moscow": [datetime.date(2026, 3, 29), datetime.date(2026, 12, 31)],
}
ZONES = [(zone, day) for zone, days in DAYS.items() for day in days]


class Rollback(Exception):
    pass


def reference(tz, day, shifts, bookings, duration, before, after, step, earliest):
    """Every start on the wall-clock grid whose [start - before, start + duration + after) lies
    in working minutes and touches no booked minute. Minute by minute, no cleverness."""
    working = set()
    for start, end in shifts:
        a = to_minute(datetime.datetime.combine(day, start, tzinfo=tz))
        b = to_minute(datetime.datetime.combine(day, end, tzinfo=tz))
        working.update(range(a, b))
    taken = set()
    for a, b in bookings:
        taken.update(range(a, b))
    found = []
    local = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
    while local.date() == day:
        t = to_minute(local)
        block = range(t - before, t + duration + after)
        if t >= earliest and all(m in working and m not in taken for m in block):
            found.append(t)
        local = (local + datetime.timedelta(minutes=step)).replace(fold=0)
    return sorted(set(found))


shift_strategy = st.lists(
    st.tuples(st.integers(min_value=8 * 12, max_value=20 * 12), st.integers(min_value=6, max_value=40)),
    min_size=1,
    max_size=3,
)


@pytest.mark.parametrize("zone,day", ZONES, ids=[f"{z}-{d}" for z, d in ZONES])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    shifts=shift_strategy,
    duration=st.sampled_from([15, 30, 45, 60, 90]),
    before=st.sampled_from([0, 5, 10]),
    after=st.sampled_from([0, 10, 15]),
    step=st.sampled_from([5, 10, 15, 30, 60]),
    bookings=st.lists(
        st.tuples(st.integers(min_value=8 * 12, max_value=21 * 12), st.sampled_from([15, 30, 60])), max_size=4
    ),
)
def test_the_engine_offers_exactly_what_the_naive_reference_finds(
    tenant_a, zone, day, shifts, duration, before, after, step, bookings
):
    tz = ZoneInfo(zone)
    company = Company.objects.get(pk=tenant_a.company.pk)
    company.timezone = zone
    now = datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(12), tzinfo=tz)
    try:
        with transaction.atomic(), scope(company.chain):
            company.save()
            service = make_service(company, duration=duration, buffer_before=before, buffer_after=after)
            anna = make_specialist(company, "Анна", [service])
            intervals = []
            for start5, length5 in shifts:
                start = start5 * 5
                end = min(start + length5 * 5, 22 * 60)
                start_t = datetime.time(start // 60, start % 60)
                end_t = datetime.time(end // 60, end % 60)
                if any(not (end_t <= a or start_t >= b) for a, b in intervals):
                    continue  # the staff module refuses overlapping intervals
                intervals.append((start_t, end_t))
                add_shift(anna, company, day, start_t.isoformat("minutes"), end_t.isoformat("minutes"))
            booked = []
            others = {}
            for length in (15, 30, 60):
                others[length] = make_service(company, f"Другое {length}", duration=length)
                anna.services.add(others[length], through_defaults={"chain": company.chain})
            for start5, length in bookings:
                other = others[length]
                start = datetime.datetime.combine(day, datetime.time(start5 * 5 // 60, start5 * 5 % 60), tzinfo=tz)
                # Records the engine would allow, made through the real booking path.
                try:
                    book_visit(company=company, segments=[Segment(other.pk, anna.pk)], start=start, now=now, step=5)
                except SlotTaken:
                    continue
            for record in Record.objects.filter(specialist=anna):
                booked.append((to_minute(record.block_start), to_minute(record.block_end)))

            query = Query(
                company=company, segments=[Segment(service.pk, anna.pk)], date_from=day, date_to=day, step=step, now=now
            )
            offered = [slot.start for slot in find_slots(query)]
            expected = reference(tz, day, intervals, booked, duration, before, after, step, to_minute(now))
            assert offered == expected

            # No offered time overlaps a record plus its buffers, and each can really be booked.
            for slot_start in offered[:3]:
                assert all(slot_start + duration + after <= a or slot_start - before >= b for a, b in booked)
                with transaction.atomic():
                    moment = datetime.datetime.fromtimestamp(slot_start * 60, tz=datetime.UTC)
                    book_visit(
                        company=company, segments=[Segment(service.pk, anna.pk)], start=moment, now=now, step=step
                    )
                    transaction.set_rollback(True)
            raise Rollback
    except Rollback:
        pass


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Europe/Moscow"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    days=st.lists(st.tuples(st.integers(0, 9), shift_strategy), min_size=1, max_size=6),
    duration=st.sampled_from([30, 60, 90]),
    step=st.sampled_from([15, 30, 60]),
    specialists=st.integers(1, 3),
)
def test_free_dates_are_exactly_the_dates_of_the_offered_times(tenant_a, zone, days, duration, step, specialists):
    from frontdesk.scheduling.availability import find_free_dates, group_by_local_date

    tz = ZoneInfo(zone)
    first_day = datetime.date(2026, 10, 20)
    company = Company.objects.get(pk=tenant_a.company.pk)
    company.timezone = zone
    now = datetime.datetime.combine(first_day, datetime.time(12), tzinfo=tz)
    try:
        with transaction.atomic(), scope(company.chain):
            company.save()
            service = make_service(company, duration=duration)
            staff = [make_specialist(company, f"М{n}", [service]) for n in range(specialists)]
            for n, (offset, shifts) in enumerate(days):
                day = first_day + datetime.timedelta(days=offset)
                specialist = staff[n % specialists]
                taken = set(specialist.work_intervals.filter(date=day).values_list("start", flat=True))
                for start5, length5 in shifts[:1]:
                    start = datetime.time(start5 * 5 // 60, start5 * 5 % 60)
                    end_minutes = min(start5 * 5 + length5 * 5, 22 * 60)
                    if start in taken or specialist.work_intervals.filter(date=day).exists():
                        continue
                    add_shift(
                        specialist,
                        company,
                        day,
                        start.isoformat("minutes"),
                        datetime.time(end_minutes // 60, end_minutes % 60).isoformat("minutes"),
                    )
            query = Query(
                company=company,
                segments=[Segment(service.pk)],
                date_from=first_day,
                date_to=first_day + datetime.timedelta(days=9),
                step=step,
                now=now,
            )
            assert find_free_dates(query) == sorted(group_by_local_date(find_slots(query), tz))
            raise Rollback
    except Rollback:
        pass
