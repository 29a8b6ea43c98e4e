"""The payroll pages of a branch: the calculation for any dates (employees with totals), one
employee's lines with their scheme assignments, bonuses and fines, payouts and ledger, the
closing of a period, the Excel export, and a specialist's own earnings. Reading needs VIEW in the
payroll section, every change EDIT; a specialist without it sees only their own page (`mine`),
found by their login on the server. Schemes are in scheme_views."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.dates import parse_date
from frontdesk.core.money import MoneySum, format_money, to_money
from frontdesk.payroll import services
from frontdesk.payroll.calculation import ZERO, calculate
from frontdesk.payroll.errors import PayrollError, shown_date
from frontdesk.payroll.explain import explain
from frontdesk.payroll.forms import AssignmentForm, EndAssignmentForm, EntryForm, PayoutForm
from frontdesk.payroll.models import Assignment, Entry, LineKind, Payout, Period
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.permissions import any_member, section_required


def can_edit(request) -> bool:
    return request.membership.can(Section.PAYROLL, Level.EDIT)


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------- the dates asked for
def dates_of(request, company) -> tuple[datetime.date, datetime.date]:
    """The dates of the page: ?from=&to=, or ?month=YYYY-MM, or the current month."""
    first, last = parse_date(request.GET.get("from")), parse_date(request.GET.get("to"))
    if first and last:
        return first, last
    today = services.today_in(company)
    text = request.GET.get("month") or ""
    try:
        year, number = (int(part) for part in text.split("-"))
        first = datetime.date(year, number, 1)
    except ValueError:
        first = today.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def quick_ranges(company) -> list[tuple[str, datetime.date, datetime.date]]:
    today = services.today_in(company)
    month_first = today.replace(day=1)
    previous_last = month_first - datetime.timedelta(days=1)
    monday = today - datetime.timedelta(days=today.weekday())
    return [
        (_("Today"), today, today),
        (_("This week"), monday, monday + datetime.timedelta(days=6)),
        (_("This month"), month_first, month_first.replace(day=calendar.monthrange(today.year, today.month)[1])),
        (_("Last month"), previous_last.replace(day=1), previous_last),
    ]


def _range_query(first, last) -> str:
    return urlencode({"from": first.isoformat(), "to": last.isoformat()})


def _base_context(request, first, last) -> dict:
    return {
        "first": first,
        "last": last,
        "range_query": _range_query(first, last),
        "quick": [
            (label, _range_query(a, b), a == first and b == last) for label, a, b in quick_ranges(request.company)
        ],
        "can_edit": can_edit(request),
    }


# ---------------------------------------------------------------- the branch
@any_member
def index(request, company_id):
    """The branch's calculation for members who may view payroll; a specialist's own otherwise."""
    if not request.membership.can(Section.PAYROLL, Level.VIEW):
        return mine(request, company_id)
    company = request.company
    first, last = dates_of(request, company)
    context = _base_context(request, first, last)
    try:
        payroll = calculate(company, first, last)
    except PayrollError as error:
        payroll = None
        context["error"] = error.text
    context.update(branch_rows(company, payroll, first, last) if payroll else {"rows": []})
    periods = list(Period.objects.filter(company=company).order_by("-start")[:24])
    next_start = periods[0].end + datetime.timedelta(days=1) if periods else None
    context.update(
        payroll=payroll,
        periods=[(p, _range_query(p.start, p.end)) for p in periods],
        can_close=bool(
            payroll
            and payroll.period is None
            and (next_start is None or first == next_start)
            and last <= services.today_in(company)
        ),
        next_start=next_start,
        no_overpay=services.no_overpay(request.chain.pk),
    )
    return render(request, "payroll/index.html", context)


def branch_rows(company, payroll, first, last) -> dict:
    """One row per employee of the branch (and anyone with lines): accrued (and of it, for goods
    sold), bonuses and fines of the dates, their total and the balance. A fixed number of
    queries."""
    totals = payroll.totals()
    goods: dict[int, Decimal] = {}
    for line in payroll.lines:
        if line.kind == LineKind.GOODS:
            goods[line.specialist_id] = goods.get(line.specialist_id, ZERO) + line.amount
    ids = set(totals) | set(
        Specialist.objects.filter(companies=company, is_dismissed=False).values_list("pk", flat=True)
    )
    entries = {
        row["specialist_id"]: to_money(row["total"] or 0)
        for row in Entry.objects.filter(company=company, date__gte=first, date__lte=last, specialist_id__in=ids)
        .values("specialist_id")
        .annotate(total=MoneySum("amount"))
    }
    owed = services.balances(company, ids)
    names = dict(Specialist.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [
        {
            "id": pk,
            "name": names.get(pk, ""),
            "accrued": totals.get(pk, ZERO),
            "goods": goods.get(pk, ZERO),
            "entries": entries.get(pk, ZERO),
            "total": totals.get(pk, ZERO) + entries.get(pk, ZERO),
            "balance": owed.get(pk, ZERO),
        }
        for pk in ids
    ]
    rows.sort(key=lambda r: (r["name"], r["id"]))
    return {
        "rows": rows,
        "sum_accrued": sum((r["accrued"] for r in rows), ZERO),
        "sum_goods": sum((r["goods"] for r in rows), ZERO),
        "sum_entries": sum((r["entries"] for r in rows), ZERO),
        "sum_total": sum((r["total"] for r in rows), ZERO),
    }


@section_required(Section.PAYROLL, Level.EDIT)
def close(request, company_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    first, last = parse_date(request.POST.get("from")), parse_date(request.POST.get("to"))
    if not first or not last:
        messages.error(request, _("Choose the period's dates."))
        return redirect("payroll:index", company_id=company_id)
    try:
        period = services.close_period(request.company, first, last, user=request.user)
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(
            request,
            _("The payroll for %(start)s – %(end)s is closed.")
            % {"start": shown_date(period.start), "end": shown_date(period.end)},
        )
    return redirect(reverse("payroll:index", args=[company_id]) + "?" + _range_query(first, last))


@section_required(Section.PAYROLL, Level.EDIT)
def settings_page(request, company_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.set_no_overpay(request.chain, request.POST.get("no_overpay") == "on")
    return redirect("payroll:index", company_id=company_id)


@section_required(Section.PAYROLL, Level.VIEW)
def export(request, company_id):
    company = request.company
    first, last = dates_of(request, company)
    try:
        payroll = calculate(company, first, last)
    except PayrollError as error:
        messages.error(request, error.text)
        return redirect("payroll:index", company_id=company_id)
    rows = branch_rows(company, payroll, first, last)["rows"]
    names = {row["id"]: row["name"] for row in rows}
    currency = request.chain.currency_symbol
    totals = sheets.Sheet(
        _("Payroll %(start)s – %(end)s") % {"start": shown_date(first), "end": shown_date(last)},
        [_("Employee"), _("Accrued"), _("Of it for goods"), _("Bonuses and fines"), _("Total"), _("Balance")],
        [[r["name"], r["accrued"], r["goods"], r["entries"], r["total"], r["balance"]] for r in rows],
        widths=[30, 14, 14, 16, 14, 14],
        freeze="A2",
        money=True,
    )
    lines = sheets.Sheet(
        _("Lines"),
        [_("Employee"), _("Date"), _("What"), _("Amount")],
        [
            [names.get(line.specialist_id, ""), line.date, explain(line, currency), line.amount]
            for line in payroll.lines
        ],
        widths=[30, 12, 90, 14],
        freeze="A2",
        money=True,
    )
    data = sheets.write_workbook([totals, lines])
    return sheets.xlsx_response(data, f"payroll-{first.isoformat()}-{last.isoformat()}.xlsx")


# ---------------------------------------------------------------- one employee
def _specialist(request, specialist_id) -> Specialist:
    return get_object_or_404(Specialist.objects, pk=specialist_id, companies=request.company)


def employee_context(request, specialist, first, last) -> dict:
    """What an employee's page shows for the dates: the lines in words, bonuses and fines, the
    payouts, the ledger with the balance, the scheme assignments. A fixed number of queries."""
    company = request.company
    currency = request.chain.currency_symbol
    context = _base_context(request, first, last)
    try:
        payroll = calculate(company, first, last, specialist_ids=[specialist.pk])
    except PayrollError as error:
        payroll = None
        context["error"] = error.text
    lines = [(line, explain(line, currency)) for line in payroll.lines] if payroll else []
    entries = list(Entry.objects.filter(company=company, specialist=specialist, date__gte=first, date__lte=last))
    accrued = sum((line.amount for line, _text in lines), ZERO)
    bonus = sum((e.amount for e in entries), ZERO)
    ledger = services.ledger(company, specialist)
    context.update(
        specialist=specialist,
        payroll=payroll,
        lines=lines,
        entries=entries,
        accrued=accrued,
        entries_total=bonus,
        total=accrued + bonus,
        ledger=ledger,
        balance=ledger[-1].balance if ledger else ZERO,
        open_accrued=services.open_accrued(company, specialist),
        assignments=list(
            Assignment.objects.filter(company=company, specialist=specialist)
            .select_related("scheme")
            .order_by("-valid_from")
        ),
    )
    return context


@section_required(Section.PAYROLL, Level.VIEW)
def employee(request, company_id, specialist_id):
    specialist = _specialist(request, specialist_id)
    first, last = dates_of(request, request.company)
    context = employee_context(request, specialist, first, last)
    if context["can_edit"]:
        today = services.today_in(request.company)
        context.update(
            assignment_form=AssignmentForm(
                initial={"valid_from": services.next_period_start(request.company) or today}
            ),
            entry_form=EntryForm(initial={"date": today}),
            payout_form=PayoutForm(company=request.company),
        )
    context["payouts"] = list(
        Payout.objects.filter(company=request.company, specialist=specialist).select_related("transaction__account")[
            :20
        ]
    )
    return render(request, "payroll/employee.html", context)


def own_specialist(request) -> Specialist | None:
    """The specialist of this branch whose login is the member's (the first, if several)."""
    return (
        Specialist.objects.filter(user=request.user, companies=request.company, is_dismissed=False)
        .order_by("pk")
        .first()
    )


@any_member
def mine(request, company_id):
    """A specialist's own earnings: the same page as the employee's, read-only, for the
    specialist whose login is the member's (never another's, whatever the URL says)."""
    specialist = own_specialist(request)
    if specialist is None:
        return render(request, "payroll/mine.html", {"error": PayrollError("not_a_specialist").text})
    first, last = dates_of(request, request.company)
    context = employee_context(request, specialist, first, last)
    context.update(can_edit=False, own=True)
    return render(request, "payroll/mine.html", context)


def _back_to_employee(request, specialist_id):
    url = reverse("payroll:employee", args=[request.company.pk, specialist_id])
    query = request.POST.get("range") or ""
    return redirect(f"{url}?{query}" if query else url)


def _form_refusal(request, form) -> None:
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)


@section_required(Section.PAYROLL, Level.EDIT)
def assign(request, company_id, specialist_id):
    specialist = _specialist(request, specialist_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        _form_refusal(request, form)
        return _back_to_employee(request, specialist.pk)
    data = form.cleaned_data
    try:
        services.assign_scheme(
            request.company, specialist, data["scheme"], data["valid_from"], data["valid_to"], user=request.user
        )
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("The scheme is assigned."))
    return _back_to_employee(request, specialist.pk)


def _assignment(request, assignment_id) -> Assignment:
    return get_object_or_404(Assignment.objects.select_related("company"), pk=assignment_id, company=request.company)


@section_required(Section.PAYROLL, Level.EDIT)
def assignment_end(request, company_id, assignment_id):
    assignment = _assignment(request, assignment_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = EndAssignmentForm(request.POST, instance=Assignment(valid_from=assignment.valid_from))
    if not form.is_valid():
        _form_refusal(request, form)
    else:
        try:
            services.end_assignment(assignment, form.cleaned_data["valid_to"], user=request.user)
        except ValidationError as error:
            messages.error(request, _refusal(error))
    return _back_to_employee(request, assignment.specialist_id)


@section_required(Section.PAYROLL, Level.EDIT)
def assignment_delete(request, company_id, assignment_id):
    assignment = _assignment(request, assignment_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.delete_assignment(assignment)
    except ValidationError as error:
        messages.error(request, _refusal(error))
    return _back_to_employee(request, assignment.specialist_id)


@section_required(Section.PAYROLL, Level.EDIT)
def entry_add(request, company_id, specialist_id):
    specialist = _specialist(request, specialist_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = EntryForm(request.POST)
    if not form.is_valid():
        _form_refusal(request, form)
        return _back_to_employee(request, specialist.pk)
    data = form.cleaned_data
    try:
        services.add_entry(
            request.company, specialist, data["kind"], data["amount"], data["date"], data["reason"], user=request.user
        )
    except ValidationError as error:
        messages.error(request, _refusal(error))
    return _back_to_employee(request, specialist.pk)


@section_required(Section.PAYROLL, Level.EDIT)
def payout(request, company_id, specialist_id):
    specialist = _specialist(request, specialist_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PayoutForm(request.POST, company=request.company)
    if not form.is_valid():
        _form_refusal(request, form)
        return _back_to_employee(request, specialist.pk)
    data = form.cleaned_data
    try:
        done = services.pay_out(
            request.company,
            specialist,
            data["account"],
            data["amount"],
            kind=data["kind"],
            user=request.user,
            comment=data["comment"],
        )
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(
            request,
            _("%(kind)s of %(amount)s paid to %(name)s.")
            % {"kind": done.get_kind_display(), "amount": _money(done.amount, request), "name": specialist.name},
        )
    return _back_to_employee(request, specialist.pk)


def _money(value: Decimal, request) -> str:
    return format_money(value, request.chain.currency_symbol)
