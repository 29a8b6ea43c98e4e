"""The overview's period figures split by local date, for daily charts (the API's
`analytics/overall/charts/*_daily`): revenue, records and fill rate per day of a period.

Each function counts exactly what its overview selector counts (the same rows, the same
conditions, the same optional `specialist` filter), grouped by the branch's local date instead of
summed, so the days of a period add up to the overview's figure for it
(`tests/test_daily.py` checks that on random data). One query per time zone of the branches
(`reports.periods.per_local_date`); fill rate adds one query for the work intervals.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from frontdesk.analytics.facts import minutes_of
from frontdesk.analytics.overview import (
    STATUS_GROUPS,
    ZERO,
    FillRate,
    Period,
    _sale_money,
    _staff,
    _staff_money,
)
from frontdesk.analytics.reports.periods import per_local_date
from frontdesk.core.money import MoneySum, to_money
from frontdesk.scheduling.models import Record, RecordService, RecordStatus
from frontdesk.staff.models import WorkInterval


def days_of(period: Period) -> list[datetime.date]:
    return [period.first + datetime.timedelta(days=n) for n in range(period.days)]


def revenue_by_day(companies, period: Period, *, specialist=None) -> dict[datetime.date, Decimal]:
    """Every date of the period → the money for sales that moved on it, net of refunds
    (`overview.revenue`). One query per time zone."""
    out = dict.fromkeys(days_of(period), ZERO)
    money = _sale_money().filter(_staff_money(specialist))
    for row in per_local_date(money, companies, period, "occurred_at", (), {"s": MoneySum("amount")}):
        out[row["day"]] += to_money(row["s"] or ZERO)
    return out


def visits_by_day(companies, period: Period, *, specialist=None) -> dict[datetime.date, dict[str, int]]:
    """Every date of the period → records starting on it by status group
    (`overview.visits_by_status`). One query per time zone."""
    out = {day: dict.fromkeys(STATUS_GROUPS, 0) for day in days_of(period)}
    aggregates = {name: Count("id", filter=Q(status__in=statuses)) for name, statuses in STATUS_GROUPS.items()}
    records = Record.objects.filter(_staff(specialist))
    for row in per_local_date(records, companies, period, "start", (), aggregates):
        for name in STATUS_GROUPS:
            out[row["day"]][name] += row[name]
    return out


def fill_by_day(companies, period: Period, *, specialist=None) -> dict[datetime.date, FillRate]:
    """Every date of the period → booked and scheduled minutes on it (`overview.fill_rate`).
    One query per time zone and one for the work intervals."""
    booked: dict[datetime.date, int] = defaultdict(int)
    lines = RecordService.objects.filter(
        _staff(specialist, "record__specialist_id"),
        record__status__in=RecordStatus.HOLDING,
        record__group_event__isnull=True,
    )
    for row in per_local_date(lines, companies, period, "start", (), {"m": Sum("duration")}, prefix="record__"):
        booked[row["day"]] += row["m"] or 0
    scheduled: dict[datetime.date, int] = defaultdict(int)
    for day, start, end in WorkInterval.objects.filter(
        _staff(specialist),
        company_id__in=[company.pk for company in companies],
        date__gte=period.first,
        date__lte=period.last,
    ).values_list("date", "start", "end"):
        scheduled[day] += minutes_of(end) - minutes_of(start)
    return {day: FillRate.of(booked[day], scheduled[day]) for day in days_of(period)}
