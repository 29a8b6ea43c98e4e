import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from frontdesk.clients.models import Client, ClientCategory, ClientImport, Segment
from frontdesk.clients.spreadsheets import guess_mapping, read_table
from frontdesk.clients.tests.factories import make_client, make_record, make_service, make_specialist
from frontdesk.core.models import Event, ImportJob
from frontdesk.scheduling.models import RecordStatus
from frontdesk.testing.fixtures import client_for
from frontdesk.testing.spreadsheets import assert_written_as_text, break_cell

MSK = ZoneInfo("Europe/Moscow")
START = datetime.datetime(2026, 1, 10, 12, tzinfo=MSK)


def url(name, company, **kwargs):
    return reverse(f"clients:{name}", kwargs={"company_id": company.pk, **kwargs})


@pytest.fixture
def salon(tenant_a, sam):
    """Two clients: Ирина booked with Sam's specialist profile, Ольга only with Анна."""
    company = tenant_a.company
    haircut = make_service(company, "Стрижка")
    colour = make_service(company, "Окрашивание")
    sams = make_specialist(company, "Сэм", [haircut])
    sams.user = sam
    sams.save()
    anna = make_specialist(company, "Анна", [haircut, colour])
    irina = make_client(tenant_a, "Ирина Петрова", "+79001234567", birthday=datetime.date(1990, 12, 28))
    olga = make_client(tenant_a, "Ольга Смирнова", "+79007654321", birthday=datetime.date(1985, 1, 5))
    make_record(company, irina, sams, haircut, START)
    for n in range(4):
        make_record(company, olga, anna, colour, START + datetime.timedelta(days=30 * n), price=5000)
    make_record(company, olga, anna, colour, START + datetime.timedelta(days=200), status=RecordStatus.NO_SHOW)
    return {"company": company, "irina": irina, "olga": olga, "anna": anna, "colour": colour}


def test_specialist_limited_to_own_clients_cannot_open_another_card_by_url(salon, sam):
    browser = client_for(sam)
    company = salon["company"]
    assert browser.get(url("card", company, client_id=salon["irina"].pk)).status_code == 200
    assert browser.get(url("card", company, client_id=salon["olga"].pk)).status_code == 404


def test_specialist_limited_to_own_clients_does_not_find_others_by_search(salon, sam):
    browser = client_for(sam)
    company = salon["company"]
    page = browser.get(url("list", company), {"q": "765"}).content.decode()
    assert "Ольга" not in page
    assert "Ольга" not in browser.get(url("search", company), {"q": "Ольга"}).content.decode()
    assert "Ирина" in browser.get(url("list", company), {"q": "ирина"}).content.decode()


def test_member_without_edit_rights_sees_masked_phones_and_cannot_export(salon, sam):
    browser = client_for(sam)
    company = salon["company"]
    page = browser.get(url("card", company, client_id=salon["irina"].pk)).content.decode()
    assert "+7 900 ***-**-67" in page and "123-45-67" not in page
    assert browser.get(url("export", company)).status_code == 403
    assert browser.post(url("bulk", company), {"action": "export", "scope": "all"}).status_code == 403


def test_every_card_view_is_in_the_event_log(salon, alice):
    client_for(alice).get(url("card", salon["company"], client_id=salon["olga"].pk))
    event = Event.objects.get(code="client.viewed", object_id=str(salon["olga"].pk))
    assert event.user_id == alice.pk


def test_card_shows_totals_and_timeline(salon, alice):
    page = client_for(alice).get(url("card", salon["company"], client_id=salon["olga"].pk))
    totals = page.context["totals"]
    assert totals.visits == 4 and totals.no_shows == 1
    assert totals.spend == 20000 and totals.average_check == 5000
    assert totals.usual_interval_days == 30 and totals.favourite_specialist == "Анна"
    assert totals.favourite_services == ["Окрашивание"]
    kinds = [e.kind for e in page.context["timeline"]]
    assert kinds.count("record") == 5 and "change" in kinds


def test_the_card_counts_as_upcoming_only_visits_the_client_is_still_to_come_to(salon, alice):
    ahead = datetime.datetime.now(MSK).replace(microsecond=0) + datetime.timedelta(days=7)
    company, irina, anna, colour = salon["company"], salon["irina"], salon["anna"], salon["colour"]
    make_record(company, irina, anna, colour, ahead, status=RecordStatus.BOOKED)
    make_record(company, irina, anna, colour, ahead + datetime.timedelta(days=1), status=RecordStatus.CONFIRMED)
    make_record(company, irina, anna, colour, ahead + datetime.timedelta(days=2), status=RecordStatus.CANCELLED)
    page = client_for(alice).get(url("card", company, client_id=irina.pk))
    assert page.context["totals"].upcoming == 2


def test_card_costs_the_same_queries_for_many_visits(salon, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company, olga = salon["company"], salon["olga"]
    browser = client_for(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(url("card", company, client_id=olga.pk)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(40):
        make_record(company, olga, salon["anna"], salon["colour"], START + datetime.timedelta(days=300 + n))
    # Every module's block on the card (money, messages, loyalty, certificates) runs a fixed
    # number of queries: forty more visits cost none.
    assert queries() == few <= 30


def test_a_long_history_shows_the_latest_entries_first_and_the_rest_on_request(salon, alice):
    company, olga = salon["company"], salon["olga"]
    for n in range(60):
        make_record(company, olga, salon["anna"], salon["colour"], START + datetime.timedelta(days=300 + n))
    browser = client_for(alice)
    page = browser.get(url("card", company, client_id=olga.pk))
    shown = page.context["timeline"]
    assert len(shown) == 50 and page.context["timeline_hidden"] > 0
    assert shown[0].at == START + datetime.timedelta(days=359)  # the newest first
    assert 'data-testid="timeline-more"' in page.content.decode()
    whole = browser.get(url("card", company, client_id=olga.pk), {"history": "all"})
    assert len(whole.context["timeline"]) == 50 + page.context["timeline_hidden"]
    assert whole.context["timeline_hidden"] == 0 and whole.context["totals"].visits == 4 + 60


def test_list_page_of_fifty_runs_a_constant_number_of_queries(tenant_a, alice, django_assert_max_num_queries):
    vip = ClientCategory.objects.create(chain=tenant_a.chain, title="VIP")
    clients = Client.objects.bulk_create(
        Client(chain=tenant_a.chain, name=f"Клиент {n}", phone=f"+7900100{n:04d}") for n in range(60)
    )
    vip.clients.add(*clients)
    browser = client_for(alice)
    with django_assert_max_num_queries(20):
        page = browser.get(url("list", tenant_a.company), {"sort": "-spend", "visits_min": "0"})
    assert len(page.context["page"].object_list) == 50


def test_filters_combine_birthday_across_new_year_visits_and_spend(salon, alice):
    browser = client_for(alice)
    company = salon["company"]

    def names(**params):
        page = browser.get(url("list", company), params)
        return sorted(c.name for c in page.context["page"].object_list)

    assert names(bday_from="20.12", bday_to="10.01") == ["Ирина Петрова", "Ольга Смирнова"]
    assert names(bday_from="01.01", bday_to="10.01") == ["Ольга Смирнова"]
    assert names(visits_min="2", spend_min="10000") == ["Ольга Смирнова"]
    assert names(specialist=str(salon["anna"].pk), visits_max="1") == []
    assert names(service=str(salon["colour"].pk)) == ["Ольга Смирнова"]
    assert names(q="4567") == ["Ирина Петрова"]
    assert names(q="8 900 123") == ["Ирина Петрова"]


def test_lost_clients_are_regulars_long_past_their_usual_interval(salon, alice):
    page = client_for(alice).get(url("list", salon["company"]), {"lost": "on"})
    # Ольга came every 30 days, last in April 2026; Ирина came once.
    assert [c.name for c in page.context["page"].object_list] == ["Ольга Смирнова"]


def test_segment_keeps_its_filters(salon, alice):
    browser = client_for(alice)
    company = salon["company"]
    response = browser.post(url("segment_save", company), {"name": "Постоянные", "filters": "visits_min=3&gender="})
    segment = Segment.objects.get(name="Постоянные")
    assert segment.params == {"visits_min": ["3"]}
    page = browser.get(url("list", company), {"segment": segment.pk})
    assert response.status_code == 302
    assert [c.name for c in page.context["page"].object_list] == ["Ольга Смирнова"]


def test_bulk_category_and_export_follow_the_filters(salon, alice):
    browser = client_for(alice)
    company = salon["company"]
    vip = ClientCategory.objects.create(chain=company.chain, title="VIP")
    browser.post(
        url("bulk", company), {"action": "add_category", "category": vip.pk, "scope": "all", "filters": "q=ольга"}
    )
    assert list(vip.clients.values_list("name", flat=True)) == ["Ольга Смирнова"]
    response = browser.post(url("bulk", company), {"action": "export", "scope": "selected", "ids": [salon["irina"].pk]})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2 and rows[1][0] == "Ирина Петрова" and rows[1][1] == "+7 900 123-45-67"


def test_a_name_or_comment_typed_as_a_formula_is_exported_as_text(salon, tenant_a, alice):
    names = ['=HYPERLINK("http://x","y")', "+7 916", "-5", "@SUM(A1)"]
    clients = [make_client(tenant_a, name, f"+7900111223{n}", comment="=1+1") for n, name in enumerate(names)]
    response = client_for(alice).post(
        url("bulk", salon["company"]), {"action": "export", "scope": "selected", "ids": [c.pk for c in clients]}
    )
    assert_written_as_text(response.content, *names, "=1+1")


def test_rfm_grid_counts_clients_with_visits(salon, alice):
    page = client_for(alice).get(url("rfm", salon["company"]))
    total = sum(cell["count"] for _r, cells in page.context["rows"] for _f, cell in cells)
    assert total == 2


def test_duplicate_phone_on_the_form_is_refused_clearly(salon, alice):
    response = client_for(alice).post(url("add", salon["company"]), {"name": "Ира", "phone": "8 (900) 123-45-67"})
    assert response.status_code == 200
    assert "already belongs to the client" in response.content.decode()


def test_client_data_is_exported_as_one_json_file(salon, alice):
    response = client_for(alice).get(url("personal_data", salon["company"], client_id=salon["olga"].pk))
    assert response["Content-Type"] == "application/json"
    assert b"+79007654321" in response.content and "Окрашивание".encode() in response.content


# ---------------------------------------------------------------- import
def test_usual_headers_of_other_systems_are_recognised():
    headers = [
        "ФИО",
        "Телефон",
        "E-mail",
        "Дата рождения",
        "Пол",
        "Категория",
        "Скидка",
        "Комментарий",
        "Визиты",
        "Сумма продаж",
    ]
    mapping = guess_mapping(headers)
    assert list(mapping.values()) == [
        "name",
        "phone",
        "email",
        "birthday",
        "gender",
        "categories",
        "discount",
        "comment",
        "visits",
        "spend",
    ]
    assert guess_mapping(["Имя", "Фамилия", "Phone"]) == {"0": "first_name", "1": "last_name", "2": "phone"}


def test_csv_in_cp1251_with_semicolons_is_read():
    data = "Имя;Телефон\nИрина;89001234567\n".encode("cp1251")
    headers, rows = read_table("clients.csv", data)
    assert headers == ["Имя", "Телефон"] and rows == [["Ирина", "89001234567"]]


def _xlsx(rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "clients.xlsx"
    return buffer


def test_import_dry_run_lists_bad_rows_and_then_imports_the_good_ones(tenant_a, alice):
    make_client(tenant_a, "Старая Ирина", "+79001234567")
    browser = client_for(alice)
    company = tenant_a.company
    upload = _xlsx(
        [
            ["ФИО", "Телефон", "Дата рождения", "Скидка", "Категория"],
            ["Ирина Новая", "8 900 123-45-67", "28.12.1990", "5", "VIP"],
            ["Без телефона", "", "", "", ""],
            ["Плохая дата", "+79005550001", "31.02.1990", "", ""],
            ["Ольга", "+79005550002", "", "10", "VIP, Блондинки"],
        ]
    )
    response = browser.post(url("import", company), {"file": upload})
    job = ClientImport.objects.get()
    assert response.status_code == 302
    mapping = {f"col_{i}": t for i, t in enumerate(["name", "phone", "birthday", "discount", "categories"])}
    page = browser.post(
        url("import_check", company, client_import_id=job.pk), {**mapping, "on_duplicate": "update", "start": "0"}
    )
    assert [row.number for row in page.context["preview"].bad_rows] == [3, 4]
    assert Client.objects.count() == 1  # the dry run wrote nothing
    browser.post(
        url("import_check", company, client_import_id=job.pk), {**mapping, "on_duplicate": "update", "start": "1"}
    )
    browser.post(url("import_step", company, client_import_id=job.pk))
    job.refresh_from_db()
    assert (job.status, job.created, job.updated, len(job.errors)) == ("done", 1, 1, 2)
    irina = Client.objects.get(phone="+79001234567")
    assert irina.name == "Ирина Новая" and irina.birthday == datetime.date(1990, 12, 28)
    olga = Client.objects.get(phone="+79005550002")
    assert sorted(olga.categories.values_list("title", flat=True)) == ["VIP", "Блондинки"]


@pytest.mark.parametrize("kind", ["text declared as a number", "formula with an error", "missing shared string"])
def test_a_client_cell_that_cannot_be_read_is_a_bad_row_not_an_error_page(tenant_a, alice, kind):
    browser = client_for(alice)
    company = tenant_a.company
    good = _xlsx([["ФИО", "Телефон"], ["Ирина", "+79005550001"], ["Ольга", "+79005550002"]])
    broken = io.BytesIO(break_cell(good.read(), "B2", kind))
    broken.name = "clients.xlsx"
    assert browser.post(url("import", company), {"file": broken}).status_code == 302
    job = ClientImport.objects.get()
    mapping = {"col_0": "name", "col_1": "phone", "on_duplicate": "update"}
    page = browser.post(url("import_check", company, client_import_id=job.pk), {**mapping, "start": "0"})
    bad = page.context["preview"].bad_rows
    assert [row.number for row in bad] == [2] and "Cell B2" in bad[0].errors[0]
    assert "Cell B2" in page.content.decode()
    browser.post(url("import_check", company, client_import_id=job.pk), {**mapping, "start": "1"})
    browser.post(url("import_step", company, client_import_id=job.pk))
    job.refresh_from_db()
    assert list(Client.objects.values_list("name", flat=True)) == ["Ольга"]
    assert job.errors == [[2, bad[0].errors[0]]]


def test_a_large_client_file_is_read_by_the_task_worker_then_mapped_as_usual(tenant_a, alice, monkeypatch):
    monkeypatch.setattr("frontdesk.core.spreadsheets.background.BACKGROUND_ROWS", 20)
    browser = client_for(alice)
    company = tenant_a.company
    rows = [["ФИО", "Телефон"]] + [[f"Клиент {n}", f"+7900555{n:04d}"] for n in range(50)]
    response = browser.post(url("import", company), {"file": _xlsx(rows)})
    job = ClientImport.objects.get()
    assert response.status_code == 302
    # The worker (immediate in tests) has read it: the mapping step shows its columns.
    assert job.status == "uploaded" and len(job.rows) == 50
    page = browser.get(url("import_check", company, client_import_id=job.pk))
    assert "Телефон" in page.content.decode()
    # While a file is being read the page shows how far the worker got and asks again.
    ClientImport.objects.filter(pk=job.pk).update(status="reading")
    ImportJob.objects.filter(options__client_import=job.pk).update(status="checking", percent=30)
    reading = browser.get(url("import_check", company, client_import_id=job.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in reading and "30%" in reading
    # Once read, the poll reloads the page into the mapping step.
    ClientImport.objects.filter(pk=job.pk).update(status="uploaded")
    polled = browser.get(url("import_check", company, client_import_id=job.pk), HTTP_HX_REQUEST="true")
    assert polled.headers["HX-Refresh"] == "true"


def test_a_client_file_over_the_cap_fails_in_the_worker_with_the_reason(tenant_a, alice, monkeypatch):
    monkeypatch.setattr("frontdesk.core.spreadsheets.background.BACKGROUND_ROWS", 20)
    monkeypatch.setattr("frontdesk.clients.spreadsheets.MAX_ROWS", 30)
    browser = client_for(alice)
    rows = [["ФИО", "Телефон"]] + [[f"Клиент {n}", f"+7900555{n:04d}"] for n in range(50)]
    browser.post(url("import", tenant_a.company), {"file": _xlsx(rows)})
    job = ClientImport.objects.get()
    page = browser.get(url("import_check", tenant_a.company, client_import_id=job.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert job.status == "reading" and 'data-testid="import-job-failed"' in page.content.decode()
    assert "more than 30 rows" in page.content.decode() and not Client.objects.exists()
