"""Every change of payroll goes through these functions: views, the demo and the tests call
them. Each runs in one transaction and either saves everything or raises PayrollError (or
finance's FinanceError for the cash desk's own refusals) and saves nothing.

An employee's balance in a branch is a ledger, never a stored number: the lines of the branch's
closed periods, plus manual bonuses and fines, minus payouts (`balances`, `ledger`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core import money
from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row
from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import AccountKind, PaymentMethod
from frontdesk.finance.services import item_by_code, record_expense
from frontdesk.payroll.calculation import ZERO, calculate, closed_periods, closed_total, compute
from frontdesk.payroll.errors import PayrollError, shown_date
from frontdesk.payroll.models import (
    Assignment,
    Entry,
    EntryKind,
    Line,
    Payout,
    PayoutKind,
    PayrollSettings,
    Period,
    Scheme,
)
from frontdesk.staff.models import Specialist


def parse_amount(value) -> Decimal:
    """A positive amount typed by a person (core.money.parse_amount), refused as PayrollError."""
    try:
        return money.parse_amount(value)
    except money.AmountError as error:
        raise PayrollError(error.code) from None


def today_in(company) -> datetime.date:
    return timezone.localtime(timezone.now(), company.tz).date()


def closed_until(company) -> datetime.date | None:
    last = Period.objects.filter(company=company).order_by("-end").values_list("end", flat=True).first()
    return last


def _refuse_closed(company, day: datetime.date) -> None:
    last = closed_until(company)
    if last is not None and day <= last:
        raise PayrollError("in_closed_period", closed=shown_date(last))


def _works_here(specialist: Specialist, company) -> None:
    if not specialist.companies.filter(pk=company.pk).exists():
        raise PayrollError("specialist_branch", specialist=specialist.name)


def _user(user):
    return user if getattr(user, "pk", None) else None


# ---------------------------------------------------------------- assignments
def assign_scheme(company, specialist: Specialist, scheme: Scheme, valid_from, valid_to=None, *, user=None):
    """Pay `specialist` in the branch by `scheme` from `valid_from` to `valid_to` (open when
    None). Refused when it overlaps another of their assignments in the branch, or starts on a
    closed day. Concurrent assignments of one specialist queue on the specialist's row."""
    if valid_to is not None and valid_to < valid_from:
        raise PayrollError("span_order")
    _works_here(specialist, company)
    _refuse_closed(company, valid_from)
    with transaction.atomic():
        lock_row(Specialist.objects, specialist.pk)
        _refuse_overlap(company, specialist, valid_from, valid_to)
        row = Assignment.objects.create(
            company=company,
            chain_id=company.chain_id,
            specialist=specialist,
            scheme=scheme,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        return row


def _refuse_overlap(company, specialist, valid_from, valid_to, exclude=None) -> None:
    clash = Assignment.objects.filter(company=company, specialist=specialist).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        clash = clash.filter(valid_from__lte=valid_to)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    other = clash.select_related("scheme").first()
    if other is not None:
        end = f" – {shown_date(other.valid_to)}" if other.valid_to else ""
        raise PayrollError(
            "overlap",
            specialist=specialist.name,
            scheme=other.scheme.title,
            start=shown_date(other.valid_from),
            end=end,
        )


def end_assignment(assignment: Assignment, valid_to: datetime.date | None, *, user=None) -> Assignment:
    """Set (or clear) the last day of an assignment. Refused when it would change who was paid
    how on a closed day, or make the span overlap the specialist's next one."""
    company = assignment.company
    if valid_to is not None and valid_to < assignment.valid_from:
        raise PayrollError("span_order")
    last = closed_until(company)
    if last is not None and valid_to is not None and valid_to < last and assignment.valid_from <= last:
        raise PayrollError("in_closed_period", closed=shown_date(last))
    with transaction.atomic():
        lock_row(Specialist.objects, assignment.specialist_id)
        assignment = Assignment.objects.get(pk=assignment.pk)
        _refuse_overlap(company, assignment.specialist, assignment.valid_from, valid_to, exclude=assignment)
        assignment.valid_to = valid_to
        assignment.save(update_fields=["valid_to"])
        return assignment


def delete_assignment(assignment: Assignment) -> None:
    """Remove an assignment made by mistake: only one that starts after every closed day."""
    _refuse_closed(assignment.company, assignment.valid_from)
    assignment.delete()


# ---------------------------------------------------------------- bonuses and fines
def add_entry(company, specialist: Specialist, kind: str, amount, day: datetime.date, reason: str, *, user=None):
    """A manual bonus or fine, in the employee's ledger at once. Refused on a closed day."""
    if kind not in EntryKind.values:
        raise PayrollError("reason_required")
    value = parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise PayrollError("reason_required")
    _works_here(specialist, company)
    _refuse_closed(company, day)
    return Entry.objects.create(
        company=company,
        chain_id=company.chain_id,
        specialist=specialist,
        kind=kind,
        date=day,
        amount=value if kind == EntryKind.BONUS else -value,
        reason=reason[:255],
        created_by=_user(user),
    )


# ---------------------------------------------------------------- closing
def next_period_start(company) -> datetime.date | None:
    last = closed_until(company)
    return last + datetime.timedelta(days=1) if last else None


def close_period(company, first: datetime.date, last: datetime.date, *, user=None) -> Period:
    """Close the branch's payroll for `first`–`last`: its lines (with the adjustments of earlier
    closed days) are stored and never change again; later changes to its days show as adjustments
    in the next period. Periods follow each other: the next starts the day after the last closed
    one. Two closings at once: one wins, the other is refused (the period's start is unique)."""
    if last < first:
        raise PayrollError("period_order")
    if last > today_in(company):
        raise PayrollError("period_future", end=shown_date(last))
    try:
        with transaction.atomic():
            periods = closed_periods(company)
            if periods:
                expected = periods[-1].end + datetime.timedelta(days=1)
                if first <= periods[-1].end:
                    raise PayrollError("period_closed")
                if first != expected:
                    raise PayrollError("period_start", start=shown_date(expected))
            payroll = calculate(company, first, last)
            period = Period.objects.create(
                company=company, chain_id=company.chain_id, start=first, end=last, closed_by=_user(user)
            )
            Line.objects.bulk_create(
                [
                    Line(
                        chain_id=company.chain_id,
                        period=period,
                        specialist_id=a.specialist_id,
                        kind=a.kind,
                        key=a.key,
                        date=a.date,
                        title=a.title[:200],
                        base=a.base,
                        basis=a.basis,
                        percent=a.percent,
                        fixed=a.fixed,
                        quantity=a.quantity,
                        amount=a.amount,
                        of_date=a.of_date,
                    )
                    for a in payroll.lines
                    if a.amount
                ]
            )
            log_action(
                period,
                code="payroll.closed",
                changes={"total": [None, str(payroll.total)], "lines": [None, len(payroll.lines)]},
            )
            return period
    except IntegrityError:
        raise PayrollError("period_closed") from None


# ---------------------------------------------------------------- balances and payouts
def balances(company, specialist_ids) -> dict[int, Decimal]:
    """{specialist: closed accruals + bonuses and fines − payouts} in the branch. Three queries."""
    ids = list(specialist_ids)
    totals = dict.fromkeys(ids, ZERO)
    for pk, value in closed_total(company, ids).items():
        totals[pk] += value
    for model in (Entry, Payout):
        sign = 1 if model is Entry else -1
        for row in (
            model.objects.filter(company=company, specialist_id__in=ids)
            .values("specialist_id")
            .annotate(total=MoneySum("amount"))
        ):
            totals[row["specialist_id"]] += sign * to_money(row["total"] or 0)
    return totals


def open_accrued(company, specialist: Specialist, today=None) -> Decimal:
    """What the employee has accrued on the open days up to today (the day after the last closed
    period, or their first assignment here, through today): not in the balance until closed."""
    today = today or today_in(company)
    periods = closed_periods(company)
    if periods:
        first = periods[-1].end + datetime.timedelta(days=1)
    else:
        first = (
            Assignment.objects.filter(company=company, specialist=specialist)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
    if first is None or first > today:
        return ZERO
    lines = compute(company, first, today, specialist_ids=[specialist.pk], periods=periods, today=today)
    return sum((line.amount for line in lines), ZERO)


@dataclass
class LedgerRow:
    date: datetime.date
    kind: str
    label: str
    amount: Decimal
    balance: Decimal = ZERO


def ledger(company, specialist: Specialist) -> list[LedgerRow]:
    """The employee's ledger in the branch, oldest first, each row with the balance after it: a
    closed period's accruals (one row per period), bonuses, fines, payouts. The last row's balance
    equals `balances`. Three queries."""
    rows: list[LedgerRow] = []
    for period_id, start, end, total in (
        Line.objects.filter(period__company=company, specialist=specialist)
        .values("period_id", "period__start", "period__end")
        .annotate(total=MoneySum("amount"))
        .values_list("period_id", "period__start", "period__end", "total")
    ):
        del period_id
        label = _("Accrued for %(start)s – %(end)s") % {"start": shown_date(start), "end": shown_date(end)}
        rows.append(LedgerRow(end, "period", label, to_money(total or 0)))
    for entry in Entry.objects.filter(company=company, specialist=specialist):
        rows.append(LedgerRow(entry.date, entry.kind, f"{entry.get_kind_display()}: {entry.reason}", entry.amount))
    for payout in Payout.objects.filter(company=company, specialist=specialist):
        day = timezone.localtime(payout.created_at, company.tz).date()
        label = payout.get_kind_display() + (f": {payout.comment}" if payout.comment else "")
        rows.append(LedgerRow(day, payout.kind, label, -payout.amount))
    order = {"period": 0, "bonus": 1, "fine": 1, PayoutKind.ADVANCE: 2, PayoutKind.SALARY: 2}
    rows.sort(key=lambda r: (r.date, order.get(r.kind, 3)))
    running = ZERO
    for row in rows:
        running += row.amount
        row.balance = running
    return rows


def no_overpay(chain_id: int) -> bool:
    value = PayrollSettings.objects.filter(chain_id=chain_id).values_list("no_overpay", flat=True).first()
    return True if value is None else value


def set_no_overpay(chain, value: bool) -> None:
    PayrollSettings.objects.update_or_create(chain=chain, defaults={"no_overpay": bool(value)})


def pay_out(company, specialist: Specialist, account, amount, *, kind=PayoutKind.SALARY, user=None, comment=""):
    """Pay an employee from a cash desk or a bank account of the branch: an expense under the
    «Salaries» payment item (finance.record_expense: refused when the account has not got the
    money) and the payout row that points to it, both or neither. With «never pay more than
    earned» on (the default), the amount may not exceed what is earned and unpaid — the balance
    plus what the open days have accrued so far; two payouts at once queue on the specialist's
    row and the second sees the first."""
    value = parse_amount(amount)
    if kind not in PayoutKind.values:
        kind = PayoutKind.SALARY
    if account.company_id != company.pk:
        raise PayrollError("account_branch")
    _works_here(specialist, company)
    with transaction.atomic():
        specialist = lock_row(Specialist.objects, specialist.pk)
        if no_overpay(company.chain_id):
            available = balances(company, [specialist.pk])[specialist.pk] + open_accrued(company, specialist)
            if value > available:
                raise PayrollError("overpay", specialist=specialist.name, available=max(available, ZERO))
        label = PayoutKind(kind).label
        note = (comment or "").strip()
        expense = record_expense(
            account,
            value,
            item=item_by_code(company.chain_id, "salaries"),
            method=PaymentMethod.CASH if account.kind == AccountKind.CASH else PaymentMethod.TRANSFER,
            user=user,
            comment=f"{label}: {specialist.name}" + (f" ({note})" if note else ""),
        )
        payout = Payout.objects.create(
            company=company,
            chain_id=company.chain_id,
            specialist=specialist,
            kind=kind,
            amount=value,
            transaction=expense,
            comment=note[:255],
            created_by=_user(user),
        )
        log_action(payout, code="payroll.paid", changes={"amount": [None, str(value)], "kind": [None, kind]})
        return payout
