"""The client base in a real browser: the card's timeline, a segment built from three filters,
an Excel import with bad rows."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from openpyxl import Workbook
from playwright.sync_api import expect

from frontdesk.clients.models import Client, ClientCategory, Segment
from frontdesk.clients.tests.factories import make_client, make_record, make_service, make_specialist
from frontdesk.scheduling.models import RecordStatus
from frontdesk.testing.fixtures import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MSK = ZoneInfo("Europe/Moscow")


def _log_in(page, user, live_server):
    """Sign in through a session cookie: the login form has its own tests."""
    cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_an_administrator_opens_a_card_and_sees_the_timeline(page, tenant_a, alice, live_server):
    company = tenant_a.company
    colour = make_service(company, "Окрашивание")
    anna = make_specialist(company, "Анна Смирнова", [colour])
    irina = make_client(tenant_a, "Ирина Петрова", "+79001234567")
    start = datetime.datetime(2026, 2, 1, 12, tzinfo=MSK)
    make_record(company, irina, anna, colour, start, price=4500)
    make_record(company, irina, anna, colour, start + datetime.timedelta(days=35), status=RecordStatus.NO_SHOW)
    _log_in(page, alice, live_server)
    page.goto(f"/c/{company.pk}/clients/")
    page.get_by_placeholder("Name, phone digits or email").fill("4567")
    page.get_by_test_id("client-row").filter(has_text="Ирина Петрова").wait_for()
    page.get_by_role("link", name="Ирина Петрова").click()
    # The card is the next page: count() and inner_text() would read whatever is there already.
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("[data-kind=record]")).to_have_count(2)
    expect(timeline).to_contain_text("Анна Смирнова")
    expect(timeline).to_contain_text("No-show")
    expect(page.get_by_test_id("total-visits")).to_have_text("1")
    page.get_by_placeholder("Add a comment…").fill("Просит кофе без сахара")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_test_id("timeline").locator("[data-kind=note]")).to_contain_text("Просит кофе без сахара")


def test_a_manager_builds_a_segment_from_three_filters_and_saves_it(page, tenant_a, alice, live_server):
    vip = ClientCategory.objects.create(chain=tenant_a.chain, title="VIP")
    ira = make_client(tenant_a, "Ирина", "+79001234567", gender="female")
    make_client(tenant_a, "Ольга", "+79001234568", gender="female", sms_consent=True)
    make_client(tenant_a, "Иван", "+79001234569", gender="male", sms_consent=True).categories.add(vip)
    both = make_client(tenant_a, "Алина", "+79001234570", gender="female", sms_consent=True)
    both.categories.add(vip)
    ira.categories.add(vip)
    _log_in(page, alice, live_server)
    page.goto(f"/c/{tenant_a.company.pk}/clients/")
    page.get_by_test_id("toggle-filters").click()
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("Category").first.select_option(label="VIP")
    page.get_by_label("Consent").select_option("sms")
    page.wait_for_function("document.querySelectorAll('[data-testid=client-row]').length === 1")
    assert "Алина" in page.get_by_test_id("client-row").inner_text()
    form = page.get_by_test_id("segment-form")
    form.get_by_placeholder("Segment name").fill("VIP-женщины с SMS")
    form.get_by_role("button", name="Save as segment").click()
    page.get_by_test_id("segment").filter(has_text="VIP-женщины с SMS").wait_for()
    segment = Segment.objects.get(name="VIP-женщины с SMS")
    assert segment.params == {"gender": ["female"], "category": [str(vip.pk)], "consent": ["sms"]}
    expect(page.get_by_test_id("client-row")).to_have_count(1)


def test_a_manager_imports_an_excel_file_with_bad_rows(page, tenant_a, alice, live_server, tmp_path):
    book = Workbook()
    for row in [
        ["ФИО", "Телефон", "E-mail", "Дата рождения", "Пол", "Скидка"],
        ["Ирина Петрова", "+7 (900) 123-45-67", "ira@example.com", "28.12.1990", "ж", "5"],
        ["Без телефона", "", "", "", "", ""],
        ["Ольга", "89001112233", "not-an-email", "", "", ""],
        ["Мария", "8 900 222-33-44", "", "01.02.1985", "Ж", "150"],
        ["Анна", "9003334455", "", "", "", ""],
    ]:
        book.active.append(row)
    path = tmp_path / "clients.xlsx"
    book.save(path)
    _log_in(page, alice, live_server)
    page.goto(f"/c/{tenant_a.company.pk}/clients/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_test_id("upload-import").click()
    page.get_by_test_id("check-import").click()
    bad = page.get_by_test_id("import-check").get_by_test_id("bad-row")
    # The check is a form post: wait for the page it answers with, not the one it leaves.
    expect(bad).to_have_count(3)
    assert [bad.nth(i).locator("td").first.inner_text() for i in range(bad.count())] == ["3", "4", "5"]
    assert Client.objects.count() == 0
    page.get_by_test_id("start-import").click()
    page.get_by_test_id("import-done").wait_for()
    assert sorted(Client.objects.values_list("phone", flat=True)) == ["+79001234567", "+79003334455"]
    expect(page.get_by_test_id("import-progress").get_by_test_id("bad-row")).to_have_count(3)
