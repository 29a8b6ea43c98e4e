"""Checks on the workbooks the exports write."""

from __future__ import annotations

import io

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
