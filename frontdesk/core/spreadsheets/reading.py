"""Reading a spreadsheet safely and recognising its columns.

A workbook is opened read-only (openpyxl streams the sheet instead of building it in memory) and
with the cached values of formulas, never the formulas. The number of rows is bounded while
reading, so an oversized file is refused before it is held in memory. Every problem of the file as
a whole is a `ValidationError` with a translated message that the upload form shows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from frontdesk.core.spreadsheets.cells import is_blank, text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_sheet(data, *, max_rows: int | None = None) -> list[tuple[int, tuple]]:
    """The non-blank rows of the first sheet of an xlsx (bytes or a file), each with its line
    number in the sheet (1 for the first line), cells as openpyxl gives them. Raises
    ValidationError for a file that is not a workbook, a damaged one, an empty sheet, or more
    than `max_rows` rows after the first."""
    from openpyxl import load_workbook

    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationError(_("This is not an Excel workbook (.xlsx).")) from None
    except Exception:  # openpyxl raises its own exception types for damaged workbooks
        raise ValidationError(_("This Excel file could not be read; save it again as .xlsx and retry.")) from None
    rows = []
    try:
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if all(is_blank(cell) for cell in cells):
                continue
            rows.append((number, cells))
            _check_length(len(rows), max_rows)
    finally:
        workbook.close()
    if not rows:
        raise ValidationError(_("The sheet is empty."))
    return rows


def _check_length(count: int, max_rows: int | None) -> None:
    if max_rows is not None and count - 1 > max_rows:
        raise ValidationError(_("The file has more than %(n)s rows; split it into parts.") % {"n": max_rows})


def read_table(name: str, data: bytes, *, max_rows: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and rows, every cell as text, of an .xlsx or a .csv (UTF-8 or CP1251; comma,
    semicolon or tab, detected). Blank rows are dropped and every row has the header's width.
    Raises ValidationError for a file that cannot be read, is empty or is too long."""
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        rows = [[text(cell) for cell in cells] for _number, cells in read_sheet(data, max_rows=max_rows)]
    else:
        rows = [row for row in _read_csv(data) if any(row)]
        _check_length(len(rows), max_rows)
    if not rows:
        raise ValidationError(_("The file is empty."))
    headers = rows[0]
    width = len(headers)
    return headers, [(row + [""] * width)[:width] for row in rows[1:]]


def _read_csv(data: bytes) -> list[list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        content = data.decode("cp1251", errors="replace")
    first_line = content.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(content), delimiter=delimiter)]


def normalize_header(value) -> str:
    """A header as it is compared: case, “ё”, what is in brackets, a unit after a comma and
    punctuation do not count. "Duration (min)", "Длительность, мин" and "длительность" are one."""
    folded = text(value).casefold().replace("ё", "е")
    folded = re.sub(r"\(.*?\)", " ", folded)
    folded = folded.split(",")[0]
    folded = re.sub(r"[^\w%]+", " ", folded)
    return " ".join(folded.split())


class Columns:
    """An importer's columns: key -> every header that names it, Russian and English.

    A header is recognised when, normalised, it is one of the synonyms, or else when it starts
    with one (of more than three letters) followed by a space: "Телефон клиента моб" is a phone.
    The longest such synonym wins."""

    def __init__(self, synonyms: dict[str, Iterable[str]]):
        self.lookup = {normalize_header(alias): key for key, aliases in synonyms.items() for alias in aliases}
        self._prefixes = sorted((alias for alias in self.lookup if len(alias) > 3), key=len, reverse=True)

    def key_for(self, header) -> str | None:
        normal = normalize_header(header)
        if not normal:
            return None
        if normal in self.lookup:
            return self.lookup[normal]
        for alias in self._prefixes:
            if normal.startswith(alias + " "):
                return self.lookup[alias]
        return None

    def match(self, cells) -> dict[str, int]:
        """Key -> index of the first cell that names it."""
        found: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = self.key_for(cell)
            if key and key not in found:
                found[key] = index
        return found

    def find_header(self, rows, *, required: str, within: int = 1) -> tuple[int, dict[str, int]] | None:
        """Among the first `within` rows of `read_sheet`, the first naming the column `required`:
        its position in `rows` and its key -> index map. None when there is none."""
        for position, (_number, cells) in enumerate(rows[:within]):
            found = self.match(cells)
            if required in found:
                return position, found
        return None

    def read(self, rows, *, required: str, missing: str, within: int = 1) -> list[Line]:
        """The data rows of `read_sheet` below the header, each as a `Line`. Raises
        ValidationError(missing) when none of the first `within` rows names `required`."""
        found = self.find_header(rows, required=required, within=within)
        if found is None:
            raise ValidationError(missing)
        position, columns = found
        return [Line(number, self.values(cells, columns)) for number, cells in rows[position + 1 :]]

    @staticmethod
    def values(cells, found: dict[str, int]) -> dict:
        """Key -> the raw cell of one row (None where the row is shorter)."""
        return {key: cells[index] if index < len(cells) else None for key, index in found.items()}


class Line(dict):
    """One data row: key -> raw cell for the columns the file has, and its line number."""

    def __init__(self, number: int, values: dict):
        super().__init__(values)
        self.number = number

    def text(self, key: str) -> str:
        return text(self.get(key))
