"""Client return for a branch and a period («возвращаемость»), as the YCLIENTS loyalty-programme
analytics report it: of the clients who came, how many are new and how many had come before,
how many came back afterwards and how many are lost; the money they paid; the same per specialist.

What is counted (docs/analytics.md, "The API's figures"):

- **came**: distinct clients with a completed record starting on one of the period's local dates
  in the branch (`overview.clients` counts the same clients), optionally only the card holders of
  one loyalty programme;
- **new**: their first completed visit in the network (`ClientStats.first_visit`) is in the
  period; **old** otherwise;
- **returned**: they came again after their first visit in the period — any later completed visit
  in the network, up to now (`ClientStats.last_visit`); per specialist, a later completed visit
  to the same specialist;
- **lost**: lost now by the one rule of `clients/lost.py` (`ClientStats.lost_after` has passed);
- **income**: the money for their sales in the period, net of refunds (`overview.revenue`'s rows).

Every function runs a fixed number of queries whatever the data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Q

from frontdesk.analytics.daily import days_of
from frontdesk.analytics.overview import ZERO, Period, _in_period, _local_bounds, _sale_money
from frontdesk.analytics.reports.periods import per_local_date
from frontdesk.clients.models import Client
from frontdesk.core.money import MoneySum, to_money
from frontdesk.loyalty.models import Card
from frontdesk.scheduling.models import Record, RecordStatus


@dataclass
class Returns:
    all_count: int = 0
    returned_count: int = 0
    lost_count: int = 0

    @property
    def returned_percent(self) -> float:
        return round(100 * self.returned_count / self.all_count, 2) if self.all_count else 0.0

    def add(self, returned: bool, lost: bool) -> None:
        self.all_count += 1
        self.returned_count += returned
        self.lost_count += lost


@dataclass
class Income:
    all_sum: Decimal = ZERO
    returned_sum: Decimal = ZERO


@dataclass
class ClientReturn:
    new: Returns = field(default_factory=Returns)
    old: Returns = field(default_factory=Returns)
    total: Returns = field(default_factory=Returns)
    # date → (new clients, old clients) who came that day
    by_day: dict[datetime.date, tuple[int, int]] = field(default_factory=dict)
    # client id → new?, returned? (the classification the income figures use)
    clients: dict[int, tuple[bool, bool]] = field(default_factory=dict)


def came(company, period: Period, programme_id: int | None = None):
    """Completed records of the branch starting in the period, of clients (card holders of the
    programme when one is given)."""
    records = Record.objects.filter(
        _in_period([company], period, "start"), status=RecordStatus.COMPLETED, client__isnull=False
    )
    if programme_id is not None:
        records = records.filter(
            client_id__in=Card.objects.filter(memberships__programme_id=programme_id).values("client_id")
        )
    return records


def client_return(company, period: Period, now: datetime.datetime, *, programme_id=None) -> ClientReturn:
    """New, old, returned and lost clients of the period, and new/old per day. Two queries."""
    start, _end = _local_bounds(period.first, period.last, company.timezone)
    result = ClientReturn()
    rows = (
        came(company, period, programme_id)
        .values("client_id", "client__stats__first_visit", "client__stats__last_visit", "client__stats__lost_after")
        .annotate(first=Min("start"))
        .order_by()
    )
    for row in rows:
        first_visit = row["client__stats__first_visit"]
        new = first_visit is not None and first_visit >= start
        returned = (row["client__stats__last_visit"] or row["first"]) > row["first"]
        lost_after = row["client__stats__lost_after"]
        lost = lost_after is not None and lost_after <= now
        (result.new if new else result.old).add(returned, lost)
        result.total.add(returned, lost)
        result.clients[row["client_id"]] = (new, returned)
    tz = company.tz
    per_day: dict[datetime.date, set] = defaultdict(set)
    firsts: dict[int, datetime.date | None] = {}
    for row in per_local_date(
        came(company, period, programme_id),
        [company],
        period,
        "start",
        ("client_id", "client__stats__first_visit"),
        {"n": Count("id")},
    ):
        per_day[row["day"]].add(row["client_id"])
        first_visit = row["client__stats__first_visit"]
        firsts[row["client_id"]] = first_visit.astimezone(tz).date() if first_visit else None
    for day in days_of(period):
        ids = per_day.get(day, set())
        new = sum(1 for client_id in ids if firsts[client_id] == day)
        result.by_day[day] = (new, len(ids) - new)
    return result


@dataclass
class ClientIncome:
    """The money of the clients who came, split as `ClientReturn` splits them."""

    # date → (money of new clients, money of old clients)
    by_day: dict[datetime.date, tuple[Decimal, Decimal]] = field(default_factory=dict)
    new: Income = field(default_factory=Income)
    old: Income = field(default_factory=Income)
    total: Income = field(default_factory=Income)


def client_income(company, period: Period, figures: ClientReturn, *, programme_id=None) -> ClientIncome:
    """The money for the sales of the clients who came (`figures.clients`), by new/old and
    returned, in total and per day. One query (after `client_return`)."""
    result = ClientIncome()
    per_day: dict[datetime.date, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    money = _sale_money().filter(sale__client_id__in=came(company, period, programme_id).values("client_id"))
    for row in per_local_date(money, [company], period, "occurred_at", ("sale__client_id",), {"s": MoneySum("amount")}):
        new, returned = figures.clients.get(row["sale__client_id"], (False, False))
        amount = to_money(row["s"] or ZERO)
        for income in (result.new if new else result.old, result.total):
            income.all_sum += amount
            if returned:
                income.returned_sum += amount
        per_day[row["day"]][0 if new else 1] += amount
    result.by_day = {day: tuple(per_day.get(day, (ZERO, ZERO))) for day in days_of(period)}
    return result


@dataclass
class StaffReturn:
    specialist_id: int
    name: str
    returns: Returns


def staff_return(company, period: Period, now: datetime.datetime, *, programme_id=None) -> list[StaffReturn]:
    """Per specialist: the clients who came to them in the period, how many came back to them
    afterwards, and how many are lost now. Two queries; specialists by name."""
    records = came(company, period, programme_id)
    pairs = list(
        records.values("specialist_id", "specialist__name", "client_id", "client__stats__lost_after")
        .annotate(first=Min("start"))
        .order_by()
    )
    start, _end = _local_bounds(period.first, period.last, company.timezone)
    later = {
        (row["specialist_id"], row["client_id"]): row["last"]
        for row in Record.objects.filter(
            status=RecordStatus.COMPLETED,
            start__gte=start,
            client_id__in=records.values("client_id"),
            specialist_id__in=records.values("specialist_id"),
        )
        .values("specialist_id", "client_id")
        .annotate(last=Max("start"))
        .order_by()
    }
    staff: dict[int, StaffReturn] = {}
    for row in pairs:
        entry = staff.setdefault(
            row["specialist_id"], StaffReturn(row["specialist_id"], row["specialist__name"], Returns())
        )
        last = later.get((row["specialist_id"], row["client_id"]), row["first"])
        lost_after = row["client__stats__lost_after"]
        entry.returns.add(last > row["first"], lost_after is not None and lost_after <= now)
    return sorted(staff.values(), key=lambda s: (s.name, s.specialist_id))


@dataclass
class ClientBase:
    total: int  # every client card of the network (cards are network-wide)
    lost: int  # of them, became lost during the period (and are still lost)


def client_base(chain, period: Period, zone: str, now: datetime.datetime | None = None) -> ClientBase:
    """The network's client base and the clients who became lost in the period: their
    `ClientStats.lost_after` (`clients/lost.py`, recomputed on every visit, so a client who came
    back is no longer counted) falls on one of its dates, up to now. One query."""
    now = now or datetime.datetime.now(datetime.UTC)
    start, end = _local_bounds(period.first, period.last, zone)
    row = Client.objects.filter(chain=chain).aggregate(
        total=Count("id"),
        lost=Count("id", filter=Q(stats__lost_after__gte=start, stats__lost_after__lt=min(end, now))),
    )
    return ClientBase(total=row["total"], lost=row["lost"])
