"""The warehouse reports as Excel workbooks: every row (not a page), amounts and quantities as
numbers so the reader can sum them again, headings in the reader's language, moments in the
branch's local time. Built on `core.spreadsheets`; each sheet streams its queryset."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core import spreadsheets as sheets
from frontdesk.warehouse import reports
from frontdesk.warehouse.models import Unit

UNITS = dict(Unit.choices)


def _sheet(title: str, headers: list, rows=None) -> sheets.Sheet:
    return sheets.Sheet(
        title[:31], headers, rows if rows is not None else [], widths=sheets.header_widths(headers), freeze="A2"
    )


def workbook(report_sheets: list[sheets.Sheet]) -> bytes:
    return sheets.write_workbook(report_sheets)


def _local(moment, warehouse) -> str:
    return timezone.localtime(moment, warehouse.company.tz).strftime("%Y-%m-%d %H:%M")


def remains_sheets(report: reports.RemainsReport) -> list[sheets.Sheet]:
    def rows():
        for row in report.resolve(report.rows.iterator(chunk_size=2000)):
            yield [
                row["title"],
                row["article"],
                row["category"] or "",
                row["warehouse_title"],
                row["held"],
                str(row["unit_label"]),
                row["average"],
                row["worth"],
            ]

    items = _sheet(
        _("Remains on %(day)s") % {"day": report.day.isoformat()},
        [
            _("Item name"),
            _("Article"),
            _("Category"),
            _("Warehouse"),
            _("Remains"),
            _("Unit"),
            _("Average cost"),
            _("Value"),
        ],
        rows(),
    )
    categories = _sheet(_("By category"), [_("Category"), _("Value")])
    for title, value in report.categories:
        categories.add(title or _("Without a category"), value)
    categories.add(_("Total"), report.total_value)
    return [items, categories]


def movements_sheets(lines, totals) -> list[sheets.Sheet]:
    def rows():
        for line in lines.iterator(chunk_size=2000):
            doc = line.document
            yield [
                _local(line.occurred_at, line.warehouse),
                str(doc),
                doc.get_kind_display(),
                line.warehouse.company.name,
                line.warehouse.title,
                line.goods.title,
                line.goods.article,
                line.quantity,
                str(UNITS.get(line.goods.writeoff_unit, "")),
                line.price,
                line.value,
                reports.cause(line),
                doc.created_by.name if doc.created_by_id else "",
            ]

    detail = _sheet(
        _("Movements"),
        [
            _("Date"),
            _("Document"),
            _("Kind"),
            _("Branch"),
            _("Warehouse"),
            _("Item name"),
            _("Article"),
            _("Quantity"),
            _("Unit"),
            _("Price"),
            _("Cost"),
            _("Cause"),
            _("Who"),
        ],
        rows(),
    )
    summary = _sheet(_("By kind"), [_("Kind"), _("In"), _("Out")])
    for row in totals:
        summary.add(str(row["kind"]), row["value_in"], row["value_out"])
    return [detail, summary]


def sales_sheets(report: reports.SalesReport) -> list[sheets.Sheet]:
    heading = {
        "item": _("Item"),
        "category": _("Category"),
        "seller": _("Seller"),
        "branch": _("Branch"),
    }[report.by]
    sheet = _sheet(_("Goods sales"), [heading, _("Quantity"), _("Revenue"), _("Cost"), _("Margin"), _("Margin share")])
    for row in [*report.rows, report.total]:
        sheet.add(row.label or _("Total"), row.quantity, row.revenue, row.cost, row.margin, row.margin_share)
    return [sheet]


def turnover_sheets(rows) -> list[sheets.Sheet]:
    sheet = _sheet(
        _("Turnover"),
        [
            _("Item name"),
            _("Article"),
            _("Unit"),
            _("At the start"),
            _("At the end"),
            _("Average stock"),
            _("Average stock value"),
            _("Went out"),
            _("Turns"),
            _("Days of stock"),
        ],
    )
    for row in rows:
        sheet.add(
            row.title,
            row.article,
            str(UNITS.get(row.unit, row.unit)),
            row.opening,
            row.closing,
            row.average,
            row.average_value,
            row.outflow,
            row.turns,
            row.days_of_stock,
        )
    return [sheet]


def purchases_sheets(lines, totals) -> list[sheets.Sheet]:
    def rows():
        for line in lines.iterator(chunk_size=2000):
            doc = line.document
            yield [
                _local(line.occurred_at, line.warehouse),
                doc.supplier.name if doc.supplier_id else "",
                doc.supplier_document,
                str(doc),
                line.warehouse.title,
                line.goods.title,
                line.goods.article,
                line.quantity,
                str(UNITS.get(line.goods.writeoff_unit, "")),
                line.price,
                line.value,
            ]

    detail = _sheet(
        _("Purchases"),
        [
            _("Date"),
            _("Supplier"),
            _("Supplier's document"),
            _("Document"),
            _("Warehouse"),
            _("Item name"),
            _("Article"),
            _("Quantity"),
            _("Unit"),
            _("Price"),
            _("Sum"),
        ],
        rows(),
    )
    summary = _sheet(_("By supplier"), [_("Supplier"), _("Receipts"), _("Lines"), _("Sum")])
    for row in totals:
        summary.add(row["supplier_name"], row["documents"], row["lines"], row["value"])
    return [detail, summary]
