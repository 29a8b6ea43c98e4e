"""The payroll of a branch for a stretch of local dates: every accrual line, each traceable to
the sale line (a service done or a product sold), the shift, the hours or the month it pays for (docs/payroll.md states the rules).

`calculate(company, first, last)` answers the same question in three ways:

- the dates are exactly a closed period: the lines it stored, never recomputed;
- the dates lie after every closed period: computed now from the sales, the schedule and the
  schemes; when they contain the day after the last closed period, the lines also carry the
  adjustments — what changed since closing on days already closed (a refund, goods brought back,
  a debt paid, a record given to another specialist), as the difference against what the closed periods stored;
- otherwise (the dates cut into a closed period) PayrollError.

Queries: a fixed number whatever the branch, the employees or the days hold — the periods (1),
the assignments and their rates (2), the service lines and the goods lines (2), the goods brought
back on their sales (1, when there are lines), the goods' folders (2, only when a scheme has a
rate per goods category), the schedule and absences (2), and for adjustments the touched service
and goods lines (2), then the closed sums, the rates and the returns (4); a closed period reads
its lines (1).
Nothing here writes.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import LineKind as SaleLineKind
from frontdesk.finance.models import SaleLine
from frontdesk.payroll.errors import PayrollError, shown_date
from frontdesk.payroll.models import Assignment, Basis, Line, LineKind, Period, SchemeRule, Touched
from frontdesk.staff.models import Absence, WorkInterval
from frontdesk.warehouse.models import Goods, GoodsCategory

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MAX_DAYS = 366
# A change committed a moment after a period closed may carry an earlier mark than the closing's
# time: marks this long before the closing are looked at again (a line already counted then
# differs by nothing, so looking twice is free).
CHANGE_MARGIN = datetime.timedelta(minutes=10)


@dataclass
class Accrual:
    """One line of pay. `amount` is rounded to kopecks; the other fields explain it."""

    specialist_id: int
    kind: str
    key: str
    date: datetime.date
    amount: Decimal
    title: str = ""
    base: Decimal | None = None
    basis: str = ""
    percent: Decimal | None = None
    fixed: Decimal | None = None
    quantity: Decimal | None = None
    of_date: datetime.date | None = None

    @classmethod
    def from_line(cls, line: Line) -> Accrual:
        return cls(
            line.specialist_id,
            line.kind,
            line.key,
            line.date,
            line.amount,
            line.title,
            line.base,
            line.basis,
            line.percent,
            line.fixed,
            line.quantity,
            line.of_date,
        )


@dataclass
class Payroll:
    """The answer: `lines` sorted by employee, date and kind; `period` the closed period read (or
    None when computed now); `closed_until` the last closed day of the branch (or None)."""

    company: object
    first: datetime.date
    last: datetime.date
    lines: list[Accrual] = field(default_factory=list)
    period: Period | None = None
    closed_until: datetime.date | None = None

    def by_specialist(self) -> dict[int, list[Accrual]]:
        grouped: dict[int, list[Accrual]] = defaultdict(list)
        for line in self.lines:
            grouped[line.specialist_id].append(line)
        return grouped

    def totals(self) -> dict[int, Decimal]:
        sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for line in self.lines:
            sums[line.specialist_id] += line.amount
        return dict(sums)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


# ---------------------------------------------------------------- dates
def day_start(company, day: datetime.date) -> datetime.datetime:
    """The moment a local date begins in the branch (DST-correct: the zone decides the offset)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=company.tz)


def month_pieces(first: datetime.date, last: datetime.date):
    """(piece start, piece end, days in its month) for each calendar month the dates touch."""
    day = first
    while day <= last:
        month_days = calendar.monthrange(day.year, day.month)[1]
        end = min(last, day.replace(day=month_days))
        yield day, end, month_days
        day = end + datetime.timedelta(days=1)


def closed_periods(company) -> list[Period]:
    return list(Period.objects.filter(company=company).order_by("start"))


# ---------------------------------------------------------------- rates
class Rates:
    """The schemes assigned in a branch over some dates, with their per-category and per-service
    rates: two queries, then answers in memory."""

    def __init__(self, company, first: datetime.date, last: datetime.date, specialist_ids=None):
        self.chain_id = company.chain_id
        rows = Assignment.objects.filter(company=company, valid_from__lte=last).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=first)
        )
        if specialist_ids is not None:
            rows = rows.filter(specialist_id__in=specialist_ids)
        self.assignments = list(rows.select_related("scheme").order_by("specialist_id", "valid_from"))
        self.by_specialist: dict[int, list[Assignment]] = defaultdict(list)
        for row in self.assignments:
            self.by_specialist[row.specialist_id].append(row)
        self.rules: dict[int, dict[tuple[str, int], SchemeRule]] = defaultdict(dict)
        for rule in SchemeRule.objects.filter(scheme_id__in={a.scheme_id for a in self.assignments}):
            if rule.goods_category_id:
                target = ("goods", rule.goods_category_id)
            else:
                target = ("service", rule.service_id) if rule.service_id else ("category", rule.category_id)
            self.rules[rule.scheme_id][target] = rule
        # {goods item: its category and the folders above it, nearest first}, read by `load_goods`
        # only when some scheme has a rate for a goods category.
        self.goods_folders: dict[str, list[int]] = {}

    def load_goods(self, refs) -> None:
        """Reads the folders of the goods sold (two queries), when any scheme here has a rate per
        goods category; nothing otherwise."""
        if not refs or not any(target[0] == "goods" for rules in self.rules.values() for target in rules):
            return
        ids = {int(ref) for ref in refs if str(ref).isdigit()}
        items = list(Goods.unscoped.filter(chain_id=self.chain_id, pk__in=ids).values_list("pk", "category_id"))
        parents = dict(GoodsCategory.unscoped.filter(chain_id=self.chain_id).values_list("pk", "parent_id"))
        for pk, category_id in items:
            folders, seen = [], set()
            while category_id is not None and category_id not in seen:
                seen.add(category_id)
                folders.append(category_id)
                category_id = parents.get(category_id)
            self.goods_folders[str(pk)] = folders

    def goods_rate(self, specialist_id, day, ref) -> Decimal | None:
        """The % the scheme that pays the seller on that day gives for the item: its category's
        rate (or the nearest folder above with one), else the scheme's % of goods; None: unpaid."""
        row = self.assignment(specialist_id, day)
        if row is None:
            return None
        rules = self.rules.get(row.scheme_id, {})
        for folder in self.goods_folders.get(str(ref), ()):
            rule = rules.get(("goods", folder))
            if rule is not None:
                return rule.percent
        return row.scheme.goods_percent

    def assignment(self, specialist_id: int, day: datetime.date) -> Assignment | None:
        for row in self.by_specialist.get(specialist_id, ()):
            if row.covers(day):
                return row
        return None

    def service_rate(self, specialist_id, day, service_id, category_id):
        """(percent, fixed, basis) of the scheme that pays the specialist on that day for the
        service: the service's own rate, else its category's, else the scheme's %; None: unpaid."""
        row = self.assignment(specialist_id, day)
        if row is None:
            return None
        scheme, rules = row.scheme, self.rules.get(row.scheme_id, {})
        rule = rules.get(("service", service_id)) or rules.get(("category", category_id))
        if rule is not None:
            return rule.percent, rule.fixed, scheme.basis
        if scheme.service_percent is None:
            return None
        return scheme.service_percent, None, scheme.basis


# ---------------------------------------------------------------- what a sale kept
def kept_share(subtotal, total, paid, returned_value) -> Decimal:
    """The share of a sale's money the salon kept: what was paid net of refunds, at most what is
    owed for what the client kept — the total less the goods brought back (`returned_value`, their
    sum before the discount, so at their part of the total). An unpaid or refunded sale keeps
    nothing; a free one (total 0), or one whose every product came back, counts whole (its goods
    lines count nothing by themselves)."""
    owed = total * (subtotal - returned_value) / subtotal if subtotal else total
    if owed <= 0:
        return Decimal(1)
    return min(paid, owed) / owed


def returned_values(sale_ids) -> dict[int, Decimal]:
    """{sale: the sum, before the discount, of the goods brought back on it}. One query (none for
    no sales)."""
    values: dict[int, Decimal] = defaultdict(lambda: Decimal(0))
    if not sale_ids:
        return values
    for sale_id, amount, returned, quantity in SaleLine.objects.filter(
        kind=SaleLineKind.GOODS, returned__gt=0, sale_id__in=sale_ids
    ).values_list("sale_id", "amount", "returned", "quantity"):
        values[sale_id] += amount * returned / quantity
    return values


# ---------------------------------------------------------------- services
SERVICE_FIELDS = (
    "pk",
    "title",
    "price",
    "service_id",
    "service__category_id",
    "sale_id",
    "sale__subtotal",
    "sale__total",
    "sale__paid",
    "record_service__record__specialist_id",
    "record_service__record__start",
)


def service_base(price, subtotal, total, kept, basis) -> Decimal:
    """What a service line's % is taken from: its price (before the discount) or its part of the
    sale's total (after it), times the share of the sale's money the salon kept (`kept_share`)."""
    if basis == Basis.BEFORE_DISCOUNT:
        return to_money(price * kept)
    return to_money(price * total / subtotal * kept) if subtotal else ZERO


def service_accrual(row, company, rate, returned: dict) -> Accrual:
    percent, fixed, basis = rate
    day = timezone.localtime(row.start, company.tz).date()
    kept = kept_share(row.subtotal, row.total, row.paid, returned.get(row.sale_id, 0))
    base = service_base(row.price, row.subtotal, row.total, kept, basis)
    amount = to_money(fixed * kept) if fixed is not None else to_money(base * percent / HUNDRED)
    return Accrual(
        row.specialist_id, LineKind.SERVICE, f"sl:{row.pk}", day, amount, row.title, base, basis, percent, fixed
    )


def service_rows(rows) -> list:
    """The rows of service lines as named tuples (pk, title, price, service_id, category_id,
    sale_id, subtotal, total, paid, specialist_id, start)."""
    return [ServiceRow(*values) for values in rows.values_list(*SERVICE_FIELDS)]


@dataclass(frozen=True)
class ServiceRow:
    pk: int
    title: str
    price: Decimal
    service_id: int | None
    category_id: int | None
    sale_id: int
    subtotal: Decimal
    total: Decimal
    paid: Decimal
    specialist_id: int
    start: datetime.datetime


def service_rows_of(company, first, last, specialist_ids) -> list[ServiceRow]:
    # Led by the records of the dates (their (company, start) index), not by the branch's sales:
    # the month's lines are read without walking the branch's history.
    rows = SaleLine.objects.filter(
        kind=SaleLineKind.SERVICE,
        record_service__record__company=company,
        record_service__record__start__gte=day_start(company, first),
        record_service__record__start__lt=day_start(company, last + datetime.timedelta(days=1)),
    ).filter(Q(sale__paid__gt=0) | Q(sale__total=0))
    if specialist_ids is not None:
        rows = rows.filter(record_service__record__specialist_id__in=specialist_ids)
    return service_rows(rows)


def _services(company, rows: list[ServiceRow], rates: Rates, returned: dict) -> list[Accrual]:
    lines = []
    for row in rows:
        day = timezone.localtime(row.start, company.tz).date()
        rate = rates.service_rate(row.specialist_id, day, row.service_id, row.category_id)
        if rate is not None:
            lines.append(service_accrual(row, company, rate, returned))
    return lines


# ---------------------------------------------------------------- goods
GOODS_FIELDS = (
    "pk",
    "title",
    "amount",
    "quantity",
    "returned",
    "ref",
    "sale_id",
    "sale__subtotal",
    "sale__total",
    "sale__paid",
    "seller_id",
    "sale__created_at",
)


@dataclass(frozen=True)
class GoodsRow:
    pk: int
    title: str
    amount: Decimal
    quantity: Decimal
    returned: Decimal
    ref: str
    sale_id: int
    subtotal: Decimal
    total: Decimal
    paid: Decimal
    specialist_id: int
    sold_at: datetime.datetime


def goods_rows(rows) -> list[GoodsRow]:
    return [GoodsRow(*values) for values in rows.values_list(*GOODS_FIELDS)]


def goods_rows_of(company, first, last, specialist_ids) -> list[GoodsRow]:
    """The goods lines the branch's employees sold on the dates: a product counts on the local
    date its sale was made (a counter sale or a visit's checkout), for its seller."""
    rows = SaleLine.objects.filter(
        kind=SaleLineKind.GOODS,
        seller__isnull=False,
        sale__company=company,
        sale__created_at__gte=day_start(company, first),
        sale__created_at__lt=day_start(company, last + datetime.timedelta(days=1)),
    ).filter(Q(sale__paid__gt=0) | Q(sale__total=0))
    if specialist_ids is not None:
        rows = rows.filter(seller_id__in=specialist_ids)
    return goods_rows(rows)


def goods_base(row: GoodsRow, kept: Decimal) -> Decimal:
    """What a goods line's % is taken from: its part of the sale's total (after the discount), for
    the units the client kept (returns subtracted), times the share of the money kept."""
    if not row.subtotal:
        return ZERO
    return to_money(row.amount * row.total / row.subtotal * (row.quantity - row.returned) / row.quantity * kept)


def goods_accrual(row: GoodsRow, company, percent: Decimal, returned: dict) -> Accrual:
    day = timezone.localtime(row.sold_at, company.tz).date()
    kept = kept_share(row.subtotal, row.total, row.paid, returned.get(row.sale_id, 0))
    base = goods_base(row, kept)
    return Accrual(
        row.specialist_id,
        LineKind.GOODS,
        f"sl:{row.pk}",
        day,
        to_money(base * percent / HUNDRED),
        row.title,
        base,
        Basis.AFTER_DISCOUNT,
        percent,
        quantity=row.quantity - row.returned,
    )


def _goods(company, rows: list[GoodsRow], rates: Rates, returned: dict) -> list[Accrual]:
    lines = []
    for row in rows:
        day = timezone.localtime(row.sold_at, company.tz).date()
        percent = rates.goods_rate(row.specialist_id, day, row.ref)
        if percent is not None:
            lines.append(goods_accrual(row, company, percent, returned))
    return lines


# ---------------------------------------------------------------- time and months
def _time(company, first, last, rates: Rates, specialist_ids, today) -> list[Accrual]:
    """A shift is a scheduled day in the branch up to today, not covered by an absence; its hours
    are the day's working intervals (breaks are the gaps between them)."""
    last = min(last, today)
    if last < first or not rates.assignments:
        return []
    paid_ids = {a.specialist_id for a in rates.assignments if a.scheme.per_shift or a.scheme.per_hour}
    if specialist_ids is not None:
        paid_ids &= set(specialist_ids)
    if not paid_ids:
        return []
    minutes: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for specialist_id, day, start, end in WorkInterval.objects.filter(
        company=company, date__gte=first, date__lte=last, specialist_id__in=paid_ids
    ).values_list("specialist_id", "date", "start", "end"):
        minutes[(specialist_id, day)] += (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    absent = defaultdict(list)
    for specialist_id, date_from, date_to in Absence.objects.filter(
        specialist_id__in=paid_ids, date_from__lte=last, date_to__gte=first
    ).values_list("specialist_id", "date_from", "date_to"):
        absent[specialist_id].append((date_from, date_to))
    lines = []
    for (specialist_id, day), worked in sorted(minutes.items()):
        if any(a <= day <= b for a, b in absent[specialist_id]):
            continue
        row = rates.assignment(specialist_id, day)
        if row is None:
            continue
        scheme = row.scheme
        if scheme.per_shift:
            lines.append(
                Accrual(
                    specialist_id,
                    LineKind.SHIFT,
                    f"shift:{day}",
                    day,
                    to_money(scheme.per_shift),
                    fixed=scheme.per_shift,
                )
            )
        if scheme.per_hour:
            hours = (Decimal(worked) / 60).quantize(Decimal("0.0001"))
            lines.append(
                Accrual(
                    specialist_id,
                    LineKind.HOURS,
                    f"hours:{day}",
                    day,
                    to_money(scheme.per_hour * hours),
                    fixed=scheme.per_hour,
                    quantity=hours,
                )
            )
    return lines


def _months(first, last, rates: Rates, specialist_ids, earned: list[Accrual]) -> list[Accrual]:
    """Fixed monthly pay and the top-up to the guaranteed minimum, each prorated by the days of
    the month the assignment covers within the dates: amount × days ÷ days in the month. The
    top-up is what the minimum exceeds the piece's own accruals by (services, shifts, hours,
    monthly pay; not bonuses, fines or adjustments)."""
    lines = []
    for row in rates.assignments:
        if specialist_ids is not None and row.specialist_id not in specialist_ids:
            continue
        scheme = row.scheme
        if not scheme.per_month and not scheme.minimum:
            continue
        span_first = max(first, row.valid_from)
        span_last = min(last, row.valid_to) if row.valid_to else last
        for start, end, month_days in month_pieces(span_first, span_last):
            days = Decimal((end - start).days + 1)
            piece = []
            if scheme.per_month:
                amount = to_money(scheme.per_month * days / month_days)
                piece.append(
                    Accrual(
                        row.specialist_id,
                        LineKind.MONTHLY,
                        f"month:{row.pk}:{start}",
                        start,
                        amount,
                        fixed=scheme.per_month,
                        quantity=days,
                    )
                )
            if scheme.minimum:
                minimum = to_money(scheme.minimum * days / month_days)
                got = sum(
                    (a.amount for a in earned if a.specialist_id == row.specialist_id and start <= a.date <= end),
                    ZERO,
                ) + sum((a.amount for a in piece), ZERO)
                if minimum > got:
                    piece.append(
                        Accrual(
                            row.specialist_id,
                            LineKind.MINIMUM,
                            f"min:{row.pk}:{start}",
                            start,
                            minimum - got,
                            base=got,
                            fixed=minimum,
                            quantity=days,
                        )
                    )
            lines.extend(piece)
    return lines


# ---------------------------------------------------------------- adjustments
def _touched_rows(company, periods: list[Period], day: datetime.date):
    """The service lines of visits and the goods lines of sales marked since the last closing
    (`listeners`), on closed days. Two queries."""
    window = periods[-1].closed_at - CHANGE_MARGIN
    marks = Touched.objects.filter(company=company, at__gt=window)
    services = service_rows(
        SaleLine.objects.filter(
            kind=SaleLineKind.SERVICE,
            sale__company=company,
            sale__visit_id__in=marks.filter(visit__isnull=False).values("visit_id"),
            record_service__record__start__gte=day_start(company, periods[0].start),
            record_service__record__start__lt=day_start(company, day),
        )
    )
    goods = goods_rows(
        SaleLine.objects.filter(
            kind=SaleLineKind.GOODS,
            seller__isnull=False,
            sale__company=company,
            sale_id__in=marks.filter(sale__isnull=False).values("sale_id"),
            sale__created_at__gte=day_start(company, periods[0].start),
            sale__created_at__lt=day_start(company, day),
        )
    )
    return services, goods


def _adjustments(company, periods: list[Period], day: datetime.date, specialist_ids) -> list[Accrual]:
    """What changed on closed days since the last closing, dated `day` (the first open day): for
    each sale line of a visit or a sale marked since then (`listeners`: money in or out on its
    sale, goods brought back, its record given to another specialist), what it pays now minus
    what the closed periods stored for it, per specialist. A line already paid keeps the rate it
    was closed with; one that appears only now takes the scheme of its date."""
    services, goods = _touched_rows(company, periods, day)
    if not services and not goods:
        return []
    keys = [f"sl:{row.pk}" for row in services] + [f"sl:{row.pk}" for row in goods]
    stored: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    kept_rate: dict[tuple[str, int], tuple] = {}
    for specialist_id, key, amount, percent, fixed, basis in (
        Line.objects.filter(period__company=company, key__in=keys)
        .order_by("id")
        .values_list("specialist_id", "key", "amount", "percent", "fixed", "basis")
    ):
        stored[key][specialist_id] += amount
        if percent is not None or fixed is not None:
            kept_rate[(key, specialist_id)] = (percent, fixed, basis)
    rates = Rates(company, periods[0].start, periods[-1].end)
    rates.load_goods({row.ref for row in goods})
    returned = returned_values({row.sale_id for row in services} | {row.sale_id for row in goods})
    # (key, the specialist it pays now, the line's date, its title, its accrual now or None)
    changed = []
    for row in services:
        key, line_day = f"sl:{row.pk}", timezone.localtime(row.start, company.tz).date()
        rate = kept_rate.get((key, row.specialist_id)) or rates.service_rate(
            row.specialist_id, line_day, row.service_id, row.category_id
        )
        fresh = service_accrual(row, company, rate, returned) if rate and (row.paid > 0 or row.total == 0) else None
        changed.append((key, row.specialist_id, line_day, row.title, fresh, rate))
    for row in goods:
        key, line_day = f"sl:{row.pk}", timezone.localtime(row.sold_at, company.tz).date()
        kept = kept_rate.get((key, row.specialist_id))
        percent = kept[0] if kept else rates.goods_rate(row.specialist_id, line_day, row.ref)
        paid = row.paid > 0 or row.total == 0
        fresh = goods_accrual(row, company, percent, returned) if percent is not None and paid else None
        rate = (percent, None, Basis.AFTER_DISCOUNT) if percent is not None else None
        changed.append((key, row.specialist_id, line_day, row.title, fresh, rate))
    lines = []
    for key, specialist_id, line_day, title, fresh, rate in changed:
        now = {specialist_id: fresh} if fresh else {}
        for who in set(now) | set(stored.get(key, {})):
            if specialist_ids is not None and who not in specialist_ids:
                continue
            was = stored.get(key, {}).get(who, ZERO)
            is_now = now[who].amount if who in now else ZERO
            if is_now == was:
                continue
            percent, _fixed, basis = rate if (who in now and rate) else kept_rate.get((key, who), (None, None, ""))
            lines.append(
                Accrual(
                    who,
                    LineKind.ADJUSTMENT,
                    key,
                    day,
                    is_now - was,
                    title,
                    base=is_now,
                    basis=basis,
                    percent=percent,
                    fixed=was,
                    of_date=line_day,
                )
            )
    return lines


# ---------------------------------------------------------------- the calculation
def compute(company, first, last, *, specialist_ids=None, periods=None, today=None) -> list[Accrual]:
    """The lines of open dates, computed now (no closed period is read but for adjustments)."""
    today = today or timezone.localtime(timezone.now(), company.tz).date()
    ids = set(specialist_ids) if specialist_ids is not None else None
    rates = Rates(company, first, last, ids)
    services = service_rows_of(company, first, last, ids)
    goods = goods_rows_of(company, first, last, ids)
    rates.load_goods({row.ref for row in goods})
    returned = returned_values({row.sale_id for row in services} | {row.sale_id for row in goods})
    lines = _services(company, services, rates, returned) + _goods(company, goods, rates, returned)
    lines += _time(company, first, last, rates, ids, today)
    lines += _months(first, last, rates, ids, lines)
    periods = closed_periods(company) if periods is None else periods
    if periods:
        next_day = periods[-1].end + datetime.timedelta(days=1)
        if first <= next_day <= last:
            lines += _adjustments(company, periods, next_day, ids)
    order = {kind: n for n, kind in enumerate(LineKind.values)}
    lines.sort(key=lambda a: (a.specialist_id, a.date, order[a.kind], a.key))
    return lines


def calculate(company, first: datetime.date, last: datetime.date, *, specialist_ids=None, today=None) -> Payroll:
    """The payroll of the branch for `first`–`last` (local dates, inclusive): a closed period's
    stored lines, or the lines computed now (see the module's docstring). `specialist_ids`
    narrows it to some employees. Raises PayrollError for dates that cut into a closed period."""
    if last < first:
        raise PayrollError("period_order")
    if (last - first).days >= MAX_DAYS:
        raise PayrollError("range_too_long", days=MAX_DAYS)
    periods = closed_periods(company)
    closed_until = periods[-1].end if periods else None
    result = Payroll(company, first, last, closed_until=closed_until)
    for period in periods:
        if period.start == first and period.end == last:
            stored = Line.objects.filter(period=period).order_by("specialist_id", "date", "id")
            if specialist_ids is not None:
                stored = stored.filter(specialist_id__in=specialist_ids)
            result.period, result.lines = period, [Accrual.from_line(line) for line in stored]
            return result
    if periods and first <= periods[-1].end and last >= periods[0].start:
        hit = next(p for p in periods if p.end >= first)
        raise PayrollError(
            "range_overlaps", start=shown_date(hit.start), end=shown_date(hit.end), last=shown_date(closed_until)
        )
    result.lines = compute(company, first, last, specialist_ids=specialist_ids, periods=periods, today=today)
    return result


def closed_total(company, specialist_ids) -> dict[int, Decimal]:
    """{specialist: the sum of their lines in the branch's closed periods}. One query."""
    rows = (
        Line.objects.filter(period__company=company, specialist_id__in=specialist_ids)
        .values("specialist_id")
        .annotate(total=MoneySum("amount"))
    )
    return {row["specialist_id"]: to_money(row["total"] or 0) for row in rows}
