"""The finance reports as Excel workbooks: the same figures as the pages, amounts as numbers
(Decimal, two places) so the reader can sum them again, headings in the reader's language."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core import spreadsheets as sheets


def _sheet(title: str, headers: list) -> sheets.Sheet:
    """A report sheet: header kept in view, columns as wide as their headers, amounts as money."""
    return sheets.Sheet(title, headers, [], widths=sheets.header_widths(headers), freeze="A2", money=True)


def workbook(report_sheets: list[sheets.Sheet]) -> bytes:
    return sheets.write_workbook(report_sheets)


def _local(moment, tz) -> str:
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def cash_sheets(report) -> list[sheets.Sheet]:
    methods = report.methods
    accounts = _sheet(
        _("Cash report %(day)s") % {"day": report.day.isoformat()},
        [_("Branch"), _("Account"), _("At the start of the day")]
        + [_("In: %(method)s") % {"method": label} for _m, label in methods]
        + [_("Out: %(method)s") % {"method": label} for _m, label in methods]
        + [_("At the end of the day")],
    )
    for row in report.accounts:
        accounts.add(
            row.account.company.name,
            row.account.title,
            row.opening,
            *[row.money_in[m] for m, _label in methods],
            *[row.money_out[m] for m, _label in methods],
            row.closing,
        )
    accounts.add(
        _("Total"),
        "",
        report.opening,
        *report.in_by_method.values(),
        *report.out_by_method.values(),
        report.closing,
    )
    shifts = _sheet(
        _("Shifts"),
        [
            _("Branch"),
            _("Cash desk"),
            _("Opened"),
            _("Closed"),
            _("At opening"),
            _("Expected"),
            _("Counted"),
            _("Discrepancy"),
        ],
    )
    for shift in report.shifts:
        tz = shift.company.tz
        shifts.add(
            shift.company.name,
            shift.account.title,
            _local(shift.opened_at, tz),
            _local(shift.closed_at, tz),
            shift.opening_balance,
            shift.expected,
            shift.counted,
            shift.discrepancy,
        )
    return [accounts, shifts]


def items_sheets(report) -> list[sheets.Sheet]:
    sheet = _sheet(
        _("By payment item"),
        [_("Type"), _("Payment item"), _("Transactions"), _("In"), _("Out"), _("Net")],
    )
    for kind, lines, total in (
        (_("Income"), report.income, report.total_income),
        (_("Expense"), report.expense, report.total_expense),
    ):
        for line in lines:
            sheet.add(kind, str(line.item), line.count, line.money_in, line.money_out, line.net)
        sheet.add(kind, _("Total"), None, None, None, total)
    sheet.add(_("Result"), "", None, None, None, report.result)
    return [sheet]


def methods_sheets(report) -> list[sheets.Sheet]:
    sheet = _sheet(_("By payment method"), [_("Payment method"), _("Transactions"), _("In"), _("Out"), _("Net")])
    for line in report.lines:
        sheet.add(line.label, line.count, line.money_in, line.money_out, line.net)
    sheet.add(_("Total"), None, report.total_in, report.total_out, report.total)
    for line in report.means_lines:
        sheet.add(line.label, line.count, line.money_in, line.money_out, line.net)
    return [sheet]


def debts_sheets(report, tz) -> list[sheets.Sheet]:
    sheet = _sheet(
        _("Debts"),
        [_("Branch"), _("Visit"), _("Client"), _("Phone"), _("Total"), _("Paid"), _("Refunded"), _("Owed")],
    )
    for sale in report.sales:
        sheet.add(
            sale.company.name,
            _local(sale.visit_start, tz),
            sale.client.name if sale.client else "",
            sale.client.phone if sale.client else "",
            sale.total,
            sale.paid,
            sale.refunded,
            sale.owed,
        )
    sheet.add(_("Total"), "", "", "", None, None, None, report.total)
    return [sheet]


def refunds_sheets(report, tz) -> list[sheets.Sheet]:
    refunds = _sheet(
        _("Refunds"), [_("Branch"), _("Time"), _("Client"), _("Account"), _("Payment method"), _("Amount")]
    )
    for row in report.refunds:
        client = row.client
        refunds.add(
            row.company.name,
            _local(row.occurred_at, tz),
            client.name if client else "",
            row.account.title,
            row.get_method_display(),
            -row.amount,
        )
    refunds.add(_("Total"), "", "", "", "", report.refund_total)
    cancelled = _sheet(_("Cancellations"), [_("Branch"), _("Time"), _("Client"), _("Specialist"), _("Status")])
    for record in report.cancelled:
        cancelled.add(
            record.company.name,
            _local(record.start, tz),
            record.client.name if record.client else "",
            record.specialist.name,
            record.get_status_display(),
        )
    return [refunds, cancelled]
