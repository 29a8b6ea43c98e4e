""" "Free time left in the shifts" equals a minute-by-minute count: for every minute of today's
shifts from now on, is the specialist booked (a record holding time, with its buffers, in any
branch, or a scheduled class)? Random shifts, absences, bookings in every status, classes and
moments of the day, in branches whose time zones differ (so "today" is not the same date)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics.free_time import free_time
from frontdesk.scheduling.models import GroupEvent, GroupEventStatus, Record, RecordStatus, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.staff.models import Absence, WorkInterval

pytestmark = pytest.mark.django_db

ZONES = ["Europe/Moscow", "Asia/Kamchatka", "America/New_York", "Asia/Yekaterinburg"]
BASE = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
SPECIALISTS = 2

quarter = st.integers(0, 95)
# (specialist, branch, start in 5-minute steps from the branch's midnight, minutes, buffer, status)
record = st.tuples(
    st.just("record"),
    st.integers(0, 1),
    st.integers(0, 1),
    st.integers(0, 24 * 12),
    st.sampled_from([15, 30, 60, 90]),
    st.sampled_from([0, 10]),
    st.sampled_from(RecordStatus.values),
)
# Bookings and shifts more often than absences and classes: that is where the minutes meet.
operations = st.one_of(
    # (specialist, branch, day offset from the branch's today, start quarter, length in quarters)
    st.tuples(
        st.just("shift"),
        st.integers(0, 1),
        st.integers(0, 1),
        st.sampled_from([0, 0, 0, -1, 1]),
        st.integers(0, 80),
        st.integers(1, 48),
    ),
    st.tuples(
        st.just("shift"),
        st.integers(0, 1),
        st.integers(0, 1),
        st.just(0),
        quarter,
        st.integers(1, 48),
    ),
    st.tuples(st.just("absence"), st.integers(0, 1), st.integers(-1, 1)),
    record,
    record,
    record,
    st.tuples(
        st.just("class"),
        st.integers(0, 1),
        st.integers(0, 1),
        st.integers(0, 24 * 12),
        st.sampled_from([45, 60]),
        st.sampled_from(GroupEventStatus.values),
    ),
)


@pytest.fixture
def branches(tenant_a):
    companies = tenant_a.companies
    service = make_service(companies[0], "Стрижка")
    specialists = [make_specialist(companies[0], f"Мастер {n}") for n in range(SPECIALISTS)]
    specialists[1].companies.add(companies[1])  # works in both branches
    return companies, specialists, service


def _midnight(company):
    """The start of the branch's today (at BASE)."""
    return datetime.datetime.combine(BASE.astimezone(company.tz).date(), datetime.time.min, tzinfo=company.tz)


def _apply(op, companies, specialists, service):
    kind = op[0]
    if kind == "shift":
        _, who, n, offset, start, length = op
        company = companies[n]
        day = BASE.astimezone(company.tz).date() + datetime.timedelta(days=offset)
        begin = datetime.time(start // 4, start % 4 * 15)
        end_quarter = min(start + length, 95)
        if end_quarter <= start:
            return
        end = datetime.time(end_quarter // 4, end_quarter % 4 * 15)
        # A specialist's shifts on one date never overlap (the schedule editor refuses it).
        if WorkInterval.objects.filter(specialist=specialists[who], date=day, start__lt=end, end__gt=begin).exists():
            return
        WorkInterval.objects.create(
            company=company, chain=company.chain, specialist=specialists[who], date=day, start=begin, end=end
        )
    elif kind == "absence":
        _, who, offset = op
        day = BASE.astimezone(companies[0].tz).date() + datetime.timedelta(days=offset)
        Absence.objects.create(chain=companies[0].chain, specialist=specialists[who], date_from=day, date_to=day)
    elif kind == "record":
        _, who, n, step, minutes, buffer, status = op
        company = companies[n]
        start = _midnight(company) + datetime.timedelta(minutes=5 * step)
        end = start + datetime.timedelta(minutes=minutes)
        common = {"company": company, "chain": company.chain}
        Record.objects.create(
            visit=Visit.objects.create(**common),
            specialist=specialists[who],
            start=start,
            end=end,
            block_start=start - datetime.timedelta(minutes=buffer),
            block_end=end + datetime.timedelta(minutes=buffer),
            status=status,
            overbooked=True,  # random history overlaps; PostgreSQL's exclusion constraint lets these pass
            **common,
        )
    else:
        _, who, n, step, minutes, status = op
        company = companies[n]
        start = _midnight(company) + datetime.timedelta(minutes=5 * step)
        GroupEvent.objects.create(
            company=company,
            chain=company.chain,
            service=service,
            specialist=specialists[who],
            start=start,
            end=start + datetime.timedelta(minutes=minutes),
            status=status,
        )


def naive(companies, now, specialist_id=None):
    """(free, left) minutes, counted minute by minute from the raw rows."""
    busy = [
        (r.specialist_id, r.block_start, r.block_end)
        for r in Record.objects.filter(status__in=RecordStatus.HOLDING, group_event__isnull=True)
    ] + [(g.specialist_id, g.start, g.end) for g in GroupEvent.objects.filter(status=GroupEventStatus.SCHEDULED)]
    absent = {(a.specialist_id, a.date_from) for a in Absence.objects.all()}
    free = left = 0
    for company in companies:
        tz = ZoneInfo(company.timezone)
        today = now.astimezone(tz).date()
        for shift in WorkInterval.objects.filter(company=company, date=today):
            if (shift.specialist_id, today) in absent:
                continue
            if specialist_id is not None and shift.specialist_id != specialist_id:
                continue
            moment = datetime.datetime.combine(today, shift.start, tzinfo=tz)
            end = datetime.datetime.combine(today, shift.end, tzinfo=tz)
            while moment < end:
                if moment >= now:
                    left += 1
                    if not any(s == shift.specialist_id and b <= moment < e for s, b, e in busy):
                        free += 1
                moment += datetime.timedelta(minutes=1)
    return free, left


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    ops=st.lists(operations, min_size=10, max_size=30),
    now_minutes=st.integers(-12 * 60, 12 * 60),
)
def test_free_time_equals_a_minute_by_minute_count(branches, zones, ops, now_minutes):
    companies, specialists, service = branches
    now = BASE + datetime.timedelta(minutes=now_minutes)
    with transaction.atomic():
        for company, zone in zip(companies, zones, strict=True):
            company.timezone = zone
            company.save(update_fields=["timezone"])
        for op in ops:
            _apply(op, companies, specialists, service)
        for asked in ([companies[0]], [companies[1]], companies):
            figure = free_time(asked, now)
            assert (figure.free_minutes, figure.left_minutes) == naive(asked, now)
        mine = free_time([companies[0]], now, specialists[1].pk)
        assert (mine.free_minutes, mine.left_minutes) == naive([companies[0]], now, specialists[1].pk)
        transaction.set_rollback(True)
