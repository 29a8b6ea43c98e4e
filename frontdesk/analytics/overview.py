"""The overview's figures, one function per group, for one branch or a set of branches (the whole
network is the set of all its branches).

Every function runs a fixed number of queries whatever the data and however many branches it
reads, and every day is the branch's own local day: a record at 23:30 in Yekaterinburg belongs to
that day there, whatever the server's or the reader's zone. What each figure counts is written
down in `docs/analytics.md`; `tests/test_overview_properties.py` checks every figure against a
naive recomputation from the raw tables, through the real event path.

Today's figures are read live from the indexed tables (records by branch and start, transactions
by branch and time). The period figures read the daily facts (`facts.py`) after recomputing the
stale days in their range — one query more when nothing is stale. New / returning clients are
not additive over days: they are counted from the per-client facts `ClientDay` (one row per
client, branch and local date with a completed record), which the record events keep after each
commit (`client_facts`); a specialist's own clients are read from the records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q, Subquery

from frontdesk.analytics import facts
from frontdesk.analytics.dates import Period, _local_bounds, _zones
from frontdesk.analytics.facts import CAME, SOURCE_COLUMNS, SOURCES, STATUS_GROUPS
from frontdesk.analytics.models import ClientDay
from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import Transaction
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.tenancy.models import Company

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


def _staff(specialist, field: str = "specialist_id") -> Q:
    """The optional staff filter: None (everyone), a specialist or its id, or a collection of ids
    (the specialists of a position)."""
    if specialist is None:
        return Q()
    if isinstance(specialist, int | str) or hasattr(specialist, "pk"):
        return Q(**{field: getattr(specialist, "pk", specialist)})
    return Q(**{f"{field}__in": list(specialist)})


def _staff_money(specialist) -> Q:
    """Money of the sales of visits the specialist worked on: a visit shared by two specialists
    counts in full for each (money is paid for the visit, not per line)."""
    if specialist is None:
        return Q()
    return Q(sale__visit_id__in=Record.objects.filter(_staff(specialist)).values("visit_id"))


# -- today --------------------------------------------------------------------------------------


@dataclass
class Today:
    bookings: int  # records starting today, not cancelled
    arrived: int  # of them: arrived or completed
    to_come: int  # of them: still upcoming (booked or confirmed, start ahead)
    revenue: Decimal  # money for sales today so far, net of refunds


def today(companies, now: datetime.datetime, *, specialist=None) -> Today:
    """Each branch's own today; one specialist's records only when `specialist` is given (their
    revenue is not read: it is the sale lines of `own.revenue`, and `revenue` stays 0). Two
    queries, one when `specialist` is given."""
    records = Record.objects.filter(_today(companies, now, "start"), _staff(specialist)).aggregate(
        bookings=Count("id", filter=~Q(status=RecordStatus.CANCELLED)),
        arrived=Count("id", filter=Q(status__in=CAME)),
        to_come=Count("id", filter=Q(status__in=RecordStatus.UPCOMING, start__gt=now)),
    )
    if specialist is not None:
        return Today(revenue=ZERO, **records)
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


def revenue(companies, period: Period, *, specialist=None, item: str | None = None) -> Revenue:
    """Revenue and the average check, from the daily money facts (two queries when nothing is
    stale). The facts keep neither split below, so with either the ledger is read (one query):
    `specialist` keeps the money of the sales of visits they worked on (`_staff_money`); `item`
    the money posted to one income item by its code ("services": visits; "goods", "certificates":
    counter sales — finance.checkout.ITEM_OF_KIND). There a check is a sale with money in the
    period; the facts count a check on the local date of the sale's first money."""
    if specialist is None and item is None:
        return _revenue(_refreshed(companies, period), period)
    money = _sale_money().filter(_staff_money(specialist))
    if item is not None:
        money = money.filter(item__code=item)
    row = money.filter(_in_period(companies, period, "occurred_at")).aggregate(
        revenue=MoneySum("amount"), checks=Count("sale_id", distinct=True, filter=Q(amount__gt=0))
    )
    return Revenue.of(row["revenue"], row["checks"])


def _revenue(companies, period: Period) -> Revenue:
    row = facts.money_totals(companies, period)
    return Revenue.of(row["revenue"], row["checks"])


def visits_by_status(companies, period: Period, *, specialist=None) -> dict[str, int]:
    """Records starting in the period by status group (STATUS_GROUPS), from the daily facts (one
    specialist's rows with `specialist`). Two queries."""
    return _visits(facts.totals(_refreshed(companies, period), period, _staff(specialist)))


def _visits(row) -> dict[str, int]:
    return {name: row[name] for name in STATUS_GROUPS}


def booking_sources(companies, period: Period, *, specialist=None) -> dict[str, int]:
    """Records starting in the period, cancelled ones included, by the source they were booked
    through; "repeat" counts the records of series besides. From the daily facts; two queries."""
    return _sources(facts.totals(_refreshed(companies, period), period, _staff(specialist)))


def _sources(row) -> dict[str, int]:
    return {source: row[column] for source, column in SOURCE_COLUMNS.items()}


@dataclass
class Clients:
    new: int  # came in the period for the first time in the network
    returning: int  # came in the period, and had come before it


def _came_and_new(companies, period: Period) -> tuple[Q, Q]:
    """Records of the period (by local date) and, of them, those of clients whose first visit in
    the network is in the period: the conditions `clients` counts distinct clients with."""
    came = Q(pk__in=[])
    new = Q(pk__in=[])
    for zone, ids in _zones(companies).items():
        start, end = _local_bounds(period.first, period.last, zone)
        here = Q(company_id__in=ids, start__gte=start, start__lt=end)
        came |= here
        new |= here & Q(client__stats__first_visit__gte=start)
    return came, new


def clients(companies, period: Period, *, specialist=None) -> Clients:
    """Clients who came (a completed record) in the period, new or returning. A client's first
    visit is the network's (cards are network-wide): their first completed record, new when it
    starts at or after the period's first midnight in the zone of the branch they came to.

    Read from the client-day facts (`_clients_from_facts`): one query for a branch or the whole
    network (plus one, for a set of several branches that is not the whole network). With
    `specialist`: the clients who came to them (new ones are still new to the network, not only
    to them), read from the records — one query."""
    if specialist is None:
        return _clients_from_facts(list(companies), period)
    return _clients_from_records(companies, period, specialist)


def _clients_from_records(companies, period: Period, specialist=None) -> Clients:
    """`clients` counted over the completed records (`ClientStats.first_visit` for "new"): what
    the facts must equal (`tests/test_overview_client_facts.py`). One query."""
    came, new = _came_and_new(companies, period)
    row = Record.objects.filter(
        came, _staff(specialist), status=RecordStatus.COMPLETED, client__isnull=False
    ).aggregate(total=Count("client_id", distinct=True), new=Count("client_id", distinct=True, filter=new))
    return Clients(new=row["new"], returning=row["total"] - row["new"])


def _first_at_or_after_start(companies, period: Period) -> Q:
    """`ClientDay` rows whose client's first completed record starts at or after the period's
    first midnight in the zone of the row's branch."""
    condition = Q(pk__in=[])
    for zone, ids in _zones(companies).items():
        condition |= Q(company_id__in=ids, first_at__gte=_local_bounds(period.first, period.first, zone)[0])
    return condition


def _first_row(scope: str, period: Period) -> Q:
    """The client's first row of the period in the scope (`any`: the network, `here`: the
    row's branch): its previous row, if any, falls before the period."""
    return Q(**{f"prev_{scope}__isnull": True}) | Q(**{f"prev_{scope}__lt": period.first})


def _clients_from_facts(companies, period: Period) -> Clients:
    """`clients` of a branch or of several from `ClientDay`, counting each client's first row of
    the period (no DISTINCT), read from the covering index: one query; for several branches that
    are not every branch of the network, one more (a DISTINCT over the branches' rows: their
    `prev_any` may point to a branch left out). First brings the facts of clients changed in
    the current transaction up to date (`client_facts.flush`: no query when nothing waits)."""
    # Imported here: client_facts reads the reports' helpers, which import this module.
    from frontdesk.analytics import client_facts

    client_facts.flush()
    if not companies:
        return Clients(0, 0)
    new = _first_at_or_after_start(companies, period)
    in_period = Q(day__gte=period.first, day__lte=period.last)
    if len(companies) == 1:
        first = _first_row("here", period)
        row = ClientDay.objects.filter(in_period, company_id=companies[0].pk).aggregate(
            total=Count("client", filter=first), new=Count("client", filter=first & new)
        )
        return Clients(new=row["new"], returning=row["total"] - row["new"])
    chain_id, ids = companies[0].chain_id, [company.pk for company in companies]
    first = _first_row("any", period)
    left_out = Company._base_manager.filter(chain_id=chain_id).exclude(pk__in=ids).values("chain_id")
    row = ClientDay.objects.filter(in_period, chain_id=chain_id).aggregate(
        total=Count("client", filter=first),
        # One zone: the client's first row says it; several: any of their rows in the period may
        # (each against its own branch's midnight), so the new ones are counted DISTINCT — only
        # the rows of clients whose first visit is near or in the period pass the filter.
        new=Count("client", filter=first & new)
        if len(_zones(companies)) == 1
        else Count("client", distinct=True, filter=new),
        # Whether some branch of the network is not read (one uncorrelated subquery, run once).
        left_out=Max(Subquery(left_out.annotate(n=Count("pk")).values("n")[:1])),
    )
    if row["left_out"]:
        row = ClientDay.objects.filter(in_period, company_id__in=ids).aggregate(
            total=Count("client", distinct=True), new=Count("client", distinct=True, filter=new)
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


def fill_rate(companies, period: Period, *, specialist=None) -> FillRate:
    """Booked minutes ÷ scheduled minutes, from the daily facts (one specialist's with
    `specialist`). Two queries."""
    return _fill_rate(facts.totals(_refreshed(companies, period), period, _staff(specialist)))


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


def compare(companies, period: Period, previous: Period | None = None) -> Comparison:
    """The period, the one right before it (or `previous`, e.g. the same days of last month) and
    the same dates a year earlier. Ten queries when nothing is stale: one refresh check over the
    year, three per period."""
    companies = list(companies)
    previous, year_before = previous or period.previous(), period.year_before()
    facts.refresh(companies, min(year_before.first, previous.first), period.last)
    return Comparison(
        current=_figures(companies, period),
        previous=_figures(companies, previous),
        year_before=_figures(companies, year_before),
    )


# -- per branch (the branch comparison) ---------------------------------------------------------
# The same figures as above, one value per branch of `companies`, each read in one query grouped
# by branch (so a network of any size costs the same number of queries). A branch with no rows
# gets the figures of an empty period. Summing branches gives the network's figures except for
# clients: a client who came to two branches is one client of the network.


def revenue_by_branch(companies, period: Period) -> dict[int, Revenue]:
    """`revenue` per branch, from the daily money facts. Two queries when nothing is stale."""
    out = {company.pk: Revenue.of(ZERO, 0) for company in companies}
    for row in facts.per_day(companies, period, by=("company_id",), model=facts.DayMoney):
        out[row["company_id"]] = Revenue.of(row["revenue"], row["checks"])
    return out


def _facts_by_branch(companies, period: Period) -> dict[int, dict]:
    rows = {company.pk: None for company in companies}
    for row in facts.per_day(companies, period, by=("company_id",)):
        rows[row["company_id"]] = row
    return rows


def visits_by_status_by_branch(companies, period: Period) -> dict[int, dict[str, int]]:
    """`visits_by_status` per branch, from the daily facts. Two queries when nothing is stale."""
    empty = dict.fromkeys(STATUS_GROUPS, 0)
    return {pk: _visits(row) if row else dict(empty) for pk, row in _facts_by_branch(companies, period).items()}


def booking_sources_by_branch(companies, period: Period) -> dict[int, dict[str, int]]:
    """`booking_sources` per branch, from the daily facts. Two queries when nothing is stale."""
    empty = dict.fromkeys(SOURCES, 0)
    return {pk: _sources(row) if row else dict(empty) for pk, row in _facts_by_branch(companies, period).items()}


def clients_by_branch(companies, period: Period) -> dict[int, Clients]:
    """`clients` per branch: who came to that branch, new when their first visit in the network
    is in the period. From the client-day facts (each client's first row of the period at the
    branch), one query grouped by branch (after `client_facts.flush`, as `clients`)."""
    from frontdesk.analytics import client_facts  # see _clients_from_facts

    client_facts.flush()
    companies = list(companies)
    out = {company.pk: Clients(0, 0) for company in companies}
    if not companies:
        return out
    first, new = _first_row("here", period), _first_at_or_after_start(companies, period)
    for row in (
        ClientDay.objects.filter(
            day__gte=period.first, day__lte=period.last, company_id__in=[company.pk for company in companies]
        )
        .values("company_id")
        .annotate(total=Count("client", filter=first), new=Count("client", filter=first & new))
        .order_by()
    ):
        out[row["company_id"]] = Clients(new=row["new"], returning=row["total"] - row["new"])
    return out


def fill_rate_by_branch(companies, period: Period) -> dict[int, FillRate]:
    """`fill_rate` per branch, from the daily facts. Two queries when nothing is stale."""
    return {
        pk: _fill_rate(row) if row else FillRate.of(0, 0) for pk, row in _facts_by_branch(companies, period).items()
    }


def period_figures_by_branch(companies, period: Period) -> dict[int, PeriodFigures]:
    """`period_figures` for each branch of `companies`, by branch id: the daily facts (money, and
    the counts and minutes, each with its refresh check) and the clients. Six queries when nothing
    is stale, however many branches."""
    companies = _refreshed(companies, period)
    money = revenue_by_branch(companies, period)
    by_branch = _facts_by_branch(companies, period)
    empty_visits, empty_sources = dict.fromkeys(STATUS_GROUPS, 0), dict.fromkeys(SOURCES, 0)
    visits = {pk: _visits(row) if row else dict(empty_visits) for pk, row in by_branch.items()}
    sources = {pk: _sources(row) if row else dict(empty_sources) for pk, row in by_branch.items()}
    fill = {pk: _fill_rate(row) if row else FillRate.of(0, 0) for pk, row in by_branch.items()}
    people = clients_by_branch(companies, period)
    return {
        company.pk: PeriodFigures(
            period=period,
            revenue=money[company.pk],
            visits=visits[company.pk],
            sources=sources[company.pk],
            clients=people[company.pk],
            fill_rate=fill[company.pk],
        )
        for company in companies
    }


def network_figures(companies, period: Period, by_branch: dict[int, PeriodFigures]) -> PeriodFigures:
    """`period_figures` of all `companies` together from `by_branch` (theirs, from
    `period_figures_by_branch`): money, checks (a sale belongs to one branch), visits, sources
    and minutes add up; clients do not (one client may come to two branches) and are read —
    one query."""
    parts = [by_branch[company.pk] for company in companies]
    money = sum((f.revenue.revenue for f in parts), ZERO)
    checks = sum(f.revenue.checks for f in parts)

    def added(name):
        keys = getattr(parts[0], name) if parts else {}
        return {key: sum(getattr(f, name)[key] for f in parts) for key in keys}

    return PeriodFigures(
        period=period,
        revenue=Revenue.of(money, checks),
        visits=added("visits") if parts else dict.fromkeys(STATUS_GROUPS, 0),
        sources=added("sources") if parts else dict.fromkeys(SOURCES, 0),
        clients=clients(companies, period),
        fill_rate=FillRate.of(
            sum(f.fill_rate.booked_minutes for f in parts), sum(f.fill_rate.scheduled_minutes for f in parts)
        ),
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
