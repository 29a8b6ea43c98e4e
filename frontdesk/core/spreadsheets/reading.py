"""Reading a spreadsheet safely and recognising its columns.

A workbook's zip is checked before it is unpacked (`archive.py`: declared sizes and packing
ratio), then the first sheet is parsed as a stream with the cached values of formulas, never the
formulas. The number of rows is bounded while reading, so an oversized file is refused after
reading just past the cap, never held in memory whole. Every problem of the file as a whole is a
`ValidationError` with a translated message that the upload form shows; a cell that cannot be
read is a problem of its line only (`SheetRows.problems`), reported as a bad row.
"""

from __future__ import annotations

import contextvars
import csv
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from frontdesk.core.spreadsheets.archive import check_archive
from frontdesk.core.spreadsheets.cells import is_blank, text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


DEFAULT_MAX_ROWS = 50_000
# Lines read beyond the cap on data rows, for sheets formatted far below their data: every line,
# blank or not, costs reading time, so blank lines are bounded too.
BLANK_LINES_ALLOWED = 100_000
# Cells to the right of this column are not read: one cell far to the right would otherwise widen
# every row of the sheet in memory.
MAX_COLUMNS = 256
PROGRESS_EVERY = 1000
# Where sheets read in this context report their progress when the caller passes none: the task
# worker sets it around an importer's reading (`background.reporting`), so importers need not.
progress_reporter: contextvars.ContextVar[Callable | None] = contextvars.ContextVar("sheet_progress", default=None)


class SheetRows(list):
    """The rows `read_sheet` found: `(line number, cells)` pairs, and `problems`: line number ->
    the translated reasons some cells of that line could not be read. Such a cell reads as None;
    an importer adds the reasons to the line's report, so the line is a
    bad row in the dry run and is never imported with a cell missing. `Columns.read` hands the
    reasons on as `Line.problems`."""

    def __init__(self, rows=(), problems=None):
        super().__init__(rows)
        self.problems: dict[int, list[str]] = problems if problems is not None else {}


def read_sheet(data, *, max_rows: int | None = None, progress: Callable | None = None) -> SheetRows:
    """The non-blank rows of the first sheet of an xlsx (bytes or a file), each with its line
    number in the sheet (1 for the first line), cells as openpyxl gives them.

    Guarantees: the zip is checked before it is unpacked (`archive.check_archive`); the sheet is
    read as a stream, row by row, and reading stops as soon as there are more than `max_rows`
    rows after the first (`DEFAULT_MAX_ROWS` when not given), so a sheet of a million rows costs
    no more than one just over the cap; a cell that cannot be read (a value of the wrong type, a
    formula with an error or without its computed value) never raises — it is None and its line
    gets a reason in `problems`. Raises ValidationError for a file that is not a workbook, a
    damaged one, an empty sheet or one too long. `progress(done, total)` (bytes of the sheet)
    is called every `PROGRESS_EVERY` lines."""
    max_rows = DEFAULT_MAX_ROWS if max_rows is None else max_rows
    progress = progress or progress_reporter.get()
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    check_archive(stream)
    try:
        workbook = _open_workbook(stream)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationError(_("This is not an Excel workbook (.xlsx).")) from None
    except Exception:  # openpyxl raises its own exception types for damaged workbooks
        raise ValidationError(_("This Excel file could not be read; save it again as .xlsx and retry.")) from None
    rows = SheetRows()
    try:
        if workbook.sheet is None:
            raise ValidationError(_("The sheet is empty."))
        for count, (number, cells, problems) in enumerate(_stream_rows(workbook, progress), start=1):
            if count > max_rows + BLANK_LINES_ALLOWED:
                raise ValidationError(
                    _("The sheet has more than %(n)s lines, most of them empty; delete the empty lines below the list.")
                    % {"n": max_rows + BLANK_LINES_ALLOWED}
                )
            if all(is_blank(cell) for cell in cells) and not problems:
                continue
            rows.append((number, cells))
            if problems:
                rows.problems.setdefault(number, []).extend(problems)
            _check_length(len(rows), max_rows)
    except ValidationError:
        raise
    except Exception:  # XML that is not XML, a part openpyxl cannot parse: the file as a whole
        raise ValidationError(_("This Excel file could not be read; save it again as .xlsx and retry.")) from None
    finally:
        workbook.close()
    if not rows:
        raise ValidationError(_("The sheet is empty."))
    return rows


class _Workbook:
    """What reading the first sheet needs of a workbook: its zip, its shared strings, the styles
    that mark numbers as dates, and the path of its first worksheet (None when it has none)."""

    def __init__(self, reader, sheet):
        self.archive = reader.archive
        self.shared_strings = reader.shared_strings
        self.book = reader.wb
        self.sheet = sheet

    def close(self):
        self.archive.close()


def _open_workbook(stream) -> _Workbook:
    """The workbook's parts without its sheets. openpyxl's `load_workbook(read_only=True)` parses
    every sheet that does not declare its size from top to bottom before returning (to find that
    size), which for a million-row sheet is the whole cost the row cap is there to avoid; its
    reader's steps are taken here one by one instead, without that one (openpyxl is pinned)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(stream, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [rel.target for _sheet, rel in reader.parser.find_sheets() if "chartsheet" not in rel.Type]
    except BaseException:
        reader.archive.close()
        raise
    found = [target for target in sheets if target in reader.valid_files]
    return _Workbook(reader, found[0] if found else None)


def _stream_rows(workbook: _Workbook, progress):
    """(line number, cells, reasons) for every line of the first sheet, parsed as the file is
    read. openpyxl's own read-only iteration stops with an exception at the first cell it cannot
    convert; this parser (the same one, see `_cell_parser_class`) keeps going."""
    member = workbook.archive.getinfo(workbook.sheet)
    with workbook.archive.open(member) as raw:
        source = _CountingReader(raw)
        parser = _cell_parser_class()(
            source,
            workbook.shared_strings,
            data_only=True,
            epoch=workbook.book.epoch,
            date_formats=workbook.book._date_formats,
            timedelta_formats=workbook.book._timedelta_formats,
        )
        for count, (number, parsed) in enumerate(parser.parse(), start=1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(source.done, member.file_size)
            parsed = [cell for cell in parsed if 0 < cell["column"] <= MAX_COLUMNS]
            width = max((cell["column"] for cell in parsed), default=0)
            cells = [None] * width
            problems = []
            for cell in parsed:
                value = cell["value"]
                if isinstance(value, _Unreadable):
                    problems.append(value.reason)
                    value = None
                cells[cell["column"] - 1] = value
            yield number, tuple(cells), problems


class _CountingReader:
    """A file that counts the bytes read through it (for progress)."""

    def __init__(self, raw):
        self.raw = raw
        self.done = 0

    def read(self, size=-1):
        chunk = self.raw.read(size)
        self.done += len(chunk)
        return chunk


class _Unreadable:
    def __init__(self, reason: str):
        self.reason = reason


@functools.cache
def _cell_parser_class():
    from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        """openpyxl's sheet parser, with a cell it cannot convert (text where a number is
        declared, a shared string that is not there, a date that is not a date) or a formula
        whose result is an error or missing turned into an `_Unreadable` value."""

        def parse_row(self, row):
            try:
                return super().parse_row(row)
            except ValueError:  # a line number that is not a number: the line after the last
                row.attrib.pop("r", None)
                return super().parse_row(row)

        def parse_cell(self, element):
            try:
                cell = super().parse_cell(element)
            except Exception:  # openpyxl raises ValueError, IndexError, KeyError, OverflowError…
                try:
                    row, column = coordinate_to_tuple(element.get("r") or "")
                except Exception:
                    self.col_counter += 1
                    row, column = self.row_counter, self.col_counter
                name = f"{get_column_letter(min(column, 16384))}{row}"
                reason = _("Cell %(cell)s cannot be read (its value is not of the type the file declares).")
                return _unreadable(row, column, reason % {"cell": name})
            name = f"{get_column_letter(min(cell['column'], 16384))}{cell['row']}"
            if cell["data_type"] == "e":
                reason = _("Cell %(cell)s holds the error %(error)s; correct the formula or type the value.")
                return {**cell, "value": _Unreadable(reason % {"cell": name, "error": text(cell["value"])[:20]})}
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                reason = _(
                    "Cell %(cell)s holds a formula whose result was never computed; open the file in a "
                    "spreadsheet program, save it and upload it again."
                )
                return {**cell, "value": _Unreadable(reason % {"cell": name})}
            return cell

    return CellParser


def _unreadable(row, column, reason):
    return {"row": row, "column": column, "value": _Unreadable(reason), "data_type": "e", "style_id": 0}


def _check_length(count: int, max_rows: int | None) -> None:
    if max_rows is not None and count - 1 > max_rows:
        raise ValidationError(_("The file has more than %(n)s rows; split it into parts.") % {"n": max_rows})


def read_table(
    name: str, data: bytes, *, max_rows: int | None = None, progress: Callable | None = None
) -> tuple[list[str], list[list[str]]]:
    """Headers and rows, every cell as text, of an .xlsx or a .csv (UTF-8 or CP1251; comma,
    semicolon or tab, detected). Blank rows are dropped and every row has the header's width.
    The rows list has `problems`: index of a data row (0 for the first below the header) -> the
    reasons some of its cells could not be read (an .xlsx only; those cells read as "").
    Raises ValidationError for a file that cannot be read, is empty or is too long; both kinds
    stop reading as soon as the file has more than `max_rows` rows (`DEFAULT_MAX_ROWS`)."""
    max_rows = DEFAULT_MAX_ROWS if max_rows is None else max_rows
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        sheet = read_sheet(data, max_rows=max_rows, progress=progress)
        rows = [[text(cell) for cell in cells] for _number, cells in sheet]
        numbers = [number for number, _cells in sheet]
        problems = {index - 1: sheet.problems[n] for index, n in enumerate(numbers) if n in sheet.problems}
    else:
        rows, problems = [], {}
        for row in _read_csv(data):
            if any(row):
                rows.append(row)
                _check_length(len(rows), max_rows)
    if not rows:
        raise ValidationError(_("The file is empty."))
    headers = rows[0]
    width = len(headers)
    body = SheetRows(((row + [""] * width)[:width] for row in rows[1:]), problems)
    return headers, body


def _read_csv(data: bytes):
    """The rows of a CSV, parsed lazily (the caller stops at its cap)."""
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
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error:
        raise ValidationError(
            _("Line %(line)s of the file cannot be read as CSV (a cell too long or a quote left open).")
            % {"line": reader.line_num}
        ) from None


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
        problems = getattr(rows, "problems", {})
        return [
            Line(number, self.values(cells, columns), problems.get(number, ()))
            for number, cells in rows[position + 1 :]
        ]

    @staticmethod
    def values(cells, found: dict[str, int]) -> dict:
        """Key -> the raw cell of one row (None where the row is shorter)."""
        return {key: cells[index] if index < len(cells) else None for key, index in found.items()}


class Line(dict):
    """One data row: key -> raw cell for the columns the file has, its line number, and the
    reasons some of its cells could not be read (`SheetRows.problems`)."""

    def __init__(self, number: int, values: dict, problems=()):
        super().__init__(values)
        self.number = number
        self.problems = list(problems)

    def text(self, key: str) -> str:
        return text(self.get(key))
