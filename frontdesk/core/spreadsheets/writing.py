"""Writing a workbook for an export: one or more sheets, a bold header row, the widths the
exporter asks for, amounts as numbers so the reader can sum them again.

The workbook is written in openpyxl's write-only mode, streaming row by row, so a large export
(the whole client base) is not built in memory first.

Every text value is written as a text cell, whatever it starts with: names and comments come from
anyone (a client types their name on the public booking page), and openpyxl on its own stores a
string starting with "=" as a live formula (and "#N/A" as an error). The value is kept as it is —
no apostrophe is added — and text that a spreadsheet would read as a formula once someone edits
the cell (starting with =, +, -, @) carries the "quote prefix" style, Excel's own mark for "this is
text", so it stays text after editing too."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils.functional import Promise

from frontdesk.core.spreadsheets.reading import XLSX_TYPE

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "DD.MM.YYYY"
# What makes Excel or LibreOffice take typed text for a formula (OWASP's list for CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    """`rows` may be any iterable (a generator over a queryset streams). `widths` are the first
    columns' widths in characters (None
    keeps the default); an amount (a Decimal, as money always is here) is written as a number with
    the money format, never as text; `money` also shows every float as an amount; `freeze`
    is the top-left cell that stays in view ("A2" keeps the header)."""

    title: str
    headers: list
    rows: Iterable = field(default_factory=list)
    widths: list[int] | None = None
    freeze: str | None = None
    money: bool = False

    def add(self, *values) -> None:
        self.rows.append(list(values))


def header_widths(headers) -> list[int]:
    """Widths that fit each header, between 12 and 40 characters."""
    return [max(12, min(40, len(str(header)) + 4)) for header in headers]


def write_workbook(sheets: Iterable[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(str(sheet.title)[:31])
        for index, width in enumerate(sheet.widths or [], start=1):
            if width is not None:
                ws.column_dimensions[get_column_letter(index)].width = width
        if sheet.freeze:
            ws.freeze_panes = sheet.freeze

        def cell(value, font=None, ws=ws, sheet=sheet):
            # Labels of choices and headers are lazy translations: Excel needs the text itself.
            if isinstance(value, Promise):
                value = str(value)
            fmt = None
            if isinstance(value, (datetime.date, datetime.datetime)):
                fmt = DATE_FORMAT
            elif isinstance(value, Decimal) or (sheet.money and isinstance(value, float)):
                fmt = MONEY_FORMAT
            text = isinstance(value, str)
            if font is None and fmt is None and not text:
                return value
            written = WriteOnlyCell(ws, value=value)
            if text:
                # Set after the value: binding it is what turns "=…" into a formula.
                written.data_type = "s"
                if value.startswith(FORMULA_TRIGGERS):
                    written.quotePrefix = True
            if font is not None:
                written.font = font
            if fmt is not None:
                written.number_format = fmt
            return written

        ws.append([cell(value, bold) for value in sheet.headers])
        for row in sheet.rows:
            ws.append([cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
