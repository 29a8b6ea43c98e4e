"""The daily facts: computed per branch and local date from the raw tables, kept by the domain
events, read by the overview (docs/analytics.md, «The data path»).

- `compute(company, first, last)` is the ONE computation of a branch's facts: the stale-day
  refresh, `manage.py rebuild_analytics` and `manage.py verify_analytics` all call it, so stored
  facts equal a recomputation by construction. Five queries for any range of dates.
- `mark(company, dates)` (the listeners, `listeners.py`) records that a change touched those local
  dates: one upsert, inside the sender's transaction. Nothing is ever added or subtracted.
- `refresh(companies, first, last)` recomputes the marked days inside a range before a reader
  reads: one query when nothing is stale.
- `totals`, `money_totals`, `per_day`, `parts` read the stored facts (one query each), after a
  refresh.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from frontdesk.analytics import money_split
from frontdesk.analytics.dates import Period, _local_bounds
from frontdesk.analytics.models import DayFacts, DayMoney, DayMoneyPart, StaleDay
from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import LineKind, PaymentMethod, Transaction
from frontdesk.scheduling.models import Record, RecordService, RecordSource, RecordStatus
from frontdesk.staff.models import WorkInterval

ZERO = Decimal("0.00")

# Visits by status: what the owner asks of a day that is over. Each group is a column of DayFacts.
CAME = (RecordStatus.ARRIVED, RecordStatus.COMPLETED)
STATUS_GROUPS = {
    "came": CAME,
    "no_show": (RecordStatus.NO_SHOW,),
    "cancelled": (RecordStatus.CANCELLED,),
    "upcoming": RecordStatus.UPCOMING,
}
# "repeat" is not a source a record is booked through but a record of a series (booked once,
# repeated); it is counted besides the record's own source (the column `series`).
SOURCES = (*RecordSource.values, "repeat")
SOURCE_COLUMNS = {**{source: f"source_{source}" for source in RecordSource.values}, "repeat": "series"}
COUNT_COLUMNS = (*STATUS_GROUPS, *SOURCE_COLUMNS.values())
MINUTE_COLUMNS = ("booked_minutes", "scheduled_minutes")
KIND_COLUMNS = {
    LineKind.SERVICE: "services",
    LineKind.GOODS: "goods",
    LineKind.CERTIFICATE: "certificates",
    LineKind.ABONEMENT: "abonements",
}
METHOD_COLUMNS = {method: method for method in PaymentMethod.values}
MONEY_COLUMNS = ("revenue", *KIND_COLUMNS.values(), *METHOD_COLUMNS.values())
PART_COLUMNS = ("taken", "refunded", "checks")
# What `compute` returns, in its order; `store` replaces them together.
FACT_MODELS = (DayFacts, DayMoney, DayMoneyPart)

# Stale days closer than this are recomputed in one range (a few more days of rows cost less than
# five more queries).
MERGE_GAP = 7


# -- the computation ----------------------------------------------------------------------------


def compute(
    company, first: datetime.date, last: datetime.date
) -> tuple[list[DayFacts], list[DayMoney], list[DayMoneyPart]]:
    """The facts of one branch for its local dates `first`…`last`, from the raw tables, unsaved.
    A (date, specialist) with no record and no interval has no row; a date with no money row of a
    sale has no DayMoney and no DayMoneyPart. Five queries, whatever the range."""
    zone = company.tz
    start, end = _local_bounds(first, last, company.timezone)
    common = {"chain_id": company.chain_id, "company_id": company.pk}
    cells: dict[tuple, DayFacts] = {}

    def cell(day, specialist_id) -> DayFacts:
        key = (day, specialist_id)
        if key not in cells:
            cells[key] = DayFacts(date=day, specialist_id=specialist_id, **common)
        return cells[key]

    counts = {name: Count("id", filter=Q(status__in=statuses)) for name, statuses in STATUS_GROUPS.items()}
    counts |= {SOURCE_COLUMNS[source]: Count("id", filter=Q(source=source)) for source in RecordSource.values}
    counts["series"] = Count("id", filter=Q(series__isnull=False))
    records = (
        Record.objects.filter(company_id=company.pk, start__gte=start, start__lt=end)
        .annotate(day=TruncDate("start", tzinfo=zone))
        .values("day", "specialist_id")
        .annotate(**counts)
        .order_by()
    )
    for row in records:
        fact = cell(row["day"], row["specialist_id"])
        for name in counts:
            setattr(fact, name, row[name])
    booked = (
        RecordService.objects.filter(
            record__company_id=company.pk,
            record__start__gte=start,
            record__start__lt=end,
            record__status__in=RecordStatus.HOLDING,
            record__group_event__isnull=True,
        )
        .annotate(day=TruncDate("record__start", tzinfo=zone))
        .values("day", "record__specialist_id")
        .annotate(minutes=Coalesce(Sum("duration"), 0))
        .order_by()
    )
    for row in booked:
        cell(row["day"], row["record__specialist_id"]).booked_minutes = row["minutes"]
    # Work intervals carry the local date already; their lengths are summed here.
    for day, specialist_id, begins, ends in WorkInterval.objects.filter(
        company_id=company.pk, date__gte=first, date__lte=last
    ).values_list("date", "specialist_id", "start", "end"):
        cell(day, specialist_id).scheduled_minutes += minutes_of(ends) - minutes_of(begins)
    return list(cells.values()), *_money(company, first, last, start, end)


def _money(company, first, last, start, end) -> tuple[list[DayMoney], list[DayMoneyPart]]:
    """The branch's money of sales on its local dates `first`…`last`: every money row of the sales
    with money in the range (their earlier and later rows too: a row's split and whether it is the
    sale's first payment depend on the rows before it), split over the sale's lines by
    `money_split` — the code the ledger read of the reports uses. Two queries."""
    zone = company.tz
    sales = Transaction.objects.filter(
        company_id=company.pk, sale__isnull=False, occurred_at__gte=start, occurred_at__lt=end
    ).values("sale_id")
    lines = money_split.lines_of_sales(sales)
    days: dict[datetime.date, DayMoney] = {}
    cells: dict[tuple, DayMoneyPart] = {}
    common = {"chain_id": company.chain_id, "company_id": company.pk}

    def cell(day, specialist_id, kind, method) -> DayMoneyPart:
        key = (day, specialist_id, kind, method)
        if key not in cells:
            cells[key] = DayMoneyPart(date=day, specialist_id=specialist_id, kind=kind, method=method, **common)
        return cells[key]

    for row, before, first_payment in money_split.walk(money_split.rows_of_sales(sales)):
        if row.company_id != company.pk:
            continue
        day = row.moment.astimezone(zone).date()
        if not first <= day <= last:
            continue
        if day not in days:
            days[day] = DayMoney(date=day, **common)
        money = days[day]
        money.revenue += row.amount
        column = METHOD_COLUMNS[row.method]
        setattr(money, column, getattr(money, column) + row.amount)
        sale_lines = lines.get(row.sale_id, [])
        for line, part in money_split.parts(row, before, sale_lines):
            kind = line.kind if line else ""
            part_cell = cell(day, line.specialist_id if line else None, kind, row.method)
            if row.amount > 0:
                part_cell.taken += part
            else:
                part_cell.refunded += part
            column = KIND_COLUMNS.get(kind, "services")  # a sale without lines: services
            setattr(money, column, getattr(money, column) + part)
        if first_payment:
            # A check belongs to the date of its sale's first payment, wherever that is: once.
            money.checks += 1
            for specialist_id in {line.specialist_id for line in sale_lines if line.specialist_id is not None}:
                cell(day, specialist_id, LineKind.SERVICE, row.method).checks += 1
    return list(days.values()), list(cells.values())


def minutes_of(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


def store(company, first: datetime.date, last: datetime.date, dates=None) -> None:
    """Recompute the branch's facts for `first`…`last` and replace the stored rows of those dates
    (of `dates` only, when given: the rest of the range is read but kept as stored)."""
    computed = compute(company, first, last)
    if dates is not None:
        wanted = set(dates)
        computed = [[row for row in rows if row.date in wanted] for rows in computed]
        where = Q(date__in=sorted(wanted))
    else:
        where = Q(date__gte=first, date__lte=last)
    for model, rows in zip(FACT_MODELS, computed, strict=True):
        model.unscoped.filter(where, company_id=company.pk).delete()
        model.unscoped.bulk_create(rows, batch_size=1000)


# -- staleness ----------------------------------------------------------------------------------


def mark(company, dates) -> None:
    """The facts of these local dates of the branch are out of date. One upsert; a new token on
    every mark, so that a reader recomputing the day meanwhile leaves the mark in place."""
    rows = [
        StaleDay(chain_id=company.chain_id, company_id=company.pk, date=day, token=uuid.uuid4())
        for day in sorted(set(dates))
    ]
    if rows:
        StaleDay.unscoped.bulk_create(
            rows, batch_size=1000, update_conflicts=True, unique_fields=["company", "date"], update_fields=["token"]
        )


def mark_everything(company, margin: int = 2) -> int:
    """Every date of the branch that has facts, `margin` days either side, is stale (a change of
    time zone moves a moment's local date by at most two days). Returns the number of dates."""
    bounds = [
        model.unscoped.filter(company_id=company.pk).aggregate(low=Min("date"), high=Max("date"))
        for model in (DayFacts, DayMoney)
    ]
    lows = [b["low"] for b in bounds if b["low"]]
    highs = [b["high"] for b in bounds if b["high"]]
    if not lows:
        return 0
    low, high = min(lows) - datetime.timedelta(days=margin), max(highs) + datetime.timedelta(days=margin)
    dates = [low + datetime.timedelta(days=n) for n in range((high - low).days + 1)]
    mark(company, dates)
    return len(dates)


def refresh(companies, first: datetime.date, last: datetime.date) -> int:
    """Recompute the stale days of these branches inside `first`…`last`; returns how many. One
    query when none is stale; otherwise, per branch, five per run of stale days (runs closer
    than a week apart are one), all in one transaction holding the marks' row locks, so two
    readers never recompute the same day at once (PostgreSQL; SQLite serialises writes)."""
    ids = [company.pk for company in companies]
    stale = StaleDay.unscoped.filter(company_id__in=ids, date__gte=first, date__lte=last)
    if not stale.exists():
        return 0
    by_pk = {company.pk: company for company in companies}
    with transaction.atomic():
        # Locked in the order `mark` writes them (a branch's dates ascending): no deadlock with a
        # change marking several days meanwhile.
        locked = stale.select_for_update().order_by("company_id", "date")
        marks = list(locked.values_list("pk", "company_id", "date", "token"))
        dates: dict[int, list[datetime.date]] = defaultdict(list)
        for _pk, company_id, day, _token in marks:
            dates[company_id].append(day)
        for company_id, days in dates.items():
            for low, high, run in _runs(sorted(days)):
                store(by_pk[company_id], low, high, run)
        if marks:
            # Only the marks as read: one set again by a change meanwhile stays.
            StaleDay.unscoped.filter(reduce(or_, (Q(pk=pk, token=token) for pk, _c, _d, token in marks))).delete()
    return len(marks)


def _runs(days: list[datetime.date]):
    run = [days[0]]
    for day in days[1:]:
        if (day - run[-1]).days > MERGE_GAP:
            yield run[0], run[-1], run
            run = []
        run.append(day)
    yield run[0], run[-1], run


# -- reading ------------------------------------------------------------------------------------


def totals(companies, period: Period, condition: Q | None = None) -> dict[str, int]:
    """The record counts and minutes of these branches over the period, summed (COUNT_COLUMNS,
    MINUTE_COLUMNS); `condition` narrows the rows (e.g. to one specialist's). One query; the
    caller has refreshed the range."""
    # Plain sums, no Coalesce: Django compiles fifteen of those at twice the cost of the query.
    row = DayFacts.unscoped.filter(
        condition or Q(), company_id__in=[c.pk for c in companies], date__gte=period.first, date__lte=period.last
    ).aggregate(**{name: Sum(name) for name in (*COUNT_COLUMNS, *MINUTE_COLUMNS)})
    return {name: value or 0 for name, value in row.items()}


def money_totals(companies, period: Period) -> dict:
    """The money columns (MONEY_COLUMNS) and checks of these branches over the period. One query;
    the caller has refreshed the range."""
    figures = {name: MoneySum(name) for name in MONEY_COLUMNS}
    figures["checks"] = Sum("checks")
    row = DayMoney.unscoped.filter(
        company_id__in=[c.pk for c in companies], date__gte=period.first, date__lte=period.last
    ).aggregate(**figures)
    return {name: (value or 0 if name == "checks" else to_money(value or ZERO)) for name, value in row.items()}


def per_day(companies, period: Period, by=("date",), model=DayFacts, refreshed: bool = False):
    """Facts grouped by any of company_id, date, specialist_id (DayMoney: company_id, date), for
    reports: e.g. `per_day(branches, period, by=("specialist_id", "date"))` gives each specialist's
    days. Refreshes the period first (unless the caller just did: `refreshed`); two queries when
    nothing is stale."""
    if not refreshed:
        refresh(companies, period.first, period.last)
    columns = (*COUNT_COLUMNS, *MINUTE_COLUMNS) if model is DayFacts else MONEY_COLUMNS
    sums = {name: Coalesce(Sum(name), 0) for name in columns}
    if model is DayMoney:
        sums = {name: Coalesce(MoneySum(name), ZERO) for name in columns} | {"checks": Coalesce(Sum("checks"), 0)}
    return list(
        model.unscoped.filter(company_id__in=[c.pk for c in companies], date__gte=period.first, date__lte=period.last)
        .values(*by)
        .annotate(**sums)
        .order_by(*by)
    )


def parts(companies, period: Period, by=("date",), condition: Q | None = None, refreshed: bool = False) -> list[dict]:
    """The money parts (`DayMoneyPart`) of these branches over the period grouped by any of
    company_id, date, specialist_id, kind, method: `taken`, `refunded` (≤ 0) and `checks` per
    group; `condition` narrows the rows (e.g. to one specialist's). Refreshes the period first
    unless the caller has (`refreshed`); two queries when nothing is stale, one when refreshed."""
    if not refreshed:
        refresh(companies, period.first, period.last)
    rows = (
        DayMoneyPart.unscoped.filter(
            condition or Q(), company_id__in=[c.pk for c in companies], date__gte=period.first, date__lte=period.last
        )
        .values(*by)
        .annotate(taken=MoneySum("taken"), refunded=MoneySum("refunded"), checks=Sum("checks"))
        .order_by(*by)
    )
    return [
        {**row, "taken": to_money(row["taken"] or ZERO), "refunded": to_money(row["refunded"] or ZERO)} for row in rows
    ]


# -- rebuilding and checking --------------------------------------------------------------------


def data_range(company) -> tuple[datetime.date, datetime.date] | None:
    """The first and last local dates the branch has records, money of sales or work intervals
    on (a day's margin either side for the zone), or None. Three queries."""
    zone = company.tz
    moments = [
        Record.objects.filter(company_id=company.pk).aggregate(low=Min("start"), high=Max("start")),
        Transaction.objects.filter(company_id=company.pk, sale__isnull=False).aggregate(
            low=Min("occurred_at"), high=Max("occurred_at")
        ),
    ]
    dates = [m[key].astimezone(zone).date() for m in moments for key in ("low", "high") if m[key]]
    shifts = WorkInterval.objects.filter(company_id=company.pk).aggregate(low=Min("date"), high=Max("date"))
    dates += [day for day in shifts.values() if day]
    if not dates:
        return None
    return min(dates), max(dates)


def rebuild(company, since: datetime.date | None = None, chunk_days: int = 31) -> int:
    """Recompute every fact of the branch from `since` (default: its first data) on, a month at a
    time, each month in its own transaction; removes facts and stale marks outside its data.
    Returns the number of days recomputed."""
    span = data_range(company)
    keep_from = since or datetime.date.min
    with transaction.atomic():
        # Facts with no data left under them (rows deleted without events, a restore).
        for model in (*FACT_MODELS, StaleDay):
            gone = model.unscoped.filter(company_id=company.pk, date__gte=keep_from)
            if span is not None:
                gone = gone.exclude(date__gte=span[0], date__lte=span[1])
            gone.delete()
    if span is None:
        return 0
    low, high = max(span[0], keep_from), span[1]
    day, done = low, 0
    while day <= high:
        last = min(day + datetime.timedelta(days=chunk_days - 1), high)
        with transaction.atomic():
            store(company, day, last)
            StaleDay.unscoped.filter(company_id=company.pk, date__gte=day, date__lte=last).delete()
        done += (last - day).days + 1
        day = last + datetime.timedelta(days=1)
    return done


def _rows(facts_rows, key, columns) -> dict:
    return {key(row): tuple(getattr(row, name) for name in columns) for row in facts_rows}


def stored_differences(company, first: datetime.date, last: datetime.date) -> list[str]:
    """The days whose stored facts differ from a fresh computation, one line each. Days marked
    stale are skipped: their facts are known to be out of date and are recomputed on the next
    read. Eight queries."""
    stale = set(
        StaleDay.unscoped.filter(company_id=company.pk, date__gte=first, date__lte=last).values_list("date", flat=True)
    )
    fresh_facts, fresh_money, fresh_parts = compute(company, first, last)
    found = []
    for model, fresh, key, columns in (
        (DayFacts, fresh_facts, lambda r: (r.date, r.specialist_id), (*COUNT_COLUMNS, *MINUTE_COLUMNS)),
        (DayMoney, fresh_money, lambda r: (r.date,), (*MONEY_COLUMNS, "checks")),
        (DayMoneyPart, fresh_parts, lambda r: (r.date, r.specialist_id or 0, r.kind, r.method), PART_COLUMNS),
    ):
        stored = _rows(model.unscoped.filter(company_id=company.pk, date__gte=first, date__lte=last), key, columns)
        computed = _rows(fresh, key, columns)
        for cell in sorted(set(stored) | set(computed)):
            if cell[0] in stale or stored.get(cell) == computed.get(cell):
                continue
            what = dict(zip(columns, stored.get(cell) or (), strict=False))
            should = dict(zip(columns, computed.get(cell) or (), strict=False))
            changed = {
                name: (what.get(name), should.get(name)) for name in columns if what.get(name) != should.get(name)
            }
            label = " ".join(str(part) for part in cell)
            found.append(
                f"{model.__name__} {label}: "
                + ", ".join(f"{name} {was} ≠ {now}" for name, (was, now) in changed.items())
            )
    return found
