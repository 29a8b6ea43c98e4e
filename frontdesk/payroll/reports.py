"""Payroll reports of a branch for some dates, on screen and in Excel (VIEW in the payroll
section):

- **the payroll fund**: per employee (with their position) the balance at the start, what the
  dates accrued, their bonuses and fines, what was paid on them and the balance at the end, with
  totals per position and for the branch;
- **pay as a share of revenue**: per service category (and goods) the revenue the branch kept and
  the pay accrued for it, and the share; pay not tied to a sale (shifts, hours, monthly pay,
  top-ups, adjustments, bonuses and fines) is a row of its own and counts in the branch's total.

Revenue is what the payroll takes its % from after the discount: a line's part of its sale's
total times the share of the money the salon kept (`calculation.kept_share`; goods less what
came back), so an unpaid visit is not revenue yet and a refund takes it back.

Queries: a fixed number whatever the branch holds — the fund: the calculation's, then the
balances before the dates (3), the dates' bonuses and fines and payouts (2), the names (1); the
share: the calculation's, the service and goods lines (2), the goods brought back (1), the
categories (1), bonuses and fines (1)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.catalog.models import ServiceCategory
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.money import MoneySum, to_money
from frontdesk.payroll.calculation import (
    ZERO,
    calculate,
    day_start,
    goods_base,
    goods_rows_of,
    kept_share,
    returned_values,
    service_base,
    service_rows_of,
)
from frontdesk.payroll.errors import PayrollError, shown_date
from frontdesk.payroll.models import Basis, Entry, Line, LineKind, Payout
from frontdesk.payroll.views import _base_context, dates_of
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.permissions import section_required


# ---------------------------------------------------------------- the payroll fund
def balances_before(company, ids, day: datetime.date) -> dict[int, Decimal]:
    """{specialist: their ledger's balance before the local `day`} — closed periods that ended
    before it, bonuses and fines dated before it, payouts made before it. Three queries."""
    totals = dict.fromkeys(ids, ZERO)
    queries = (
        (Line.objects.filter(period__company=company, period__end__lt=day), 1),
        (Entry.objects.filter(company=company, date__lt=day), 1),
        (Payout.objects.filter(company=company, created_at__lt=day_start(company, day)), -1),
    )
    for rows, sign in queries:
        for row in rows.filter(specialist_id__in=ids).values("specialist_id").annotate(total=MoneySum("amount")):
            totals[row["specialist_id"]] += sign * to_money(row["total"] or 0)
    return totals


def _sums(rows) -> dict[int, Decimal]:
    return {
        row["specialist_id"]: to_money(row["total"] or 0)
        for row in rows.values("specialist_id").annotate(total=MoneySum("amount"))
    }


def fund(company, first: datetime.date, last: datetime.date) -> dict:
    """The payroll fund's rows (one per employee of the branch and anyone with lines, payouts or
    entries on the dates), totals per position and for the branch. Raises PayrollError for dates
    that cut into a closed period."""
    payroll = calculate(company, first, last)
    accrued = payroll.totals()
    entries = _sums(Entry.objects.filter(company=company, date__gte=first, date__lte=last))
    paid = _sums(
        Payout.objects.filter(
            company=company,
            created_at__gte=day_start(company, first),
            created_at__lt=day_start(company, last + datetime.timedelta(days=1)),
        )
    )
    staff = {
        pk: (name, position or "")
        for pk, name, position in Specialist.objects.filter(
            Q(companies=company, is_dismissed=False) | Q(pk__in=set(accrued) | set(entries) | set(paid))
        )
        .distinct()
        .values_list("pk", "name", "position__title")
    }
    start = balances_before(company, list(staff), first)
    rows = []
    for pk, (name, position) in staff.items():
        row = {
            "id": pk,
            "name": name,
            "position": position,
            "start": start.get(pk, ZERO),
            "accrued": accrued.get(pk, ZERO),
            "entries": entries.get(pk, ZERO),
            "paid": paid.get(pk, ZERO),
        }
        row["end"] = row["start"] + row["accrued"] + row["entries"] - row["paid"]
        rows.append(row)
    rows.sort(key=lambda r: (r["position"], r["name"], r["id"]))
    figures = ("start", "accrued", "entries", "paid", "end")
    by_position: dict[str, dict] = {}
    for row in rows:
        group = by_position.setdefault(row["position"], dict.fromkeys(figures, ZERO))
        for key in figures:
            group[key] += row[key]
    totals = {key: sum((r[key] for r in rows), ZERO) for key in figures}
    return {"rows": rows, "positions": sorted(by_position.items()), "totals": totals, "closed": payroll.period}


def _report(request, build):
    """(first, last, the report of the page's dates), or the refusal as {"error": text}."""
    first, last = dates_of(request, request.company)
    try:
        return first, last, build(request.company, first, last)
    except PayrollError as error:
        return first, last, {"error": error.text}


def _page(request, build, template):
    first, last, report = _report(request, build)
    context = _base_context(request, first, last)
    context.update(report)
    return render(request, template, context)


@section_required(Section.PAYROLL, Level.VIEW)
def fund_page(request, company_id):
    return _page(request, fund, "payroll/fund.html")


@section_required(Section.PAYROLL, Level.VIEW)
def fund_export(request, company_id):
    first, last, report = _report(request, fund)
    if "error" in report:
        messages.error(request, report["error"])
        return redirect("payroll:fund", company_id=company_id)
    headers = [
        _("Employee"),
        _("Position"),
        _("Balance at the start"),
        _("Accrued"),
        _("Bonuses and fines"),
        _("Paid out"),
        _("Balance at the end"),
    ]
    figures = ("start", "accrued", "entries", "paid", "end")
    body = [[r["name"], r["position"], *(r[key] for key in figures)] for r in report["rows"]]
    body += [
        [_("Total"), position or _("No position"), *(group[key] for key in figures)]
        for position, group in report["positions"]
    ]
    body.append([_("Total"), "", *(report["totals"][key] for key in figures)])
    title = _("Payroll fund %(start)s – %(end)s") % {"start": shown_date(first), "end": shown_date(last)}
    sheet = sheets.Sheet(title, headers, body, widths=[30, 20, 16, 14, 16, 14, 16], freeze="A2", money=True)
    return sheets.xlsx_response(
        sheets.write_workbook([sheet]), f"payroll-fund-{first.isoformat()}-{last.isoformat()}.xlsx"
    )


# ---------------------------------------------------------------- pay as a share of revenue
@dataclass
class ShareRow:
    title: str
    revenue: Decimal | None
    pay: Decimal

    @property
    def share(self) -> Decimal | None:
        """Pay as a % of revenue, to one decimal; None without revenue."""
        if not self.revenue:
            return None
        return (self.pay * 100 / self.revenue).quantize(Decimal("0.1"))


def share(company, first: datetime.date, last: datetime.date) -> dict:
    """Per service category (lines without a catalogue service together) and for goods: the revenue kept and
    the pay accrued for it; then the pay not tied to a sale; and the branch's total. Raises
    PayrollError for dates that cut into a closed period."""
    payroll = calculate(company, first, last)
    services = service_rows_of(company, first, last, None)
    goods = goods_rows_of(company, first, last, None)
    returned = returned_values({row.sale_id for row in services} | {row.sale_id for row in goods})
    revenue: dict[object, Decimal] = defaultdict(lambda: ZERO)
    category_of_line: dict[str, object] = {}
    for row in services:
        kept = kept_share(row.subtotal, row.total, row.paid, returned.get(row.sale_id, 0))
        revenue[row.category_id] += service_base(row.price, row.subtotal, row.total, kept, Basis.AFTER_DISCOUNT)
        category_of_line[f"sl:{row.pk}"] = row.category_id
    for row in goods:
        kept = kept_share(row.subtotal, row.total, row.paid, returned.get(row.sale_id, 0))
        revenue["goods"] += goods_base(row, kept)
    pay: dict[object, Decimal] = defaultdict(lambda: ZERO)
    for line in payroll.lines:
        if line.kind == LineKind.SERVICE and line.key in category_of_line:
            pay[category_of_line[line.key]] += line.amount
        elif line.kind == LineKind.GOODS:
            pay["goods"] += line.amount
        else:
            pay["other"] += line.amount
    entries = Entry.objects.filter(company=company, date__gte=first, date__lte=last).aggregate(total=MoneySum("amount"))
    pay["other"] += to_money(entries["total"] or 0)
    ids = [key for key in set(revenue) | set(pay) if isinstance(key, int)]
    names = dict(ServiceCategory.unscoped.filter(company=company, pk__in=ids).values_list("pk", "title"))
    rows = [ShareRow(names.get(key, ""), revenue.get(key, ZERO), pay.get(key, ZERO)) for key in ids]
    rows.sort(key=lambda r: r.title)
    if None in revenue or None in pay:
        rows.append(ShareRow(_("Services without a category"), revenue.get(None, ZERO), pay.get(None, ZERO)))
    if "goods" in revenue or "goods" in pay:
        rows.append(ShareRow(_("Goods"), revenue.get("goods", ZERO), pay.get("goods", ZERO)))
    other = ShareRow(
        _("Pay not tied to a sale: shifts, hours, monthly pay, top-ups, adjustments, bonuses and fines"),
        None,
        pay.get("other", ZERO),
    )
    total = ShareRow(_("The branch"), sum(revenue.values(), ZERO), sum(pay.values(), ZERO))
    return {"rows": rows, "other": other, "total": total, "closed": payroll.period}


@section_required(Section.PAYROLL, Level.VIEW)
def share_page(request, company_id):
    return _page(request, share, "payroll/share.html")


@section_required(Section.PAYROLL, Level.VIEW)
def share_export(request, company_id):
    first, last, report = _report(request, share)
    if "error" in report:
        messages.error(request, report["error"])
        return redirect("payroll:share", company_id=company_id)
    rows = [*report["rows"], report["other"], report["total"]]
    title = _("Pay and revenue %(start)s – %(end)s") % {"start": shown_date(first), "end": shown_date(last)}
    sheet = sheets.Sheet(
        title,
        [_("Direction"), _("Revenue"), _("Accrued pay"), _("Pay, %% of revenue") % {}],
        [[r.title, r.revenue, r.pay, float(r.share) if r.share is not None else None] for r in rows],
        widths=[50, 16, 16, 18],
        freeze="A2",
    )
    return sheets.xlsx_response(
        sheets.write_workbook([sheet]), f"payroll-share-{first.isoformat()}-{last.isoformat()}.xlsx"
    )
