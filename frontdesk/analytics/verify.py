"""The overview's figures recomputed the plain way: every row read into Python, every date
converted one by one in its branch's zone. Slow on purpose and obviously right; the property test
(`tests/test_overview_properties.py`) and `manage.py verify_analytics` compare the real figures
with these."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from frontdesk.analytics import overview
from frontdesk.analytics.overview import CAME, STATUS_GROUPS, Period
from frontdesk.finance.models import Transaction
from frontdesk.scheduling.models import Record, RecordSource, RecordStatus
from frontdesk.staff.models import WorkInterval

# Rows are narrowed by a UTC window wider than any zone's day (UTC−12 … UTC+14), then each is
# placed on its branch's local date.
MARGIN = datetime.timedelta(days=2)


def _local_date(moment, company) -> datetime.date:
    return moment.astimezone(ZoneInfo(company.timezone)).date()


def _local_start(day, company) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(company.timezone))


def _window(first: datetime.date, last: datetime.date):
    utc = datetime.UTC
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=utc) - MARGIN
    return start, datetime.datetime.combine(last, datetime.time.min, tzinfo=utc) + MARGIN


def _records(companies, first, last):
    start, end = _window(first, last)
    rows = Record.objects.filter(company__in=companies, start__gte=start, start__lt=end).select_related("company")
    return [r for r in rows.prefetch_related("lines") if first <= _local_date(r.start, r.company) <= last]


def _money(companies, first, last):
    start, end = _window(first, last)
    rows = Transaction.objects.filter(
        company__in=companies, sale__isnull=False, occurred_at__gte=start, occurred_at__lt=end
    ).select_related("company")
    return [t for t in rows if first <= _local_date(t.occurred_at, t.company) <= last]


def naive_period(companies, period: Period) -> overview.PeriodFigures:
    companies = list(companies)
    here = _records(companies, period.first, period.last)
    money = _money(companies, period.first, period.last)
    revenue = sum((t.amount for t in money), Decimal("0.00"))
    # A check is counted on the local date of its sale's first payment, wherever that falls.
    first_paid: dict[int, Transaction] = {}
    paid = Transaction.objects.filter(sale_id__in={t.sale_id for t in money if t.amount > 0}, amount__gt=0)
    for t in paid.select_related("company"):
        if t.sale_id not in first_paid or t.occurred_at < first_paid[t.sale_id].occurred_at:
            first_paid[t.sale_id] = t
    checks = sum(period.first <= _local_date(t.occurred_at, t.company) <= period.last for t in first_paid.values())
    came_ids = {r.client_id for r in here if r.status == RecordStatus.COMPLETED and r.client_id}
    first_visit: dict[int, datetime.datetime] = {}
    for r in Record.objects.filter(status=RecordStatus.COMPLETED, client_id__in=came_ids):
        first_visit[r.client_id] = min(first_visit.get(r.client_id, r.start), r.start)
    came: dict[int, bool] = {}
    for r in here:
        if r.status == RecordStatus.COMPLETED and r.client_id:
            new = first_visit[r.client_id] >= _local_start(period.first, r.company)
            came[r.client_id] = came.get(r.client_id, False) or new
    booked = sum(
        line.duration
        for r in here
        if r.status in RecordStatus.HOLDING and r.group_event_id is None
        for line in r.lines.all()
    )
    scheduled = sum(
        (i.end.hour * 60 + i.end.minute) - (i.start.hour * 60 + i.start.minute)
        for i in WorkInterval.objects.filter(company__in=companies, date__gte=period.first, date__lte=period.last)
    )
    sources = {source: sum(r.source == source for r in here) for source in RecordSource.values}
    sources["repeat"] = sum(r.series_id is not None for r in here)
    return overview.PeriodFigures(
        period=period,
        revenue=overview.Revenue.of(revenue, checks),
        visits={name: sum(r.status in statuses for r in here) for name, statuses in STATUS_GROUPS.items()},
        sources=sources,
        clients=overview.Clients(new=sum(came.values()), returning=sum(not new for new in came.values())),
        fill_rate=overview.FillRate.of(booked, scheduled),
    )


def naive_today(companies, now: datetime.datetime) -> overview.Today:
    companies = list(companies)
    days = {_local_date(now, c) for c in companies}
    first, last = min(days), max(days)
    today = [
        r for r in _records(companies, first, last) if _local_date(r.start, r.company) == _local_date(now, r.company)
    ]
    money = [
        t
        for t in _money(companies, first, last)
        if _local_date(t.occurred_at, t.company) == _local_date(now, t.company)
    ]
    return overview.Today(
        bookings=sum(r.status != RecordStatus.CANCELLED for r in today),
        arrived=sum(r.status in CAME for r in today),
        to_come=sum(r.status in RecordStatus.UPCOMING and r.start > now for r in today),
        revenue=sum((t.amount for t in money), Decimal("0.00")),
    )


def differences(companies, period: Period, now: datetime.datetime) -> list[str]:
    """What the overview's figures say and the plain recomputation does not: one line each."""
    found = []
    real, plain = overview.period_figures(companies, period), naive_period(companies, period)
    for name in ("revenue", "visits", "sources", "clients", "fill_rate"):
        if getattr(real, name) != getattr(plain, name):
            found.append(f"{period.first}…{period.last} {name}: {getattr(real, name)} ≠ {getattr(plain, name)}")
    real_today, plain_today = overview.today(companies, now), naive_today(companies, now)
    if real_today != plain_today:
        found.append(f"today: {real_today} ≠ {plain_today}")
    return found
