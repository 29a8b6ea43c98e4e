"""Counterparties to and from Excel: an exported file comes back unchanged, a bad file lists
every bad row and saves nothing, a good one is saved only after the confirmation."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from frontdesk.finance.models import Counterparty
from frontdesk.testing.fixtures import client_for
from frontdesk.testing.spreadsheets import assert_written_as_text, break_cell

pytestmark = pytest.mark.django_db


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("counterparties.xlsx", buffer.getvalue())


def url(company, rest):
    return f"/c/{company.pk}/finance/counterparties/{rest}"


@pytest.fixture
def landlord(tenant_a):
    return Counterparty.objects.create(chain=tenant_a.chain, name="ООО «Аренда»", inn="7701234567", kpp="770101001")


def test_an_exported_file_imports_back_without_changes(tenant_a, landlord, amy):
    http = client_for(amy)
    company = tenant_a.company
    exported = http.get(url(company, "export/"))  # in Amy's language, English
    assert exported.status_code == 200
    rows = list(load_workbook(BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "Type", "Name", "INN")
    assert rows[1][:4] == (landlord.pk, "legal", "ООО «Аренда»", "7701234567")
    upload = SimpleUploadedFile("back.xlsx", exported.content)
    page = http.post(url(company, "import/"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New: 0. Changed: 0. Unchanged: 1." in page


def test_a_name_or_comment_typed_as_a_formula_is_exported_as_text(tenant_a, amy):
    Counterparty.objects.create(chain=tenant_a.chain, name="@x", comment="=1+1", contact_person="+7 916")
    exported = client_for(amy).get(url(tenant_a.company, "export/")).content
    assert_written_as_text(exported, "@x", "=1+1", "+7 916")


def test_a_file_with_bad_rows_lists_each_and_saves_nothing(tenant_a, landlord, amy):
    http = client_for(amy)
    company = tenant_a.company
    upload = xlsx(
        [
            ["ID", "Type", "Name", "INN", "Email"],
            ["", "legal", "ООО «Краски»", "7712345678", "paint@example.com"],
            ["", "company?", "ИП Сидоров", "12345", "not-an-email"],
            ["", "", "", "7709876543", ""],
            [999999, "", "Кто-то", "", ""],
        ]
    )
    response = http.post(url(company, "import/"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert page.count('data-testid="bad-row"') == 3
    assert "Unknown type “company?”" in page
    assert "An INN is 10 digits for a company or 12 for a person." in page
    assert "Enter a valid email address." in page
    assert "There is no counterparty with ID 999999." in page
    assert 'data-testid="confirm-import"' not in page
    # A confirmation sent anyway finds no checked file and writes nothing.
    http.post(url(company, "import/"), {"confirm": "1"})
    assert list(Counterparty.objects.values_list("name", flat=True)) == ["ООО «Аренда»"]


def test_a_good_file_is_saved_only_after_the_confirmation(tenant_a, landlord, amy):
    http = client_for(amy)
    company = tenant_a.company
    upload = xlsx(
        [
            ["Название", "ИНН", "Телефон", "Тип"],
            ["ООО «Краски»", "7712345678", "+7 495 123-45-67", "юрлицо"],
            ["Аренда, обновлено", "7701234567", "", ""],
            ["Иван Сидоров", "", "", "физлицо"],
        ]
    )
    page = http.post(url(company, "import/"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New: 2. Changed: 1. Unchanged: 0." in page
    assert Counterparty.objects.count() == 1
    response = http.post(url(company, "import/"), {"confirm": "1"})
    assert response.status_code == 302
    landlord.refresh_from_db()
    assert landlord.name == "Аренда, обновлено" and landlord.kpp == "770101001"  # no KPP column: kept
    assert Counterparty.objects.get(name="Иван Сидоров").kind == "person"
    assert Counterparty.objects.count() == 3


def test_not_a_workbook_is_refused_clearly(tenant_a, amy):
    http = client_for(amy)
    upload = SimpleUploadedFile("list.xlsx", b"name;inn\n")
    page = http.post(url(tenant_a.company, "import/"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This is not an Excel workbook (.xlsx)." in page
    assert not Counterparty.objects.exists()


def test_a_specialist_can_neither_export_nor_import(tenant_a, sam):
    http = client_for(sam)
    assert http.get(url(tenant_a.company, "export/")).status_code == 403
    assert http.post(url(tenant_a.company, "import/"), {"file": xlsx([["Name"], ["X"]])}).status_code == 403
    assert not Counterparty.objects.exists()


@pytest.mark.parametrize("kind", ["text declared as a number", "formula with an error", "yes/no that is neither"])
def test_a_cell_that_cannot_be_read_is_a_bad_row_not_an_error_page(tenant_a, landlord, amy, kind):
    http = client_for(amy)
    good = xlsx([["Name", "INN"], ["ООО «Краски»", "7712345678"], ["ИП Сидоров", "771234567890"]])
    upload = SimpleUploadedFile("broken.xlsx", break_cell(good.read(), "B3", kind))
    response = http.post(url(tenant_a.company, "import/"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200 and page.count('data-testid="bad-row"') == 1
    assert 'data-row="3"' in page and "Cell B3" in page
    http.post(url(tenant_a.company, "import/"), {"confirm": "1"})
    assert list(Counterparty.objects.values_list("name", flat=True)) == ["ООО «Аренда»"]
