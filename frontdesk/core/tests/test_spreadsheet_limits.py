"""What a hostile or damaged file costs an import: a sheet of a million rows is refused after
reading just past the cap, a zip bomb before anything is unpacked, and a cell no program can read
makes its line a bad row instead of an error page."""

import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from frontdesk.core import spreadsheets as sheets
from frontdesk.core.spreadsheets import archive
from frontdesk.testing.spreadsheets import BROKEN_CELLS, break_cell, long_sheet, zip_bomb


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx(rows) -> bytes:
    return sheets.write_workbook([sheets.Sheet("Sheet", rows[0], rows[1:])])


def test_a_million_row_sheet_is_refused_after_reading_just_past_the_cap():
    data = long_sheet(1_000_000)
    read = []
    with pytest.raises(ValidationError) as error:
        sheets.read_sheet(data, max_rows=20_000, progress=lambda done, total: read.append(done / total))
    assert error.value.messages == ["The file has more than 20000 rows; split it into parts."]
    # Reading stopped a little past the cap: the rest of the sheet was never parsed.
    assert read and max(read) < 0.05


def test_rows_are_capped_by_default_when_an_importer_names_no_cap(monkeypatch):
    monkeypatch.setattr("frontdesk.core.spreadsheets.reading.DEFAULT_MAX_ROWS", 100)
    with pytest.raises(ValidationError) as error:
        sheets.read_sheet(long_sheet(101))
    assert error.value.messages == ["The file has more than 100 rows; split it into parts."]
    assert len(sheets.read_sheet(long_sheet(100))) == 101


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    bomb = zip_bomb(50)
    assert len(bomb) < 200_000  # far under every upload cap

    def never(*args, **kwargs):
        raise AssertionError("a member of the bomb was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    with pytest.raises(ValidationError) as error:
        sheets.read_sheet(bomb)
    assert error.value.messages == [
        "This Excel file is packed in a way no spreadsheet program writes (a “zip bomb”); it was not opened."
    ]


def test_a_workbook_that_unpacks_beyond_the_cap_is_refused(monkeypatch):
    data = long_sheet(40_000)
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        sheets.read_table("list.xlsx", data)
    assert error.value.messages == ["This Excel file unpacks to more than 1 MB; split it into smaller files."]


def test_a_member_that_lies_about_its_size_is_read_as_damaged():
    # The zip's directory says the sheet is small; zipfile stops there and the file is damaged.
    data = bytearray(long_sheet(2000))
    directory = data.rfind(b"PK\x01\x02", 0, data.find(b"xl/worksheets/sheet1.xml", data.find(b"PK\x01\x02")))
    data[directory + 24 : directory + 28] = (1000).to_bytes(4, "little")  # uncompressed size
    with pytest.raises(ValidationError) as error:
        sheets.read_sheet(bytes(data))
    assert error.value.messages == ["This Excel file could not be read; save it again as .xlsx and retry."]


@pytest.mark.parametrize("kind", sorted(BROKEN_CELLS))
def test_a_cell_that_cannot_be_read_makes_its_line_a_bad_row(kind):
    data = break_cell(xlsx([["Name", "Price"], ["Стрижка", 1500], ["Чёлка", 500]]), "B2", kind)
    rows = sheets.read_sheet(data)
    assert [number for number, _cells in rows] == [1, 2, 3]
    assert rows[1][1] == ("Стрижка", None) and rows[2][1] == ("Чёлка", 500)
    assert list(rows.problems) == [2] and "B2" in rows.problems[2][0]
    lines = sheets.Columns({"name": ["Name"], "price": ["Price"]}).read(rows, required="name", missing="-")
    assert [line.problems for line in lines][1] == [] and "B2" in lines[0].problems[0]


def test_the_reasons_name_the_cell_and_what_to_do():
    data = xlsx([["Name", "Price"], ["Стрижка", 1500]])
    reasons = {kind: sheets.read_sheet(break_cell(data, "B2", kind)).problems[2] for kind in BROKEN_CELLS}
    assert reasons["formula with an error"] == [
        "Cell B2 holds the error #DIV/0!; correct the formula or type the value."
    ]
    assert reasons["text declared as a number"] == [
        "Cell B2 cannot be read (its value is not of the type the file declares)."
    ]
    assert reasons["formula never computed"] == [
        "Cell B2 holds a formula whose result was never computed; open the file in a spreadsheet "
        "program, save it and upload it again."
    ]


def test_a_table_keeps_the_reasons_by_data_row():
    data = break_cell(xlsx([["Name", "Phone"], ["Ира", "+79161234567"], ["Оля", "+79161234568"]]), "B3")
    headers, rows = sheets.read_table("list.xlsx", data)
    assert rows == [["Ира", "+79161234567"], ["Оля", ""]]
    assert list(rows.problems) == [1]


def test_a_csv_is_read_lazily_up_to_its_cap_and_a_broken_line_is_refused():
    long_csv = "Name\n" + "".join(f"Client {n}\n" for n in range(1000))
    with pytest.raises(ValidationError) as error:
        sheets.read_table("list.csv", long_csv.encode(), max_rows=10)
    assert error.value.messages == ["The file has more than 10 rows; split it into parts."]
    huge_cell = ("Name\n" + "x" * 200_000 + "\n").encode()
    with pytest.raises(ValidationError) as error:
        sheets.read_table("list.csv", huge_cell)
    assert error.value.messages == ["Line 2 of the file cannot be read as CSV (a cell too long or a quote left open)."]
