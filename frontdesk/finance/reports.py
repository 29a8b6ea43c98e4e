"""The finance reports, read straight from the ledger: the day's cash report, income and expense
by payment item, debts, cancellations and refunds, payments by method.

Every report aggregates in SQL with a fixed number of queries whatever the size of the ledger
(tests hold the budgets), and every amount is a Decimal rounded by core.money. A report covers
one branch or, for those who see every branch, the whole network; days are the branch's days
(midnight to midnight in the time zone of the branch the reader is in)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from frontdesk.core.money import MoneyField, MoneySum, to_money
from frontdesk.finance import checkpoints
from frontdesk.finance.means import registered_means
from frontdesk.finance.models import (
    TRANSFER_CODE,
    Account,
    CashShift,
    ItemKind,
    MeansPayment,
    PaymentItem,
    PaymentMethod,
    Sale,
    SaleStatus,
    Transaction,
)
from frontdesk.scheduling.models import Record, RecordStatus

ZERO = Decimal("0.00")
# Long lists (debts, refunds, cancellations) show this many rows; the totals count them all.
LIST_LIMIT = 500
_MONEY = MoneyField()


def _sum(condition: Q):
    return Coalesce(MoneySum(Case(When(condition, then=F("amount")), default=Value(ZERO), output_field=_MONEY)), ZERO)


def day_bounds(day: datetime.date, tz) -> tuple[datetime.datetime, datetime.datetime]:
    """[midnight, next midnight) of the day in the branch's time zone."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def period_bounds(first: datetime.date, last: datetime.date, tz) -> tuple[datetime.datetime, datetime.datetime]:
    """Both days included."""
    return day_bounds(first, tz)[0], day_bounds(last, tz)[1]


def _methods() -> dict[str, Decimal]:
    return dict.fromkeys(PaymentMethod.values, ZERO)


# ---------------------------------------------------------------- the cash report of a day
@dataclass
class AccountDay:
    account: Account
    opening: Decimal = ZERO
    money_in: dict[str, Decimal] = field(default_factory=_methods)
    money_out: dict[str, Decimal] = field(default_factory=_methods)

    @property
    def total_in(self) -> Decimal:
        return sum(self.money_in.values(), ZERO)

    @property
    def total_out(self) -> Decimal:
        return sum(self.money_out.values(), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.total_in + self.total_out

    @property
    def quiet(self) -> bool:
        return not (self.opening or self.total_in or self.total_out)


@dataclass
class CashReport:
    day: datetime.date
    accounts: list[AccountDay]
    shifts: list[CashShift]
    methods: list[tuple[str, str]]

    @property
    def opening(self) -> Decimal:
        return sum((a.opening for a in self.accounts), ZERO)

    @property
    def closing(self) -> Decimal:
        return sum((a.closing for a in self.accounts), ZERO)

    @property
    def total_in(self) -> Decimal:
        return sum((a.total_in for a in self.accounts), ZERO)

    @property
    def total_out(self) -> Decimal:
        return sum((a.total_out for a in self.accounts), ZERO)

    @property
    def in_by_method(self) -> dict[str, Decimal]:
        return {m: sum((a.money_in[m] for a in self.accounts), ZERO) for m, _label in self.methods}

    @property
    def out_by_method(self) -> dict[str, Decimal]:
        return {m: sum((a.money_out[m] for a in self.accounts), ZERO) for m, _label in self.methods}

    @property
    def discrepancy(self) -> Decimal:
        return sum((s.discrepancy or ZERO for s in self.shifts), ZERO)


def cash_report(companies, day: datetime.date, tz) -> CashReport:
    """Per account of the branches: the balance at the day's start, money in and out by method
    during the day, the balance at its end; and the cash shifts opened or closed that day with
    what was counted and the discrepancy. Six queries (nine the first time a month is read)."""
    start, end = day_bounds(day, tz)
    accounts = list(
        Account.objects.filter(company__in=companies)
        .select_related("company")
        .order_by("company_id", "kind", "title", "id")
    )
    rows = {a.pk: AccountDay(a) for a in accounts}
    ledger = Transaction.objects.filter(account__in=[a.pk for a in accounts])
    # The opening balance is the whole history before the day, read through monthly checkpoints.
    for account_id, opening in checkpoints.balances_at(accounts, start, tz).items():
        rows[account_id].opening = opening
    during = (
        ledger.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values("account_id", "method")
        .annotate(money_in=_sum(Q(amount__gt=0)), money_out=_sum(Q(amount__lt=0)))
    )
    for row in during:
        target = rows[row["account_id"]]
        target.money_in[row["method"]] = to_money(row["money_in"])
        target.money_out[row["method"]] = to_money(row["money_out"])
    shifts = list(
        CashShift.objects.filter(company__in=companies)
        .filter(Q(opened_at__gte=start, opened_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end))
        .select_related("account", "company", "opened_by", "closed_by")
        .order_by("opened_at", "id")
    )
    # An archived account with nothing on it that day is noise; one with money is not.
    shown = [r for r in rows.values() if not (r.account.is_archived and r.quiet)]
    return CashReport(day=day, accounts=shown, shifts=shifts, methods=list(PaymentMethod.choices))


# ---------------------------------------------------------------- income and expense by item
@dataclass
class ItemLine:
    item: PaymentItem
    money_in: Decimal = ZERO
    money_out: Decimal = ZERO
    count: int = 0

    @property
    def net(self) -> Decimal:
        return self.money_in + self.money_out

    @property
    def bar(self) -> Decimal:
        """The line's size on the chart: income for an income item, spending for an expense."""
        return abs(self.net)


@dataclass
class ItemsReport:
    first: datetime.date
    last: datetime.date
    income: list[ItemLine]
    expense: list[ItemLine]

    @property
    def total_income(self) -> Decimal:
        return sum((line.net for line in self.income), ZERO)

    @property
    def total_expense(self) -> Decimal:
        return sum((line.net for line in self.expense), ZERO)

    @property
    def result(self) -> Decimal:
        return self.total_income + self.total_expense

    @property
    def scale(self) -> Decimal:
        """The largest bar: the chart draws every other bar as a share of it."""
        return max([line.bar for line in self.income + self.expense] + [Decimal(1)])


def items_report(companies, first: datetime.date, last: datetime.date, tz) -> ItemsReport:
    """Income and expense by payment item over the days first..last: what came in and what went
    out on each item (a refund of a service is money out on the income item), with totals.
    Transfers between accounts are neither and are left out. Two queries."""
    start, end = period_bounds(first, last, tz)
    sums = {
        row["item_id"]: row
        for row in Transaction.objects.filter(company__in=companies, occurred_at__gte=start, occurred_at__lt=end)
        .exclude(item__code=TRANSFER_CODE)
        .values("item_id")
        .annotate(money_in=_sum(Q(amount__gt=0)), money_out=_sum(Q(amount__lt=0)), count=Count("id"))
    }
    income, expense = [], []
    for item in PaymentItem.objects.exclude(code=TRANSFER_CODE).order_by("kind", "sort_order", "id"):
        row = sums.get(item.pk)
        if row is None and item.is_archived:
            continue
        line = ItemLine(item)
        if row:
            line.money_in, line.money_out, line.count = (
                to_money(row["money_in"]),
                to_money(row["money_out"]),
                row["count"],
            )
        (income if item.kind == ItemKind.INCOME else expense).append(line)
    return ItemsReport(first=first, last=last, income=income, expense=expense)


# ---------------------------------------------------------------- payments by method
@dataclass
class MethodLine:
    method: str
    label: str
    money_in: Decimal = ZERO
    money_out: Decimal = ZERO
    count: int = 0

    @property
    def net(self) -> Decimal:
        return self.money_in + self.money_out


@dataclass
class MethodsReport:
    first: datetime.date
    last: datetime.date
    lines: list[MethodLine]
    # Payments by loyalty means (bonuses, certificates, abonements): not money into an account,
    # so apart from the totals.
    means_lines: list[MethodLine] = field(default_factory=list)

    @property
    def total_in(self) -> Decimal:
        return sum((line.money_in for line in self.lines), ZERO)

    @property
    def total_out(self) -> Decimal:
        return sum((line.money_out for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.total_in + self.total_out

    @property
    def scale(self) -> Decimal:
        return max([line.money_in for line in self.lines] + [-line.money_out for line in self.lines] + [Decimal(1)])


def methods_report(companies, first, last, tz) -> MethodsReport:
    """Money in and out by payment method over the period, transfers left out. One query."""
    start, end = period_bounds(first, last, tz)
    lines = {method: MethodLine(method, label) for method, label in PaymentMethod.choices}
    for row in (
        Transaction.objects.filter(company__in=companies, occurred_at__gte=start, occurred_at__lt=end)
        .exclude(item__code=TRANSFER_CODE)
        .values("method")
        .annotate(money_in=_sum(Q(amount__gt=0)), money_out=_sum(Q(amount__lt=0)), count=Count("id"))
    ):
        line = lines[row["method"]]
        line.money_in, line.money_out, line.count = to_money(row["money_in"]), to_money(row["money_out"]), row["count"]
    return MethodsReport(
        first=first, last=last, lines=list(lines.values()), means_lines=_means_lines(companies, start, end)
    )


def _means_lines(companies, start, end) -> list[MethodLine]:
    known = registered_means()
    lines = []
    for row in (
        MeansPayment.objects.filter(company__in=companies, created_at__gte=start, created_at__lt=end)
        .values("code")
        .annotate(money_in=_sum(Q(amount__gt=0)), money_out=_sum(Q(amount__lt=0)), count=Count("id"))
        .order_by("code")
    ):
        label = str(known[row["code"]].label) if row["code"] in known else row["code"]
        line = MethodLine(row["code"], label, to_money(row["money_in"]), to_money(row["money_out"]), row["count"])
        lines.append(line)
    return lines


# ---------------------------------------------------------------- debts
@dataclass
class DebtsReport:
    first: datetime.date
    last: datetime.date
    sales: list[Sale]
    count: int
    total: Decimal
    unpaid: int
    partly_paid: int


def debts_report(companies, first, last, tz) -> DebtsReport:
    """Visits of the period (by the time of their first record) that are checked out but not
    paid in full: what each client still owes. Two queries (the list and the totals)."""
    start, end = period_bounds(first, last, tz)
    first_record = (
        Record.objects.filter(visit_id=OuterRef("visit_id"))
        .order_by()
        .values("visit_id")
        .annotate(first=Min("start"))
        .values("first")
    )
    debts = (
        Sale.objects.filter(company__in=companies, status__in=[SaleStatus.UNPAID, SaleStatus.PARTLY_PAID])
        .annotate(visit_start=Subquery(first_record), owed=F("total") - F("paid") - F("refunded"))
        .filter(visit_start__gte=start, visit_start__lt=end, owed__gt=0)
    )
    totals = debts.aggregate(
        count=Count("id"),
        total=Coalesce(MoneySum("owed"), ZERO),
        unpaid=Count("id", filter=Q(status=SaleStatus.UNPAID)),
        partly_paid=Count("id", filter=Q(status=SaleStatus.PARTLY_PAID)),
    )
    sales = list(debts.select_related("client", "company").order_by("visit_start", "id")[:LIST_LIMIT])
    return DebtsReport(
        first=first,
        last=last,
        sales=sales,
        count=totals["count"],
        total=to_money(totals["total"]),
        unpaid=totals["unpaid"],
        partly_paid=totals["partly_paid"],
    )


# ---------------------------------------------------------------- cancellations and refunds
@dataclass
class RefundsReport:
    first: datetime.date
    last: datetime.date
    refunds: list[Transaction]
    refund_count: int
    refund_total: Decimal
    refund_by_method: dict[str, Decimal]
    cancelled: list[Record]
    cancelled_count: int
    no_show_count: int
    methods: list[tuple[str, str]]


def _with_clients(rows) -> list[Transaction]:
    """Each refund with `client`: the sale's, or the prepaid visit's for a prepayment's refund."""
    rows = list(rows)
    for row in rows:
        row.client = row.sale.client if row.sale_id else None
        if row.sale_id is None and row.reverses_id is not None:
            payment = getattr(row.reverses, "online_payment", None)
            row.client = payment.visit.client if payment is not None else None
    return rows


def refunds_report(companies, first, last, tz) -> RefundsReport:
    """Money given back to clients over the period (the refund transactions, by method) and the
    records of the period that were cancelled or where the client did not come. Four queries."""
    start, end = period_bounds(first, last, tz)
    # A refund gives back a sale's money, or (with no sale) an online prepayment that no checkout
    # counted — a cancelled booking's, from «Prepayments to settle».
    refunds = Transaction.objects.filter(
        Q(sale__isnull=False) | Q(reverses__isnull=False),
        company__in=companies,
        occurred_at__gte=start,
        occurred_at__lt=end,
        amount__lt=0,
    )
    by_method = _methods()
    count = 0
    for row in refunds.values("method").annotate(total=MoneySum("amount"), n=Count("id")):
        by_method[row["method"]] = to_money(-row["total"])
        count += row["n"]
    lost = Record.objects.filter(
        company__in=companies,
        start__gte=start,
        start__lt=end,
        status__in=RecordStatus.LOST,
    )
    counts = lost.aggregate(
        cancelled=Count("id", filter=Q(status=RecordStatus.CANCELLED)),
        no_show=Count("id", filter=Q(status=RecordStatus.NO_SHOW)),
    )
    return RefundsReport(
        first=first,
        last=last,
        refunds=_with_clients(
            refunds.select_related(
                "account", "sale__client", "company", "created_by", "reverses__online_payment__visit__client"
            ).order_by("occurred_at", "id")[:LIST_LIMIT]
        ),
        refund_count=count,
        refund_total=sum(by_method.values(), ZERO),
        refund_by_method=by_method,
        cancelled=list(lost.select_related("client", "specialist", "company").order_by("start", "id")[:LIST_LIMIT]),
        cancelled_count=counts["cancelled"],
        no_show_count=counts["no_show"],
        methods=list(PaymentMethod.choices),
    )
