"""The spreadsheet toolkit: headers found by their synonyms, cells read as people type them, bad
rows reported with their numbers, and a dry run that writes nothing until it is confirmed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation
from openpyxl import load_workbook

from frontdesk.core import spreadsheets as sheets
from frontdesk.core.spreadsheets import views as sheets_views
from frontdesk.testing.spreadsheets import FORMULAS, assert_written_as_text


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


COLUMNS = sheets.Columns({"name": ["Name", "Имя", "full name"], "price": ["Price", "Цена"]})


def xlsx(rows) -> bytes:
    """A workbook written by the toolkit itself: the first row is the header."""
    return sheets.write_workbook([sheets.Sheet("Sheet", rows[0] if rows else [], rows[1:])])


def test_headers_are_found_by_their_russian_and_english_synonyms():
    assert COLUMNS.match(["Цена, ₽", " FULL NAME "]) == {"price": 0, "name": 1}
    assert COLUMNS.match(["Имя (клиента)", "Price"]) == {"name": 0, "price": 1}
    # A longer header starting with a synonym is that column; the first of two is kept.
    assert COLUMNS.match(["Full name of the client", "Name"]) == {"name": 0}
    assert COLUMNS.match(["Nothing", None, 12]) == {}


def test_the_header_row_is_found_below_a_title_within_the_rows_allowed():
    rows = sheets.read_sheet(xlsx([["Price list"], [], ["Имя", "Цена"], ["Стрижка", 1500]]))
    assert [number for number, _cells in rows] == [1, 3, 4]  # blank lines skipped, numbers kept
    assert COLUMNS.find_header(rows, required="name") is None
    position, found = COLUMNS.find_header(rows, required="name", within=10)
    assert position == 1 and found == {"name": 0, "price": 1}
    assert COLUMNS.values(rows[2][1], found) == {"name": "Стрижка", "price": 1500}


@pytest.mark.parametrize(
    "data,message",
    [
        (b"not a zip", "This is not an Excel workbook (.xlsx)."),
        (xlsx([]), "The sheet is empty."),
        (xlsx([["Name"], ["a"], ["b"], ["c"]]), "The file has more than 2 rows; split it into parts."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(data, message):
    with pytest.raises(ValidationError) as error:
        sheets.read_sheet(data, max_rows=2)
    assert error.value.messages == [message]


def test_csv_and_xlsx_read_as_text_tables():
    headers, rows = sheets.read_table("list.csv", "Имя;Дата\nИра;01.02.1990\n\n".encode("cp1251"))
    assert headers == ["Имя", "Дата"] and rows == [["Ира", "01.02.1990"]]
    headers, rows = sheets.read_table("list.xlsx", xlsx([["Имя", "Дата", "N"], ["Ира", datetime.date(1990, 2, 1)]]))
    assert rows == [["Ира", "1990-02-01", ""]]


def test_cells_are_read_as_people_type_them():
    assert sheets.text(12.0) == "12" and sheets.text(None) == "" and sheets.text("  a b ") == "a b"
    assert sheets.money("3 000 ₽") == Decimal("3000.00")
    assert sheets.money("1500,50 руб.") == Decimal("1500.50")
    assert sheets.money(2800.5) == Decimal("2800.50")
    assert sheets.money("  ") is None
    assert sheets.number("1 234,5") == Decimal("1234.5")
    assert [sheets.yes_no(v) for v in ("да", "No", True, "+", "", "0")] == [True, False, True, True, None, False]
    assert sheets.cell_date("28.12.1990") == datetime.date(1990, 12, 28)
    assert sheets.cell_date(datetime.datetime(2024, 3, 15, 10)) == datetime.date(2024, 3, 15)
    assert sheets.phone("8 900 123-45-67") == "+79001234567" and sheets.phone(None) == ""
    for parse, value in [
        (sheets.money, "дорого"),
        (sheets.money, True),
        (sheets.number, "inf"),
        (sheets.yes_no, "может быть"),
        (sheets.cell_date, "31.02.1990"),
    ]:
        with pytest.raises(ValueError):
            parse(value)
    with pytest.raises(ValidationError):
        sheets.phone("12")


def test_a_preview_counts_good_rows_and_lists_bad_ones():
    preview = sheets.Preview(
        rows=[
            sheets.RowReport(2, "a", sheets.CREATE),
            sheets.RowReport(3, "b", sheets.UPDATE),
            sheets.RowReport(4, "c", sheets.ERROR, errors=["Price is not an amount."]),
            sheets.RowReport(5, "d", sheets.UNCHANGED),
        ]
    )
    assert not preview.ok and [row.number for row in preview.bad_rows] == [4]
    assert preview.summary() == {"created": 1, "updated": 1, "unchanged": 1, "errors": 1}
    assert preview.changes == 2


def test_a_workbook_is_written_with_a_bold_header_widths_and_amounts():
    sheet = sheets.Sheet("Prices", ["Name", "Price"], widths=[30, None], freeze="A2", money=True)
    sheet.add("Стрижка", Decimal("1500.50"))
    sheet.add("Чёлка", 500)
    book = load_workbook(io.BytesIO(sheets.write_workbook([sheet])))
    ws = book["Prices"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["Name", "Price"],
        ["Стрижка", 1500.5],
        ["Чёлка", 500],
    ]
    assert ws["A1"].font.bold and ws["B2"].number_format == "#,##0.00" and ws["B3"].number_format == "General"
    assert ws.column_dimensions["A"].width == 30 and ws.freeze_panes == "A2"


def test_text_that_looks_like_a_formula_is_written_as_text_unchanged():
    # A client may type any of these as their name on the public booking page.
    sheet = sheets.Sheet("=Sheet", ["=Header"], widths=[20], money=True)
    for value in FORMULAS + ("#N/A",):
        sheet.add(value)
    sheet.add(Decimal("-5.50"))
    sheet.add(datetime.date(2026, 1, 10))
    data = sheets.write_workbook([sheet])
    assert_written_as_text(data, "=Header", *FORMULAS, "#N/A")
    ws = load_workbook(io.BytesIO(data)).active
    assert [cell.quotePrefix for cell in ws["A"][:6]] == [True] * 6 and not ws["A7"].quotePrefix
    # Numbers and dates stay numbers.
    assert ws["A8"].value == -5.5 and ws["A8"].data_type == "n"
    assert ws["A9"].value == datetime.datetime(2026, 1, 10) and ws["A9"].data_type == "d"


# ---------------------------------------------------------------- the import page
def _read(data):
    preview = sheets.Preview()
    rows = sheets.read_sheet(data)
    found = COLUMNS.find_header(rows, required="name")
    if found is None:
        raise ValidationError("No column Name.")
    for number, cells in rows[1:]:
        values = COLUMNS.values(cells, found[1])
        report = sheets.RowReport(number, sheets.text(values.get("name")), sheets.CREATE)
        try:
            sheets.money(values.get("price"))
        except ValueError:
            report.errors.append("Price is not an amount.")
        preview.rows.append(report)
    return preview


@pytest.fixture
def page():
    written = []
    factory = RequestFactory()

    def send(data=None, htmx=False, **post):
        if data is not None:
            post["file"] = SimpleUploadedFile("list.xlsx", data)
        request = factory.post("/import/", post)
        request.htmx = htmx
        request.user = None
        request.session = page.session
        MessageMiddleware(lambda r: None).process_request(request)
        return sheets_views.import_page(
            request,
            form_class=sheets.UploadForm,
            read=_read,
            apply=lambda preview: written.extend(preview.rows) or len(preview.rows),
            session_key="test_import",
            page=sheets_views.PREVIEW_TEMPLATE,
            done=lambda: "done",
        )

    request = factory.get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    page.session = request.session
    send.written = written
    return send


def test_bad_rows_are_reported_with_their_numbers_and_nothing_is_written(page):
    response = page(xlsx([["Name", "Price"], ["Стрижка", "1500"], ["Чёлка", "дорого"]]))
    html = response.content.decode()
    assert html.count('data-testid="bad-row"') == 1 and 'data-row="3"' in html and "Price is not an amount." in html
    assert 'data-testid="confirm-import"' not in html
    # A confirmation sent anyway finds no file waiting and writes nothing.
    assert page(confirm="1").status_code == 302
    assert page.written == []


def test_the_dry_run_writes_nothing_until_confirmed(page):
    response = page(xlsx([["Имя", "Цена"], ["Стрижка", "1500"], ["Чёлка", 500]]))
    assert "New: 2. Changed: 0. Unchanged: 0." in response.content.decode()
    assert page.written == []
    assert page(confirm="1") == "done"
    assert [row.label for row in page.written] == ["Стрижка", "Чёлка"]


def test_a_file_that_is_not_a_list_is_refused_whole(page):
    html = page(xlsx([["Something"], ["x"]]), htmx=True).content.decode()
    assert 'data-testid="import-file-error"' in html and "No column Name." in html
    assert 'data-testid="import-preview"' not in html
    assert page(confirm="1").status_code == 302 and page.written == []


def test_the_upload_form_refuses_a_file_too_large_or_of_another_kind():
    class Workbooks(sheets.UploadForm):
        extensions = (".xlsx", ".csv")
        max_mb = 1
        wrong_type = "Upload an .xlsx or .csv file."

    def errors(name, size):
        form = Workbooks(files={"file": SimpleUploadedFile(name, b"x" * size)})
        return form.errors.get("file", [])

    assert errors("list.CSV", 10) == [] and errors("list.xlsx", 1024 * 1024) == []
    assert errors("list.xlsx", 1024 * 1024 + 1) == ["The file is too large: at most 1 MB."]
    assert errors("list.pdf", 10) == ["Upload an .xlsx or .csv file."]
    assert sheets.UploadForm(files={"file": SimpleUploadedFile("list.xls", b"x")}).errors["file"] == [
        "Upload an Excel workbook (.xlsx). Save other formats as .xlsx first."
    ]
    assert 'accept=".xlsx,.csv"' in str(Workbooks()["file"])
