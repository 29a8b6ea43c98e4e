"""The fill rate per specialist and every weekday × hour cell of the heat map equal a naive
recomputation — every minute of every service line and every work interval counted one by one in
its branch's zone — for random records, shifts and absences in two branches whose zones differ
(London goes to summer time on 29 March 2026, inside the days drawn)."""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics.overview import FillRate, Period
from frontdesk.analytics.reports import base, workload
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.staff.models import Absence, WorkInterval

pytestmark = pytest.mark.django_db

ZONES = ["Europe/London", "Europe/Moscow", "Asia/Kamchatka", "America/New_York"]
FIRST_DAY = datetime.date(2026, 3, 26)
DAYS = 6
MINUTE = datetime.timedelta(minutes=1)

DST_DAY = 3  # 29 March: London's clocks go from 01:00 to 02:00
# The night of the change and midnight come often: that is where a wrong zone or clock shows.
days = st.one_of(st.just(DST_DAY), st.integers(-1, DAYS))
quarters = st.integers(0, 24 * 4 - 1).map(lambda quarter: quarter * 15)
zone = st.one_of(st.just("Europe/London"), st.sampled_from(ZONES))
record = st.tuples(
    st.just("record"),
    st.integers(0, 2),  # specialist (0 and 1 in the first branch, 2 in the second)
    days,
    st.one_of(st.sampled_from([0, 30, 60, 23 * 60 + 30]), quarters),
    st.sampled_from([15, 30, 45, 60, 90, 150]),
    st.sampled_from(RecordStatus.values),
    st.booleans(),  # a second line right after the first
)
hours = st.one_of(st.sampled_from([0, 1]), st.integers(0, 20))
shift = st.tuples(st.just("shift"), st.integers(0, 2), days, hours, st.integers(1, 10), quarters)
absence = st.tuples(st.just("absence"), st.integers(0, 2), days, st.integers(0, 2))
operations = st.one_of(record, record, shift, absence)


@pytest.fixture
def network(tenant_a):
    first, second = tenant_a.companies
    services = [make_service(company) for company in (first, second)]
    specialists = [
        make_specialist(first, "Анна", [services[0]]),
        make_specialist(first, "Борис", [services[0]]),
        make_specialist(second, "Вера", [services[1]]),
    ]
    return [first, first, second], services, specialists


def _apply(op, network):
    homes, services, specialists = network
    kind, n = op[0], op[1]
    company, specialist = homes[n], specialists[n]
    service = services[0 if n < 2 else 1]
    date = FIRST_DAY + datetime.timedelta(days=op[2])
    if kind == "record":
        _, _, _, minute, length, status, two_lines = op
        # Minutes of real time after local midnight (wall-clock arithmetic would run backwards
        # across the spring-forward gap).
        midnight = datetime.datetime.combine(date, datetime.time.min, tzinfo=company.tz).astimezone(datetime.UTC)
        start = midnight + datetime.timedelta(minutes=minute)
        total = length * (2 if two_lines else 1)
        end = start + datetime.timedelta(minutes=total)
        common = {"company": company, "chain": company.chain}
        visit = Visit.objects.create(**common)
        made = Record.objects.create(
            visit=visit, specialist=specialist, start=start, end=end, block_start=start, block_end=end,
            status=status, overbooked=True, **common,
        )  # fmt: skip
        for position in range(2 if two_lines else 1):
            RecordService.objects.create(
                chain=company.chain,
                record=made,
                service=service,
                start=start + datetime.timedelta(minutes=length * position),
                duration=length,
                price=1000,
                position=position,
            )
    elif kind == "shift":
        _, _, _, hour, hours, minute = op
        if WorkInterval.objects.filter(specialist=specialist, date=date).exists():
            return
        begin = datetime.time(hour, minute % 60)
        end = datetime.time(min(hour + hours, 23), 45)
        if begin < end:
            WorkInterval.objects.create(
                company=company, chain=company.chain, specialist=specialist, date=date, start=begin, end=end
            )
    else:
        Absence.objects.create(
            chain=company.chain,
            specialist=specialist,
            date_from=date,
            date_to=date + datetime.timedelta(days=op[3]),
        )


def naive(companies, period: Period):
    """Every minute counted one by one: {specialist: [booked, scheduled]}, and per (weekday, hour)
    the booked and the scheduled minutes."""
    ids = {company.pk: ZoneInfo(company.timezone) for company in companies}
    per = defaultdict(lambda: [0, 0])
    booked, scheduled = defaultdict(int), defaultdict(int)
    for line in RecordService.objects.select_related("record"):
        record = line.record
        if record.company_id not in ids or record.status not in RecordStatus.HOLDING or record.group_event_id:
            continue
        tz = ids[record.company_id]
        if not period.first <= record.start.astimezone(tz).date() <= period.last:
            continue
        per[record.specialist_id][0] += line.duration
        for minute in range(line.duration):
            local = (line.start + minute * MINUTE).astimezone(tz)
            booked[(local.weekday(), local.hour)] += 1
    away = {
        (absence.specialist_id, absence.date_from + datetime.timedelta(days=n))
        for absence in Absence.objects.all()
        for n in range((absence.date_to - absence.date_from).days + 1)
    }
    for interval in WorkInterval.objects.filter(company_id__in=list(ids)):
        if not period.first <= interval.date <= period.last or (interval.specialist_id, interval.date) in away:
            continue
        tz = ids[interval.company_id]
        moment = datetime.datetime.combine(interval.date, interval.start, tzinfo=tz).astimezone(datetime.UTC)
        end = datetime.datetime.combine(interval.date, interval.end, tzinfo=tz).astimezone(datetime.UTC)
        while moment < end:
            local = moment.astimezone(tz)
            scheduled[(local.weekday(), local.hour)] += 1
            per[interval.specialist_id][1] += 1
            moment += MINUTE
    return per, booked, scheduled


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(zone, zone),
    ops=st.lists(operations, min_size=1, max_size=25),
    first=st.integers(0, DAYS - 1),
    length=st.integers(1, DAYS),
)
def test_the_fill_rate_and_its_heat_map_equal_minutes_counted_one_by_one(network, tenant_a, zones, ops, first, length):
    with transaction.atomic():  # each example starts from the same empty branches
        for company, zone in zip(tenant_a.companies, zones, strict=True):
            company.timezone = zone
            company.save(update_fields=["timezone"])
        for op in ops:
            _apply(op, network)
        period = Period(
            FIRST_DAY + datetime.timedelta(days=first),
            FIRST_DAY + datetime.timedelta(days=min(first + length, DAYS) - 1),
        )
        for companies in ([tenant_a.companies[0]], [tenant_a.companies[1]], tenant_a.companies):
            filters = base.Filters(companies=tuple(companies), period=period, chain=tenant_a.chain)
            per, booked, scheduled = naive(companies, period)

            table = base.get("fill-rate")().build(filters).tables[0]
            shown = {key: row[1:] for key, row in zip(table.keys, table.rows, strict=True)}
            assert shown == {key: [*minutes, FillRate.of(*minutes).rate] for key, minutes in per.items()}
            cells = workload.hour_cells(filters)
            assert {cell: m for cell, m in cells.booked.items() if m} == dict(booked)
            assert {cell: m for cell, m in cells.scheduled.items() if m} == dict(scheduled)
        transaction.set_rollback(True)
