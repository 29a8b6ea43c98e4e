"""Excel export and import of staff and schedules: preview first, round trip changes nothing."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from frontdesk.core.models import Event
from frontdesk.staff import services, spreadsheets
from frontdesk.staff.models import Specialist, WorkInterval
from frontdesk.staff.tests.factories import make_position, make_specialist, month_days
from frontdesk.testing.fixtures import client_for
from frontdesk.testing.spreadsheets import assert_written_as_text, break_cell

T = datetime.time
D = datetime.date
MAY = D(2026, 5, 1)


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, url, data: bytes, name="file.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(url, {"file": upload})


def test_staff_export_then_import_changes_nothing(tenant_a, alice):
    position = make_position(tenant_a.company, "Колорист")
    anna = make_specialist(tenant_a.company, name="Анна", position=position, phone="+79160000101", hidden_online=True)
    anna.companies.add(tenant_a.companies[1])
    make_specialist(tenant_a.company, name="Мария", email="m@example.com")
    client = client_for(alice)
    exported = client.get(f"/c/{tenant_a.company.pk}/staff/export/").content
    events = Event.objects.count()
    response = _upload(client, f"/c/{tenant_a.company.pk}/staff/import/", exported)
    assert 'data-testid="bad-row"' not in response.content.decode()
    preview = spreadsheets.read_staff(exported, tenant_a.chain)
    assert preview.ok and preview.count_unchanged == 2
    response = client.post(f"/c/{tenant_a.company.pk}/staff/import/", {"confirm": "1"})
    assert response.status_code == 302
    assert Event.objects.count() == events


def test_staff_import_with_russian_headers_creates_and_updates(tenant_a, alice):
    make_position(tenant_a.company, "Мастер маникюра")
    anna = make_specialist(tenant_a.company, name="Анна")
    data = _xlsx(
        [
            ["ID", "Имя", "Должность", "Телефон", "Филиалы", "Скрыт в онлайн-записи"],
            [anna.pk, "Анна Смирнова", "", "", "Лаванда Арбат", "нет"],
            [None, "Ольга", "мастер маникюра", "89160000104", "Лаванда Арбат, Лаванда Сокол", "да"],
        ]
    )
    client = client_for(alice)
    response = _upload(client, f"/c/{tenant_a.company.pk}/staff/import/", data)
    assert "New: 1. Changed: 1." in response.content.decode()
    assert Specialist.objects.count() == 1  # nothing before confirming
    client.post(f"/c/{tenant_a.company.pk}/staff/import/", {"confirm": "1"})
    olga = Specialist.objects.get(name="Ольга")
    assert olga.phone == "+79160000104" and olga.hidden_online and olga.companies.count() == 2
    assert olga.position.title == "Мастер маникюра"
    anna.refresh_from_db()
    assert anna.name == "Анна Смирнова"


def test_staff_import_lists_every_bad_row_and_imports_nothing(tenant_a, alice):
    data = _xlsx(
        [
            ["Name", "Position", "Phone", "Email", "Branches", "Hidden from online booking"],
            ["Good", "", "", "", "Лаванда Арбат", "no"],
            ["", "", "", "", "Лаванда Арбат", "no"],
            ["Bad position", "Astronaut", "", "", "Лаванда Арбат", "no"],
            ["Bad branch", "", "", "", "Nowhere", "no"],
            ["No branch", "", "", "", "", "no"],
            ["Bad phone", "", "12", "not-an-email", "Лаванда Арбат", "maybe"],
        ]
    )
    client = client_for(alice)
    response = _upload(client, f"/c/{tenant_a.company.pk}/staff/import/", data)
    html = response.content.decode()
    assert html.count('data-testid="bad-row"') == 5
    for reason in [
        "name is empty",
        "Unknown position",
        "Unknown branch",
        "at least one branch",
        "not an email",
        "not yes or no",
    ]:
        assert reason in html
    assert 'data-testid="confirm-import"' not in html
    response = client.post(f"/c/{tenant_a.company.pk}/staff/import/", {"confirm": "1"})
    assert not Specialist.objects.exists()


def test_a_file_that_is_not_a_workbook_is_reported(tenant_a, alice):
    response = _upload(client_for(alice), f"/c/{tenant_a.company.pk}/staff/import/", b"not a zip")
    assert "not an Excel workbook" in response.content.decode()


def test_schedule_export_then_import_changes_nothing(tenant_a, alice):
    anna = make_specialist(tenant_a.company, name="Анна")
    maria = make_specialist(tenant_a.company, name="Мария")
    services.set_days(
        tenant_a.company,
        {
            anna.pk: dict.fromkeys(month_days(MAY)[::2], [(T(10), T(14)), (T(15), T(19))]),
            maria.pk: dict.fromkeys(month_days(MAY)[1::3], [(T(9, 30), T(18))]),
        },
    )
    client = client_for(alice)
    exported = client.get(f"/c/{tenant_a.company.pk}/schedule/export/?month=2026-05").content
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet.cell(2, 3).value == "10:00-14:00, 15:00-19:00"
    before = sorted(WorkInterval.objects.values_list("specialist_id", "date", "start", "end"))
    events = Event.objects.count()
    preview = spreadsheets.read_schedule(exported, tenant_a.company)
    assert preview.ok and preview.count_unchanged == 2
    _upload(client, f"/c/{tenant_a.company.pk}/schedule/import/", exported)
    assert client.post(f"/c/{tenant_a.company.pk}/schedule/import/", {"confirm": "1"}).status_code == 302
    assert sorted(WorkInterval.objects.values_list("specialist_id", "date", "start", "end")) == before
    assert Event.objects.count() == events


def test_schedule_import_reports_every_bad_cell_and_imports_nothing(tenant_a, alice):
    make_specialist(tenant_a.company, name="Анна")
    data = _xlsx(
        [
            ["Сотрудник", "01.05.2026", "02.05.2026", "03.05.2026"],
            ["Анна", "10:00-19:00", "22:00-06:00", "10:00-14:00, 13:00-19:00"],
            ["Никто", "10:00-19:00", "", ""],
        ]
    )
    client = client_for(alice)
    html = _upload(client, f"/c/{tenant_a.company.pk}/schedule/import/", data).content.decode()
    assert "C2" in html and "Overnight" in html
    assert "D2" in html and "overlap" in html
    assert "No specialist “Никто”" in html
    client.post(f"/c/{tenant_a.company.pk}/schedule/import/", {"confirm": "1"})
    assert not WorkInterval.objects.exists()


def test_schedule_import_sets_days_and_day_off_words(tenant_a, alice):
    anna = make_specialist(tenant_a.company, name="Анна")
    services.set_day(anna, tenant_a.company, D(2026, 5, 2), [(T(10), T(19))])
    data = _xlsx([["Specialist", D(2026, 5, 1), D(2026, 5, 2)], ["Анна", "10-14, 15-19", "выходной"]])
    client = client_for(alice)
    _upload(client, f"/c/{tenant_a.company.pk}/schedule/import/", data)
    client.post(f"/c/{tenant_a.company.pk}/schedule/import/", {"confirm": "1"})
    assert list(WorkInterval.objects.values_list("date", "start", "end")) == [
        (D(2026, 5, 1), T(10), T(14)),
        (D(2026, 5, 1), T(15), T(19)),
    ]


def test_two_thousand_staff_rows_import_with_bulk_queries(tenant_a, alice, django_assert_max_num_queries):
    a1, a2 = tenant_a.companies[:2]
    make_position(a1, "Парикмахер")
    header = ["ID", "Name", "Position", "Phone", "Branches", "Hidden from online booking"]
    rows = [[None, f"Мастер {i}", "Парикмахер", "", a1.name, "no"] for i in range(2000)]
    client = client_for(alice)
    url = f"/c/{a1.pk}/staff/import/"
    response = _upload(client, url, _xlsx([header, *rows]))
    assert "New: 2000. Changed: 0. Unchanged: 0." in response.content.decode()
    events = Event.objects.count()
    # Bulk queries: a few dozen (SQLite holds a few dozen rows per statement), where one
    # save per row would be well over ten thousand.
    with django_assert_max_num_queries(200):
        response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert Specialist.objects.filter(companies=a1).count() == 2000
    assert Specialist.objects.filter(position__title="Парикмахер").count() == 2000
    assert Event.objects.count() == events + 2000 + 1  # a line per specialist and a summary

    # Again, with every specialist moved to both branches and one renamed: still bulk.
    staff = list(Specialist.objects.order_by("pk"))
    rows = [[s.pk, s.name, "Парикмахер", "", f"{a1.name}, {a2.name}", "no"] for s in staff]
    rows[5][1] = "Мастер Пятый"
    _upload(client, url, _xlsx([header, *rows]))
    with django_assert_max_num_queries(200):
        client.post(url, {"confirm": "1"})
    assert Specialist.objects.filter(companies=a2).count() == 2000
    assert Specialist.objects.filter(name="Мастер Пятый").exists()


def test_a_staff_import_keeps_services_of_branches_still_worked_in(tenant_a, alice):
    from frontdesk.staff.models import SpecialistService
    from frontdesk.staff.tests.factories import make_service

    a1, a2 = tenant_a.companies[:2]
    anna = make_specialist(a1, name="Анна")
    anna.companies.add(a2)
    here = make_service(a1, "Стрижка")
    there = make_service(a2, "Окрашивание")
    for service in (here, there):
        SpecialistService.objects.create(chain=tenant_a.chain, specialist=anna, service=service)
    data = _xlsx([["ID", "Name", "Branches"], [anna.pk, "Анна", a1.name]])
    client = client_for(alice)
    _upload(client, f"/c/{a1.pk}/staff/import/", data)
    client.post(f"/c/{a1.pk}/staff/import/", {"confirm": "1"})
    assert list(anna.companies.all()) == [a1]
    assert list(SpecialistService.objects.filter(specialist=anna).values_list("service", flat=True)) == [here.pk]


def test_two_thousand_schedule_rows_import_with_bulk_queries(tenant_a, alice, django_assert_max_num_queries):
    company = tenant_a.company
    staff = Specialist.objects.bulk_create([Specialist(chain=tenant_a.chain, name=f"Мастер {i}") for i in range(2000)])
    Specialist.companies.through.objects.bulk_create(
        [Specialist.companies.through(specialist_id=s.pk, company_id=company.pk) for s in staff]
    )
    week = [MAY + datetime.timedelta(days=i) for i in range(7)]
    # Each specialist works a different part of the week, so no two rows change the same days.
    rows = [
        [s.pk, s.name, *["10:00-19:00" if (n + i) % 3 else "выходной" for i in range(7)]] for n, s in enumerate(staff)
    ]
    client = client_for(alice)
    url = f"/c/{company.pk}/schedule/import/"
    response = _upload(client, url, _xlsx([["ID", "Specialist", *week], *rows]))
    assert "New: 0. Changed: 2000." in response.content.decode()
    with django_assert_max_num_queries(200):
        response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    expected = sum(1 for n in range(2000) for i in range(7) if (n + i) % 3)
    assert WorkInterval.objects.filter(company=company).count() == expected


def test_the_import_preview_comes_back_into_the_page_with_upload_progress(tenant_a, alice):
    client = client_for(alice)
    page = client.get(f"/c/{tenant_a.company.pk}/schedule/import/").content.decode()
    assert "data-upload-progress" in page and 'id="fd-import-progress"' in page
    assert "js/upload-progress.js" in page
    anna = make_specialist(tenant_a.company, name="Анна")
    data = _xlsx([["ID", "Specialist", MAY], [anna.pk, "Анна", "10-19"]])
    upload = io.BytesIO(data)
    upload.name = "schedule.xlsx"
    response = client.post(f"/c/{tenant_a.company.pk}/schedule/import/", {"file": upload}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-testid="import-preview"' in html and "<html" not in html
    assert f'action="/c/{tenant_a.company.pk}/schedule/import/"' in html
    response = client.post(
        f"/c/{tenant_a.company.pk}/staff/import/", {"file": io.BytesIO(b"x")}, HTTP_HX_REQUEST="true"
    )
    assert 'data-testid="import-file-error"' in response.content.decode()


def test_staff_and_schedule_exports_write_formula_like_text_as_text(tenant_a, alice):
    make_specialist(tenant_a.company, name="=1+1", position=make_position(tenant_a.company, "@SUM(A1)"))
    make_specialist(tenant_a.company, name="-5", description='=HYPERLINK("http://x","y")')
    client = client_for(alice)
    staff = client.get(f"/c/{tenant_a.company.pk}/staff/export/").content
    assert_written_as_text(staff, "=1+1", "@SUM(A1)", "-5", '=HYPERLINK("http://x","y")')
    schedule = client.get(f"/c/{tenant_a.company.pk}/schedule/export/?month=2026-05").content
    assert_written_as_text(schedule, "=1+1", "-5")


@pytest.mark.parametrize("kind", ["text declared as a number", "formula with an error", "missing shared string"])
def test_a_staff_cell_that_cannot_be_read_is_a_bad_row_not_an_error_page(tenant_a, alice, kind):
    data = _xlsx(
        [
            ["Name", "Phone", "Branches"],
            ["Анна", "+79161234567", "Лаванда Арбат"],
            ["Мария", "+79161234568", "Лаванда Арбат"],
        ]
    )
    client = client_for(alice)
    response = _upload(client, f"/c/{tenant_a.company.pk}/staff/import/", break_cell(data, "B3", kind))
    html = response.content.decode()
    assert response.status_code == 200 and html.count('data-testid="bad-row"') == 1
    assert 'data-row="3"' in html and "Cell B3" in html
    client.post(f"/c/{tenant_a.company.pk}/staff/import/", {"confirm": "1"})
    assert not Specialist.objects.exists()


@pytest.mark.parametrize("kind", ["text declared as a number", "formula with an error", "date that is not a date"])
def test_a_schedule_cell_that_cannot_be_read_is_a_bad_row_not_an_error_page(tenant_a, alice, kind):
    make_specialist(tenant_a.company, name="Анна")
    make_specialist(tenant_a.company, name="Мария")
    data = _xlsx([["Сотрудник", "01.05.2026"], ["Анна", "10:00-19:00"], ["Мария", "10:00-19:00"]])
    client = client_for(alice)
    response = _upload(client, f"/c/{tenant_a.company.pk}/schedule/import/", break_cell(data, "B2", kind))
    html = response.content.decode()
    assert response.status_code == 200 and html.count('data-testid="bad-row"') == 1
    assert 'data-row="2"' in html and "Cell B2" in html
    client.post(f"/c/{tenant_a.company.pk}/schedule/import/", {"confirm": "1"})
    assert not WorkInterval.objects.exists()
