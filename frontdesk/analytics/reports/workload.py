"""Booked and scheduled minutes for the fill-rate and staff reports: what the specialists' work
intervals offer and what the records' service lines take, per specialist, per service, per branch
and per hour of the week, and what the rooms and chairs (resources) are booked for against the
branch's opening hours.

What is counted (docs/analytics.md, "Fill rate, classes, staff and services"):

- **Booked minutes** are the overview's (`overview.fill_rate`): the service lines' minutes of
  records holding time (booked, confirmed, arrived, completed) that are not class places, dated
  by the record's start in its branch's zone.
- **Scheduled minutes** are the real minutes of the work intervals on the period's dates — the
  wall-clock times turned into instants in the branch's zone as the scheduling engine does (a
  time in the spring-forward gap takes the offset before the change), so a night shift across a
  DST change is an hour shorter or longer — less the days of the specialist's absences (vacation,
  sick leave, day off), which the engine books nothing on. The overview's figure sums wall-clock
  lengths and keeps the absence days; on a normal day they agree.
- **Per hour of the week**, a line's minutes and an interval's minutes are split by the local
  hour each minute falls in (a line crossing midnight gives its last minutes to the next weekday).

Every function runs a fixed number of queries whatever the data (said in each docstring).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum

from frontdesk.analytics.overview import FillRate, Period, _in_period
from frontdesk.catalog.models import Resource
from frontdesk.scheduling.models import GroupEvent, GroupEventStatus, RecordService, RecordStatus, ResourceBooking
from frontdesk.staff.models import Absence, WorkInterval
from frontdesk.tenancy.models import OpeningHours

MINUTE = datetime.timedelta(minutes=1)
UTC = datetime.UTC


def booked_lines(filters, prefix: str = "record__"):
    """The service lines that count as booked minutes, with the report's specialist filter."""
    condition = _in_period(filters.companies, filters.period, "start", prefix=prefix)
    lines = RecordService.objects.filter(
        condition, record__status__in=RecordStatus.HOLDING, record__group_event__isnull=True
    )
    if filters.specialist is not None:
        lines = lines.filter(record__specialist_id=filters.specialist.pk)
    return lines


def booked_by(filters, *fields) -> dict:
    """{(field values…): booked minutes} for the lines grouped by `fields`. One query."""
    rows = booked_lines(filters).values(*fields).annotate(m=Sum("duration"), n=Count("id")).order_by()
    return {tuple(row[f] for f in fields): (row["m"] or 0, row["n"]) for row in rows}


@dataclass(frozen=True)
class Shift:
    company_id: int
    specialist_id: int
    start: datetime.datetime  # UTC
    end: datetime.datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start) / MINUTE)


def local_instant(day: datetime.date, time: datetime.time, tz: ZoneInfo) -> datetime.datetime:
    """A branch's wall-clock time on a date as an instant (UTC), as the scheduling engine reads a
    work interval: a time in the spring-forward gap takes the offset before the change."""
    return datetime.datetime.combine(day, time, tzinfo=tz).astimezone(UTC)


def shifts(filters) -> list[Shift]:
    """The work intervals on the period's dates in these branches, as instants, less the days of
    the specialists' absences. Two queries."""
    intervals = WorkInterval.objects.filter(
        company_id__in=filters.company_ids, date__gte=filters.period.first, date__lte=filters.period.last
    )
    if filters.specialist is not None:
        intervals = intervals.filter(specialist_id=filters.specialist.pk)
    rows = list(intervals.values_list("company_id", "specialist_id", "date", "start", "end"))
    away = _absent_days(filters.period, {row[1] for row in rows})
    zones = {company.pk: company.tz for company in filters.companies}
    return [
        Shift(
            company_id,
            specialist_id,
            local_instant(day, start, zones[company_id]),
            local_instant(day, end, zones[company_id]),
        )
        for company_id, specialist_id, day, start, end in rows
        if (specialist_id, day) not in away
    ]


def _absent_days(period: Period, specialist_ids) -> set[tuple[int, datetime.date]]:
    """(specialist, date) pairs inside an absence, on the period's dates. One query (none when
    nobody works)."""
    if not specialist_ids:
        return set()
    away = set()
    for specialist_id, first, last in Absence.objects.filter(
        specialist_id__in=specialist_ids, date_from__lte=period.last, date_to__gte=period.first
    ).values_list("specialist_id", "date_from", "date_to"):
        day = max(first, period.first)
        while day <= min(last, period.last):
            away.add((specialist_id, day))
            day += datetime.timedelta(days=1)
    return away


def split_by_hour(start: datetime.datetime, minutes: int, tz: ZoneInfo, into: dict, times: int = 1) -> None:
    """Add `minutes` from `start` (an instant) to `into[(weekday, hour)]`, each minute in the local
    hour it falls in; `times` counts identical spans at once. Steps a local hour at a time, so a
    DST change inside the span is taken as the clock takes it (the skipped hour gets nothing, the
    repeated one gets both)."""
    moment = start
    left = minutes
    while left > 0:
        local = moment.astimezone(tz)
        chunk = min(left, 60 - local.minute)
        into[(local.weekday(), local.hour)] += chunk * times
        moment += datetime.timedelta(minutes=chunk)
        left -= chunk


@dataclass
class HourCells:
    """Booked and scheduled minutes per (weekday 0–6, local hour 0–23)."""

    booked: dict = field(default_factory=lambda: defaultdict(int))
    scheduled: dict = field(default_factory=lambda: defaultdict(int))

    def rate(self, cell) -> Decimal | None:
        return FillRate.of(self.booked.get(cell, 0), self.scheduled.get(cell, 0)).rate

    def hours(self) -> list[int]:
        """The hours from the earliest to the latest with any minute, scheduled or booked."""
        used = [hour for (_day, hour), minutes in (*self.booked.items(), *self.scheduled.items()) if minutes]
        return list(range(min(used), max(used) + 1)) if used else []


def hour_cells(filters, work: list[Shift] | None = None) -> HourCells:
    """Booked and scheduled minutes per hour of the week over the period. One query for the lines
    (grouped by start and length: a branch-month of ten thousand lines is a few thousand distinct
    starts), plus `shifts` unless given."""
    zones = {company.pk: company.tz for company in filters.companies}
    cells = HourCells()
    rows = (
        booked_lines(filters).values_list("record__company_id", "start", "duration").annotate(n=Count("id")).order_by()
    )
    for company_id, start, duration, count in rows:
        split_by_hour(start, duration, zones[company_id], cells.booked, count)
    # Most specialists of a branch work the same hours: each distinct span is split once.
    spans = Counter(
        (shift.company_id, shift.start, shift.minutes) for shift in (shifts(filters) if work is None else work)
    )
    for (company_id, start, minutes), count in spans.items():
        split_by_hour(start, minutes, zones[company_id], cells.scheduled, count)
    return cells


# -- resources ----------------------------------------------------------------------------------


@dataclass
class ResourceLoad:
    resource: Resource
    booked_minutes: int  # records' resource bookings and classes held in the room
    open_minutes: int  # the branch's opening hours on the period's dates × capacity

    @property
    def rate(self) -> Decimal | None:
        return FillRate.of(self.booked_minutes, self.open_minutes).rate


def resource_loads(filters) -> list[ResourceLoad]:
    """Every resource of these branches: minutes booked (the blocks of records holding time that
    need it, and the classes held in it, by their start's local date) ÷ the branch's opening hours
    on the period's dates × the resource's capacity. Four queries."""
    resources = list(Resource.objects.filter(company_id__in=filters.company_ids).order_by("company_id", "title", "id"))
    if not resources:
        return []
    booked: dict[int, int] = defaultdict(int)
    bookings = ResourceBooking.objects.filter(
        _in_period(filters.companies, filters.period, "start", prefix="record__"),
        active=True,
        record__status__in=RecordStatus.HOLDING,
    )
    for resource_id, start, end in bookings.values_list("resource_id", "block_start", "block_end"):
        booked[resource_id] += int((end - start) / MINUTE)
    classes = GroupEvent.objects.filter(
        _in_period(filters.companies, filters.period, "start"), resource__isnull=False
    ).exclude(status=GroupEventStatus.CANCELLED)
    for resource_id, start, end in classes.values_list("resource_id", "start", "end"):
        booked[resource_id] += int((end - start) / MINUTE)
    open_by_company = opening_minutes(filters)
    return [
        ResourceLoad(resource, booked[resource.pk], open_by_company.get(resource.company_id, 0) * resource.capacity)
        for resource in resources
    ]


def opening_minutes(filters) -> dict[int, int]:
    """{branch: minutes open on the period's dates} from the weekly opening hours (wall clock).
    One query."""
    weekdays: dict[int, int] = defaultdict(int)
    day = filters.period.first
    while day <= filters.period.last:
        weekdays[day.weekday()] += 1
        day += datetime.timedelta(days=1)
    out: dict[int, int] = defaultdict(int)
    for company_id, weekday, opens, closes in OpeningHours.objects.filter(
        company_id__in=filters.company_ids
    ).values_list("company_id", "weekday", "opens", "closes"):
        out[company_id] += weekdays[weekday] * (_clock(closes) - _clock(opens))
    return out


def _clock(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


__all__ = [
    "HourCells",
    "ResourceLoad",
    "Shift",
    "booked_by",
    "booked_lines",
    "hour_cells",
    "local_instant",
    "resource_loads",
    "shifts",
    "split_by_hour",
]
