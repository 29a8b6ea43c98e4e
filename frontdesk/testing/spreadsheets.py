"""Checks on the workbooks the exports write, and workbooks that importers must survive."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook

# Text a spreadsheet would take for a formula: what someone may type as a name or a comment.
FORMULAS = ("=1+1", "+7 916 555-12-34", "-5", "@SUM(A1)", '=HYPERLINK("http://x","y")')


def assert_written_as_text(data: bytes, *values: str) -> None:
    """Each value is in the workbook (any sheet), and every cell holding it is a text cell with
    the value unchanged — never a formula, never with an apostrophe added."""
    cells = [cell for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows() for cell in row]
    for value in values:
        found = [cell for cell in cells if cell.value == value]
        assert found, f"{value!r} is not in the workbook"
        assert all(cell.data_type == "s" for cell in found), f"{value!r} is not written as text"


# Cells a spreadsheet file may hold that no program reads as a value: what a damaged or
# hand-made file, or another system's export, can contain. Keyed by what is wrong.
BROKEN_CELLS = {
    "text declared as a number": '<c r="{cell}" t="n"><f>SUM(</f><v>abc</v></c>',
    "formula with an error": '<c r="{cell}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    "formula never computed": '<c r="{cell}"><f>A1*2</f></c>',
    "missing shared string": '<c r="{cell}" t="s"><v>9999</v></c>',
    "yes/no that is neither": '<c r="{cell}" t="b"><v>maybe</v></c>',
    "date that is not a date": '<c r="{cell}" t="d"><v>31.02.2020x</v></c>',
}


def _rewrite(data: bytes, member: str, change, level: int = 6) -> bytes:
    """The same zip with one member's text changed by `change(text) -> text` (and packed at
    `level`)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content.decode()).encode()
            target.writestr(info.filename, content, compresslevel=level)
    return out.getvalue()


def break_cell(data: bytes, cell: str, kind: str = "text declared as a number") -> bytes:
    """An xlsx written by the toolkit with the cell `cell` (which it holds, e.g. "C2") replaced by
    one of `BROKEN_CELLS`."""
    replacement = BROKEN_CELLS[kind].format(cell=cell)

    def change(xml: str) -> str:
        changed, count = re.subn(rf'<c r="{cell}"(?:[^>]*/>|[^>]*>.*?</c>)', lambda _m: replacement, xml, count=1)
        assert count == 1, f"{cell} is not in the sheet"
        return changed

    return _rewrite(data, "xl/worksheets/sheet1.xml", change)


def long_sheet(rows: int, header: str = "Name") -> bytes:
    """An xlsx whose first sheet has a header and `rows` numbered rows below it, written straight
    as XML and packed fast (a million rows in a couple of seconds, where a spreadsheet library
    takes minutes)."""
    body = "".join([f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, rows + 2)])
    header_row = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{header}</t></is></c></row>'
    return _package(f"<sheetData>{header_row}{body}</sheetData>", level=1)


def zip_bomb(unpacked_mb: int = 50) -> bytes:
    """A valid xlsx whose sheet unpacks to `unpacked_mb` MB from a few dozen kilobytes: the sheet
    is padded with spaces between two rows (valid XML that any parser must read through)."""
    padding = " " * (unpacked_mb * 1024 * 1024)
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
    return _package(f"<sheetData>{rows}{padding}</sheetData>")


def _package(sheet_data: str, level: int = 6) -> bytes:
    from frontdesk.core.spreadsheets import Sheet, write_workbook

    template = write_workbook([Sheet("Sheet", ["Name"], [])])

    def change(xml: str) -> str:
        return re.sub(r"<sheetData>.*</sheetData>|<sheetData\s*/>", lambda _m: sheet_data, xml, flags=re.S)

    return _rewrite(template, "xl/worksheets/sheet1.xml", change, level)
