"""A report's Excel workbook: every table a sheet (with its totals line), the heat map a sheet of
numbers. A share is written as the percentage the page shows (25.0 for 25 %), a number the reader
can compute with; money as numbers with the money format."""

from __future__ import annotations

from django.utils.translation import gettext as _

from frontdesk.analytics.reports.base import SHARE, HeatMap, Result, Table, percent
from frontdesk.core.spreadsheets import Sheet, header_widths, write_workbook


def _value(value, kind):
    if kind == SHARE and value is not None:
        return float(percent(value))
    return value


def table_sheet(table: Table, fallback_title) -> Sheet:
    headers = [column.label for column in table.columns]
    rows = [[_value(v, c.kind) for v, c in zip(row, table.columns, strict=False)] for row in table.rows]
    if table.totals is not None:
        rows.append([_value(v, c.kind) for v, c in zip(table.totals, table.columns, strict=False)])
    return Sheet(str(table.title or fallback_title), headers, rows, widths=header_widths(headers), freeze="A2")


def heatmap_sheet(heatmap: HeatMap) -> Sheet:
    headers = [heatmap.row_header or "", *heatmap.lead_headers, *[str(label) for label in heatmap.column_labels]]
    rows = []
    for index, (label, cells) in enumerate(zip(heatmap.row_labels, heatmap.cells, strict=True)):
        lead = [_value(value, kind) for value, kind in heatmap.lead_cells(index)]
        rows.append([str(label), *lead, *[_value(v, heatmap.kind_of_values) for v in cells]])
    return Sheet(str(heatmap.title or _("Heat map")), headers, rows, widths=header_widths(headers), freeze="B2")


def sheets(result: Result, title) -> list[Sheet]:
    out = [table_sheet(table, title) for table in result.tables]
    if result.heatmap is not None:
        out.append(heatmap_sheet(result.heatmap))
    # Sheet names must differ within a workbook.
    seen: dict[str, int] = {}
    for sheet in out:
        name = str(sheet.title)[:28]
        seen[name] = seen.get(name, 0) + 1
        sheet.title = name if seen[name] == 1 else f"{name} {seen[name]}"
    return out


def workbook(result: Result, title) -> bytes:
    return write_workbook(sheets(result, title) or [Sheet(str(title), [str(title)], [])])
