"""Excel export and import of services: preview first, nothing written until confirmed, round trip
changes nothing, bad rows reported with their row numbers, real LibreOffice files read."""

import csv
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from frontdesk.catalog import spreadsheets
from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.catalog.tests.factories import make_category, make_service
from frontdesk.core.models import Event, ImportJob
from frontdesk.testing import fixtures
from frontdesk.testing.spreadsheets import assert_written_as_text, break_cell

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Category", "Service", "Duration (min)", "Price from", "Price to", "Online booking", "Group", "Capacity"]


def client_for(user):
    client = fixtures.client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(name, company):
    return reverse(f"catalog:{name}", kwargs={"company_id": company.pk})


def workbook_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, company, data: bytes, name="services.xlsx", create_missing=False):
    payload = {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    if create_missing:
        payload["create_missing"] = "on"
    return client.post(url("import", company), payload)


def confirm(client, company, response):
    return client.post(url("import_confirm", company), {"token": response.context["token"]}, follow=True)


@pytest.fixture
def catalogue(tenant_a):
    company = tenant_a.company
    cuts = make_category(company, "Стрижки", sort_order=0)
    make_service(cuts, "Женская стрижка", 60, 1500, 2500, description="С укладкой.\nДве строки.")
    make_service(cuts, "Мужская стрижка", 45, 1800)
    nails = make_category(company, "Маникюр", sort_order=1)
    make_service(nails, "Маникюр с покрытием", 90, "2800.50", online_booking=False)
    make_service(make_category(company, "Йога", sort_order=2), "Йога в группе", 60, 900, is_group=True, capacity=8)
    return company


def test_export_lists_every_active_service_with_its_category(catalogue, alice):
    response = client_for(alice).get(url("export", catalogue))
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADER, "Description"]
    assert rows[1] == ("Стрижки", "Женская стрижка", 60, 1500, 2500, "yes", "no", 1, "С укладкой.\nДве строки.")
    assert rows[3][:5] == ("Маникюр", "Маникюр с покрытием", 90, 2800.5, 2800.5)
    assert rows[4][6:8] == ("no", 8) or rows[4][6:8] == ("yes", 8)
    assert len(rows) == 5


def test_export_writes_formula_like_titles_as_text(tenant_a, alice):
    category = make_category(tenant_a.company, "=1+1")
    make_service(category, "+1", 60, 1500, description='=HYPERLINK("http://x","y")')
    make_service(category, "@SUM(A1)", 30, 500)
    response = client_for(alice).get(url("export", tenant_a.company))
    assert_written_as_text(response.content, "=1+1", "+1", "@SUM(A1)", '=HYPERLINK("http://x","y")')


def test_round_trip_export_then_import_changes_nothing(catalogue, alice):
    client = client_for(alice)
    exported = client.get(url("export", catalogue)).content
    events_before = Event.objects.count()
    response = upload(client, catalogue, exported)
    assert response.context["summary"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "errors": 0,
        "new_categories": 0,
    }
    assert "there is nothing to change" in response.content.decode()
    assert Event.objects.count() == events_before


def test_round_trip_in_russian_changes_nothing(catalogue, alice):
    client = client_for(alice)
    exported = client.get(url("export", catalogue), HTTP_ACCEPT_LANGUAGE="ru").content
    response = upload(client, catalogue, exported)
    assert response.context["summary"]["unchanged"] == 4
    assert response.context["plan"].changes == 0


def test_import_previews_then_creates_and_updates_on_confirm(catalogue, alice):
    client = client_for(alice)
    data = workbook_bytes(
        [
            ["Стрижки", "Женская стрижка", 75, 1500, 2500, "yes", "no", 1],  # changed duration
            ["Стрижки", "Мужская стрижка", 45, 1800, 1800, "yes", "no", 1],  # unchanged
            ["Маникюр", "Маникюр без покрытия", 45, 1500, None, "да", "нет", None],  # new
        ]
    )
    response = upload(client, catalogue, data)
    assert response.context["summary"] == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "errors": 0,
        "new_categories": 0,
    }
    # Nothing is written by the preview.
    assert not Service.objects.filter(title="Маникюр без покрытия").exists()
    assert Service.objects.get(title="Женская стрижка").duration == 60
    response = confirm(client, catalogue, response)
    assert "1 services added, 1 changed, 1 unchanged" in response.content.decode()
    new = Service.objects.get(title="Маникюр без покрытия")
    assert (new.duration, new.price_min, new.price_max, new.online_booking) == (
        45,
        Decimal("1500.00"),
        Decimal("1500.00"),
        True,
    )
    assert new.category.title == "Маникюр" and new.company == catalogue
    assert Service.objects.get(title="Женская стрижка").duration == 75
    logged = Event.objects.filter(object_type="catalog.service", code="catalog.import")
    assert logged.count() == 2
    assert logged.get(action="changed").changes == {"duration": [60, 75]}


def test_confirm_with_a_stale_or_foreign_token_imports_nothing(catalogue, alice):
    client = client_for(alice)
    response = upload(client, catalogue, workbook_bytes([["Стрижки", "Чёлка", 15, 500, 500, "yes", "no", 1]]))
    assert response.context["token"]
    result = client.post(url("import_confirm", catalogue), {"token": "forged"}, follow=True)
    assert "has expired" in result.content.decode()
    assert not Service.objects.filter(title="Чёлка").exists()


def test_confirm_rechecks_the_catalogue_as_it_is_now(catalogue, alice):
    client = client_for(alice)
    response = upload(client, catalogue, workbook_bytes([["Маникюр", "Дизайн", 15, 100, 1000, "yes", "no", 1]]))
    # Between preview and confirm someone archives the category.
    nails = ServiceCategory.objects.get(title="Маникюр")
    Service.objects.filter(category=nails).update(is_archived=True)
    nails.is_archived = True
    nails.save()
    result = confirm(client, catalogue, response)
    assert "changed since the preview" in result.content.decode()
    assert not Service.objects.filter(title="Дизайн").exists()


def test_bad_rows_are_listed_with_their_row_numbers_and_nothing_is_imported(catalogue, alice):
    client = client_for(alice)
    data = workbook_bytes(
        [
            ["Стрижки", "Хорошая", 30, 1000, 1000, "yes", "no", 1],  # row 2: fine
            ["Нет такой", "Неизвестная категория", 30, 1000, None, "yes", "no", 1],  # 3
            [None, "Без категории", 30, 1000, None, "yes", "no", 1],  # 4
            ["Стрижки", "Отрицательная", -30, 1000, None, "yes", "no", 1],  # 5
            ["Стрижки", "Нечисловая", "долго", "дорого", None, "yes", "no", 1],  # 6
            ["Стрижки", "Вилка наоборот", 30, 3000, 2000, "yes", "no", 1],  # 7
            ["Стрижки", "хорошая", 30, 1000, 1000, "yes", "no", 1],  # 8: duplicate of row 2
            ["Стрижки", "Минус цена", 30, -5, None, "yes", "no", 1],  # 9
            ["Стрижки", None, 30, 1000, None, "yes", "no", 1],  # 10
            ["Стрижки", "Странный флаг", 30, 1000, None, "может быть", "no", 1],  # 11
        ]
    )
    response = upload(client, catalogue, data)
    plan = response.context["plan"]
    errors = {row.number: " ".join(row.errors) for row in plan.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "Unknown category “Нет такой”" in errors[3]
    assert "category is empty" in errors[4]
    assert "must be from 5 to 1440 minutes" in errors[5]
    assert "not a number" in errors[6] and "not an amount" in errors[6]
    assert "greater than the price to" in errors[7]
    assert "already in row 2" in errors[8]
    assert "cannot be negative" in errors[9]
    assert "title is empty" in errors[10]
    assert "“yes” or “no”" in errors[11]
    html = response.content.decode()
    assert 'data-row="8"' in html and "Nothing is imported while the file has bad rows" in html
    assert "token" not in response.context or not response.context["token"]
    assert not Service.objects.filter(title="Хорошая").exists()


def test_missing_categories_are_created_only_when_asked(tenant_a, alice):
    client = client_for(alice)
    data = workbook_bytes(
        [["Массаж", "Массаж спины", 30, 2200, None, "yes", "no", 1], [None, "Консультация", 15, 0, 0, "no", "no", 1]]
    )
    refused = upload(client, tenant_a.company, data)
    assert refused.context["summary"]["errors"] == 2
    response = upload(client, tenant_a.company, data, create_missing=True)
    assert response.context["summary"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "new_categories": 2,
    }
    confirm(client, tenant_a.company, response)
    assert set(ServiceCategory.objects.filter(company=tenant_a.company).values_list("title", flat=True)) == {
        "Массаж",
        "Uncategorised",
    }
    assert Service.objects.get(title="Консультация").online_booking is False


def test_russian_headers_and_loose_values_are_understood(tenant_a, alice):
    make_category(tenant_a.company, "Окрашивание")
    header = ["Категория", "Услуга", "Длительность, мин", "Цена от", "Цена до", "Онлайн-запись", "Групповая", "Мест"]
    data = workbook_bytes(
        [["окрашивание", "Тонирование", "1:30", "3 000 ₽", "5000,50", "да", "нет", None]], header=header
    )
    client = client_for(alice)
    response = upload(client, tenant_a.company, data)
    assert response.context["summary"]["created"] == 1, [r.errors for r in response.context["plan"].rows]
    confirm(client, tenant_a.company, response)
    service = Service.objects.get(title="Тонирование")
    assert (service.duration, service.price_min, service.price_max) == (90, Decimal("3000.00"), Decimal("5000.50"))
    assert service.category.title == "Окрашивание"


@pytest.mark.parametrize(
    "content,message",
    [
        (b"not a spreadsheet at all", "not an Excel workbook"),
        (workbook_bytes([["x"]], header=["Foo", "Bar"]), "No header row found"),
        (workbook_bytes([["Стрижки", "X"]], header=["Category", "Service"]), "no column Duration (min)"),
    ],
)
def test_a_file_that_is_not_a_service_list_is_refused(tenant_a, alice, content, message):
    response = upload(client_for(alice), tenant_a.company, content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_csv_upload_is_refused_with_a_hint(tenant_a, alice):
    response = upload(client_for(alice), tenant_a.company, b"a,b\n", name="services.csv")
    assert "Save other formats as .xlsx" in response.content.decode()


def test_the_preview_answers_htmx_with_the_result_only(catalogue, alice):
    client = client_for(alice)
    data = workbook_bytes([["Стрижки", "Чёлка", 15, 500, 500, "yes", "no", 1]])
    response = client.post(
        url("import", catalogue),
        {"file": SimpleUploadedFile("s.xlsx", data, content_type=XLSX)},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'data-testid="import-preview"' in html and "<html" not in html


def test_five_thousand_rows_import_with_bulk_queries(tenant_a, alice, django_assert_max_num_queries):
    company = tenant_a.company
    rows = [
        [f"Категория {i % 20}", f"Услуга {i}", 30 + i % 60, 1000 + i, 1500 + i, "yes", "no", 1] for i in range(5000)
    ]
    data = workbook_bytes(rows)
    client = client_for(alice)
    response = upload(client, company, data, create_missing=True)
    assert response.context["summary"]["created"] == 5000
    # Bulk queries: a few hundred at most (SQLite caps the variables of one statement, so a batch
    # holds ~60 rows), where one query per row would be over ten thousand.
    with django_assert_max_num_queries(400):
        result = confirm(client, company, response)
    assert "5000 services added" in result.content.decode()
    assert Service.objects.filter(company=company).count() == 5000
    # Import again with a few changes: updated and unchanged are told apart.
    rows[10][2] = 120
    rows[20][3] = 1
    response = upload(client, company, workbook_bytes(rows))
    assert response.context["summary"] == {
        "created": 0,
        "updated": 2,
        "unchanged": 4998,
        "errors": 0,
        "new_categories": 0,
    }


def test_reading_is_independent_of_the_request(tenant_a):
    rows = spreadsheets.read_workbook(workbook_bytes([["A", "B", 30, 10, 20, "yes", "yes", 4]]))
    assert rows[0].values == {
        "duration": 30,
        "price_min": "10.00",
        "price_max": "20.00",
        "online_booking": True,
        "is_group": True,
        "capacity": 4,
    }


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(
    LIBREOFFICE is None,
    reason="LibreOffice is not installed; `make test` installs libreoffice-calc-nogui (Makefile: browser-deps)",
)
def test_a_real_xlsx_written_by_libreoffice_is_imported(tenant_a, alice, tmp_path):
    make_category(tenant_a.company, "Стрижки")
    source = tmp_path / "services.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Категория", "Услуга", "Длительность (мин)", "Цена от", "Цена до", "Онлайн-запись", "Описание"]
        )
        writer.writerow(["Стрижки", "Женская стрижка", "60", "1500", "2500", "да", "С укладкой"])
        writer.writerow(["Стрижки", "Мужская стрижка", "45", "1800", "", "нет", ""])
        writer.writerow(["Стрижки", "Плохая", "-10", "100", "50", "да", ""])
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = (tmp_path / "services.xlsx").read_bytes()
    client = client_for(alice)
    response = upload(client, tenant_a.company, converted)
    plan = response.context["plan"]
    assert [(row.number, row.status) for row in plan.rows] == [(2, "create"), (3, "create"), (4, "error")]
    assert "must be from 5 to 1440" in " ".join(plan.errors[0].errors)
    assert "greater than the price to" in " ".join(plan.errors[0].errors)
    assert not Service.objects.exists()
    # Without the bad row the same LibreOffice file imports.
    fixed = load_workbook(io.BytesIO(converted))
    fixed.active.delete_rows(4)
    buffer = io.BytesIO()
    fixed.save(buffer)
    response = upload(client, tenant_a.company, buffer.getvalue())
    confirm(client, tenant_a.company, response)
    cut = Service.objects.get(title="Женская стрижка")
    assert (cut.duration, cut.price_min, cut.price_max, cut.description) == (
        60,
        Decimal("1500.00"),
        Decimal("2500.00"),
        "С укладкой",
    )
    assert Service.objects.get(title="Мужская стрижка").online_booking is False


@pytest.mark.parametrize("kind", ["text declared as a number", "formula with an error", "formula never computed"])
def test_a_cell_that_cannot_be_read_is_a_bad_row_not_an_error_page(catalogue, alice, kind):
    data = workbook_bytes([["Стрижки", "Хорошая", 30, 1000], ["Стрижки", "Формула", 45, 1200]])
    response = upload(client_for(alice), catalogue, break_cell(data, "C3", kind))
    assert response.status_code == 200
    errors = {row.number: " ".join(row.errors) for row in response.context["plan"].errors}
    assert list(errors) == [3] and "Cell C3" in errors[3]
    assert 'data-row="3"' in response.content.decode() and not response.context.get("token")
    assert not Service.objects.filter(title="Хорошая").exists()


def test_a_large_price_list_is_checked_and_imported_by_the_task_worker(catalogue, alice, monkeypatch):
    monkeypatch.setattr("frontdesk.core.spreadsheets.background.BACKGROUND_ROWS", 20)
    client = client_for(alice)
    rows = [["Новая категория", f"Услуга {n}", 30, 1000 + n] for n in range(40)]
    response = upload(client, catalogue, workbook_bytes(rows), create_missing=True)
    html = response.content.decode()
    job = ImportJob.objects.get()
    assert 'data-testid="import-job"' in html and job.options == {"create_missing": True}
    assert 'data-count="created">40<' in html and f'name="job" value="{job.pk}"' in html
    assert not Service.objects.filter(title="Услуга 0").exists()
    done = client.post(url("import", catalogue), {"confirm": "1", "job": job.pk}).content.decode()
    assert 'data-testid="import-job-done"' in done
    assert Service.objects.filter(category__title="Новая категория").count() == 40
