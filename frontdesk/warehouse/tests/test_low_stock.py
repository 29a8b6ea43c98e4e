"""Low stock: the list of goods below their minimum with what to order, its Excel file, and the
daily letter to the branch's administrators through the outbox and a real SMTP server — once a
day, only when something is low, never with email off or in quiet hours."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.notifications.models import ChannelSettings, Message, MessageStatus
from frontdesk.notifications.tests.conftest import smtp_server  # noqa: F401 - the real SMTP server
from frontdesk.notifications.worker import deliver_due
from frontdesk.testing.concurrency import race
from frontdesk.testing.fixtures import add_member, client_for
from frontdesk.warehouse.low_stock import low_rows, send_low_stock_alerts
from frontdesk.warehouse.models import LowStockAlert, MinimumStock
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import dye, goods, supplier, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def low(tenant_a):
    """Shampoo: 2 left, minimum 5. Dye: 90 ml left (1.5 tubes), minimum 300 ml. Mask: 6 left,
    minimum 5 (fine)."""
    company = tenant_a.company
    store = warehouse(company)
    materials = warehouse(company, "Материалы", kind="materials")
    shampoo, mask, paint = goods(tenant_a.chain, "Шампунь 250 мл"), goods(tenant_a.chain, "Маска"), dye(tenant_a.chain)
    vendor = supplier(tenant_a.chain)
    receive(company, store, vendor, [ItemLine(shampoo, 2, "500"), ItemLine(mask, 6, "800")])
    receive(company, materials, vendor, [ItemLine(paint, "1.5", "420")])
    for where, item, minimum in ((store, shampoo, 5), (store, mask, 5), (materials, paint, 300)):
        MinimumStock.objects.create(chain=tenant_a.chain, warehouse=where, goods=item, quantity=Decimal(minimum))
    return company, store, materials, shampoo, mask, paint


@pytest.fixture
def email_on(tenant_a):
    return ChannelSettings.objects.create(
        chain=tenant_a.chain, language="en", email_enabled=True, quiet_from=None, quiet_to=None
    )


def url(name, company):
    return reverse(f"warehouse:{name}", kwargs={"company_id": company.pk})


def test_the_list_shows_whats_below_the_minimum_and_what_to_order(low, amy):
    company, *_ = low
    page = client_for(amy).get(url("low_stock", company)).content.decode().replace("\xa0", " ")
    assert page.count('data-testid="low-stock-row"') == 2
    assert "Маска" not in page
    assert "2 pcs" in page and "3 pcs" in page  # shampoo: 2 left, 3 to order
    assert "90 ml" in page and "4 pcs" in page  # dye: 210 ml short = 4 tubes of 60 ml


def test_a_warehouse_never_holding_the_item_counts_as_none_left(tenant_a, low):
    company, store, *_ = low
    extra = goods(tenant_a.chain, "Кондиционер")
    MinimumStock.objects.create(chain=tenant_a.chain, warehouse=store, goods=extra, quantity=Decimal(1))
    rows = {row.goods.title: row.left for row in low_rows([company])}
    assert rows["Кондиционер"] == 0


def test_the_excel_file_holds_the_same_rows(low, amy):
    company, store, *_ = low
    response = client_for(amy).get(url("low_stock_export", company), {"warehouse": store.pk})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Warehouse", "Item name", "Article", "Left")
    assert [r[1] for r in rows[1:]] == ["Шампунь 250 мл"]
    assert rows[1][3] == 2 and rows[1][4] == 5 and rows[1][6] == 3


def test_the_administrators_get_one_letter_a_day_through_smtp(tenant_a, low, email_on, amy, smtp_server):  # noqa: F811
    company = low[0]
    add_member(tenant_a, "other-branch@example.com", Role.ADMINISTRATOR, companies=[tenant_a.companies[1]])
    add_member(tenant_a, "no-warehouse@example.com", Role.ADMINISTRATOR, permissions={Section.WAREHOUSE: Level.NONE})
    now = datetime.datetime.now(company.tz).replace(hour=10)

    written = send_low_stock_alerts(now)
    again = send_low_stock_alerts(now + datetime.timedelta(hours=5))
    deliver_due(pause_ms=0)

    assert (written, again) == (1, 0)
    (letter,) = smtp_server.letters
    assert letter["To"] == "amy@example.com"
    assert "2 items below the minimum stock" in str(letter["Subject"])
    text = letter.get_body(("plain",)).get_content()
    assert "Шампунь 250 мл (Товары): 2 pcs left, minimum 5; order 3 pcs" in text
    assert "Краска 6.0 60 мл (Материалы): 90 ml left, minimum 300; order 4 pcs" in text
    assert f"/c/{company.pk}/warehouse/low-stock/" in text
    assert Message.objects.get().status == MessageStatus.SENT
    # The next day, still low: the next letter.
    assert send_low_stock_alerts(now + datetime.timedelta(days=1)) == 1


def test_nothing_is_sent_when_nothing_is_low(tenant_a, low, email_on, amy):
    company, store, materials, shampoo, mask, paint = low
    receive(company, store, supplier(tenant_a.chain), [ItemLine(shampoo, 10, "500")])
    receive(company, materials, supplier(tenant_a.chain), [ItemLine(paint, 10, "420")])
    assert send_low_stock_alerts(datetime.datetime.now(company.tz).replace(hour=10)) == 0
    assert not Message.objects.exists() and not LowStockAlert.objects.exists()


def test_email_switched_off_sends_nothing_and_waits(low, email_on, amy):
    company = low[0]
    email_on.email_enabled = False
    email_on.save()
    now = datetime.datetime.now(company.tz).replace(hour=10)
    assert send_low_stock_alerts(now) == 0
    assert not Message.objects.exists()
    email_on.email_enabled = True
    email_on.save()
    assert send_low_stock_alerts(now) == 1


def test_quiet_hours_hold_the_letter_till_they_end(low, email_on, amy):
    company = low[0]
    email_on.quiet_from, email_on.quiet_to = datetime.time(21), datetime.time(9)
    email_on.save()
    night = datetime.datetime.now(company.tz).replace(hour=23, minute=0)
    assert send_low_stock_alerts(night) == 0
    assert send_low_stock_alerts(night.replace(hour=8)) == 0
    assert send_low_stock_alerts(night.replace(hour=9)) == 1


def test_the_letter_is_in_the_branchs_language(low, email_on, amy):
    company = low[0]
    email_on.language = "ru"
    email_on.save()
    send_low_stock_alerts(datetime.datetime.now(company.tz).replace(hour=10))
    message = Message.objects.get()
    assert "ниже минимального остатка" in message.subject
    assert "осталось 2 шт" in message.body


def test_two_jobs_at_once_write_one_letter(low, email_on, amy, transactional_db):
    company = low[0]
    now = datetime.datetime.now(company.tz).replace(hour=10)
    outcomes = race(2, lambda i: send_low_stock_alerts(now), ())
    assert sorted(value for _kind, value in outcomes) == [0, 1], outcomes
    assert Message.objects.count() == 1 and LowStockAlert.objects.count() == 1


def test_the_list_runs_the_same_queries_for_two_rows_or_sixty(tenant_a, low, amy):
    company, store, *_ = low
    web = client_for(amy)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert web.get(url("low_stock", company)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(60):
        item = goods(tenant_a.chain, f"Товар {n:02}")
        MinimumStock.objects.create(chain=tenant_a.chain, warehouse=store, goods=item, quantity=Decimal(1))
    assert queries() == few
