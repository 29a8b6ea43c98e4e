"""The overview's figures, one function per group, for one branch or a set of branches (the whole
network is the set of all its branches).

Every function runs a fixed number of queries whatever the data and however many branches it
reads, and every day is the branch's own local day: a record at 23:30 in Yekaterinburg belongs to
that day there, whatever the server's or the reader's zone. What each figure counts is written
down in `docs/analytics.md`; `tests/test_overview_properties.py` checks every figure against a
naive recomputation from the raw tables, through the real event path.

Today's figures are read live from the indexed tables (records by branch and start, transactions
by branch and time). The period figures read the daily facts (`facts.py`) after recomputing the
stale days in their range — one query more when nothing is stale — except new / returning
clients, which are not additive over days and are read from the records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from frontdesk.analytics import facts
from frontdesk.analytics.dates import Period, _local_bounds, _zones
from frontdesk.analytics.facts import CAME, SOURCE_COLUMNS, SOURCES, STATUS_GROUPS
from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import Transaction
from frontdesk.scheduling.models import Record, RecordStatus

ZERO = Decimal("0.00")


def _in_period(companies, period: Period, time_field: str, prefix: str = "") -> Q:
    """Rows of these branches whose `time_field` falls on one of the period's local dates."""
    condition = Q(pk__in=[])
    for zone, ids in _zones(companies).items():
        start, end = _local_bounds(period.first, period.last, zone)
        condition |= Q(
            **{f"{prefix}company_id__in": ids, f"{prefix}{time_field}__gte": start, f"{prefix}{time_field}__lt": end}
        )
    return condition


def _today(companies, now: datetime.datetime, time_field: str, prefix: str = "") -> Q:
    """Rows of each branch whose `time_field` falls on that branch's own today."""
    condition = Q(pk__in=[])
    for zone, ids in _zones(companies).items():
        day = now.astimezone(ZoneInfo(zone)).date()
        start, end = _local_bounds(day, day, zone)
        condition |= Q(
            **{f"{prefix}company_id__in": ids, f"{prefix}{time_field}__gte": start, f"{prefix}{time_field}__lt": end}
        )
    return condition


def _sale_money():
    # Money paid for sales, net of refunds (a refund is a negative row pointing to its sale).
    # Bonuses, certificates and abonements spent at a checkout are not money and are not here.
    return Transaction.objects.filter(sale__isnull=False)


# -- today --------------------------------------------------------------------------------------


@dataclass
class Today:
    bookings: int  # records starting today, not cancelled
    arrived: int  # of them: arrived or completed
    to_come: int  # of them: still upcoming (booked or confirmed, start ahead)
    revenue: Decimal  # money for sales today so far, net of refunds


def today(companies, now: datetime.datetime) -> Today:
    """Each branch's own today. Two queries."""
    records = Record.objects.filter(_today(companies, now, "start")).aggregate(
        bookings=Count("id", filter=~Q(status=RecordStatus.CANCELLED)),
        arrived=Count("id", filter=Q(status__in=CAME)),
        to_come=Count("id", filter=Q(status__in=RecordStatus.UPCOMING, start__gt=now)),
    )
    revenue = _sale_money().filter(_today(companies, now, "occurred_at")).aggregate(s=MoneySum("amount"))["s"]
    return Today(revenue=to_money(revenue or ZERO), **records)


# -- the period ---------------------------------------------------------------------------------


@dataclass
class Revenue:
    revenue: Decimal  # money for sales paid in the period, net of refunds made in it
    checks: int  # sales whose first payment is in the period
    average_check: Decimal | None  # revenue ÷ checks

    @classmethod
    def of(cls, revenue, checks) -> Revenue:
        revenue = to_money(revenue or ZERO)
        return cls(revenue, checks, to_money(revenue / checks) if checks else None)


def _refreshed(companies, period: Period) -> list:
    companies = list(companies)
    facts.refresh(companies, period.first, period.last)
    return companies


def revenue(companies, period: Period) -> Revenue:
    """Revenue and the average check, from the daily money facts. Two queries."""
    return _revenue(_refreshed(companies, period), period)


def _revenue(companies, period: Period) -> Revenue:
    row = facts.money_totals(companies, period)
    return Revenue.of(row["revenue"], row["checks"])


def visits_by_status(companies, period: Period) -> dict[str, int]:
    """Records starting in the period by status group (STATUS_GROUPS). Two queries."""
    return _visits(facts.totals(_refreshed(companies, period), period))


def _visits(row) -> dict[str, int]:
    return {name: row[name] for name in STATUS_GROUPS}


def booking_sources(companies, period: Period) -> dict[str, int]:
    """Records starting in the period, cancelled ones included, by the source they were booked
    through; "repeat" counts the records of series besides. Two queries."""
    return _sources(facts.totals(_refreshed(companies, period), period))


def _sources(row) -> dict[str, int]:
    return {source: row[column] for source, column in SOURCE_COLUMNS.items()}


@dataclass
class Clients:
    new: int  # came in the period for the first time in the network
    returning: int  # came in the period, and had come before it


def clients(companies, period: Period) -> Clients:
    """Clients who came (a completed record) in the period, new or returning. A client's first
    visit is the network's (cards are network-wide): `ClientStats.first_visit`, kept by the
    record events. Distinct clients do not add up over days, so this reads the records. One query."""
    came = Q(pk__in=[])
    new = Q(pk__in=[])
    for zone, ids in _zones(companies).items():
        start, end = _local_bounds(period.first, period.last, zone)
        here = Q(company_id__in=ids, start__gte=start, start__lt=end)
        came |= here
        new |= here & Q(client__stats__first_visit__gte=start)
    row = Record.objects.filter(came, status=RecordStatus.COMPLETED, client__isnull=False).aggregate(
        total=Count("client_id", distinct=True), new=Count("client_id", distinct=True, filter=new)
    )
    return Clients(new=row["new"], returning=row["total"] - row["new"])


@dataclass
class FillRate:
    booked_minutes: int  # service lines of records holding time (not classes), by record start
    scheduled_minutes: int  # the specialists' work intervals on the period's dates
    rate: Decimal | None  # booked ÷ scheduled, 0.0001 precision

    @classmethod
    def of(cls, booked, scheduled) -> FillRate:
        rate = (Decimal(booked) / Decimal(scheduled)).quantize(Decimal("0.0001")) if scheduled else None
        return cls(booked, scheduled, rate)


def fill_rate(companies, period: Period) -> FillRate:
    """Booked minutes ÷ scheduled minutes, from the daily facts. Two queries."""
    return _fill_rate(facts.totals(_refreshed(companies, period), period))


def _fill_rate(row) -> FillRate:
    return FillRate.of(row["booked_minutes"], row["scheduled_minutes"])


@dataclass
class PeriodFigures:
    period: Period
    revenue: Revenue
    visits: dict[str, int]
    sources: dict[str, int]
    clients: Clients
    fill_rate: FillRate


def period_figures(companies, period: Period) -> PeriodFigures:
    """Every period figure of the overview. Four queries (a refresh check, the money facts, the
    record facts, the clients) when nothing is stale."""
    return _figures(_refreshed(companies, period), period)


def _figures(companies, period: Period) -> PeriodFigures:
    row = facts.totals(companies, period)
    return PeriodFigures(
        period=period,
        revenue=_revenue(companies, period),
        visits=_visits(row),
        sources=_sources(row),
        clients=clients(companies, period),
        fill_rate=_fill_rate(row),
    )


@dataclass
class Comparison:
    current: PeriodFigures
    previous: PeriodFigures
    year_before: PeriodFigures = field(repr=False)


def compare(companies, period: Period) -> Comparison:
    """The period, the one right before it and the same dates a year earlier. Ten queries when
    nothing is stale: one refresh check over the year, three per period."""
    companies = list(companies)
    previous, year_before = period.previous(), period.year_before()
    facts.refresh(companies, year_before.first, period.last)
    return Comparison(
        current=_figures(companies, period),
        previous=_figures(companies, previous),
        year_before=_figures(companies, year_before),
    )


def change(current, before) -> Decimal | None:
    """The relative change from `before` to `current` (0.25 is +25 %); None when before is 0."""
    if current is None or before is None or not before:
        return None
    return ((Decimal(current) - Decimal(before)) / Decimal(before)).quantize(Decimal("0.0001"))


__all__ = [
    "CAME",
    "SOURCES",
    "STATUS_GROUPS",
    "Clients",
    "Comparison",
    "FillRate",
    "Period",
    "PeriodFigures",
    "Revenue",
    "Today",
    "booking_sources",
    "change",
    "clients",
    "compare",
    "fill_rate",
    "period_figures",
    "revenue",
    "today",
    "visits_by_status",
]
