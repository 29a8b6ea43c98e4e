"""Payroll reports: the fund (balances, accrued, paid per employee, per position, in total) and pay
as a share of revenue per service category and for goods; on screen, in Excel, at a fixed
number of queries, for who may view payroll only."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from frontdesk.catalog.models import Position, ServiceCategory
from frontdesk.payroll.models import EntryKind, Payout, PayoutKind
from frontdesk.payroll.reports import fund, share
from frontdesk.payroll.services import add_entry, close_period, pay_out
from frontdesk.payroll.tests.factories import desk_of, employee, goods_sale, product, scheme, service, sold
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

SEP, SEP_END = datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)
OCT, OCT_END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
DAY = datetime.date(2026, 10, 12)
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def url(tenant, name):
    return reverse(f"payroll:{name}", args=[tenant.company.pk])


@pytest.fixture
def branch(tenant_a):
    """September closed with 1,000 for Anna (paid 600 on 1 Oct); in October Anna colours (4,000 →
    1,600 at 40 %) and sells a bottle (1,000 → 100), Maria cuts (2,000 → 800) and gets a 300 fine."""
    company, chain = tenant_a.company, tenant_a.chain
    plan = scheme(chain, service_percent=Decimal("40"), goods_percent=Decimal("10"))
    stylist = Position.objects.create(company=company, chain=chain, title="Стилист")
    anna = employee(company, "Анна", plan, valid_from=SEP)
    maria = employee(company, "Мария", plan, valid_from=SEP)
    anna.position = stylist
    anna.save()
    colouring = service(company, "Окрашивание", 4000)
    colouring.category = ServiceCategory.objects.create(company=company, chain=chain, title="Окрашивание")
    colouring.save()
    sold(company, anna, service(company, "Укладка", 2500), datetime.date(2026, 9, 10))
    close_period(company, SEP, SEP_END)
    payout = pay_out(company, anna, desk_of(company), "600", kind=PayoutKind.ADVANCE)
    Payout.objects.filter(pk=payout.pk).update(created_at=datetime.datetime.combine(OCT, datetime.time(12), company.tz))
    sold(company, anna, colouring, DAY)
    goods_sale(company, anna, product(chain, "Шампунь", "1000"), DAY)
    sold(company, maria, service(company, "Стрижка", 2000), DAY, hour=15)  # category «Услуги»
    add_entry(company, maria, EntryKind.FINE, "300", datetime.date(2026, 10, 20), "Опоздание")
    return anna, maria


def test_the_fund_shows_each_employees_balances_accrued_and_paid_with_totals(tenant_a, branch):
    anna, maria = branch
    report = fund(tenant_a.company, OCT, OCT_END)
    rows = {r["name"]: r for r in report["rows"]}
    assert (rows["Анна"]["start"], rows["Анна"]["accrued"], rows["Анна"]["paid"], rows["Анна"]["end"]) == (
        Decimal("1000.00"),
        Decimal("1700.00"),
        Decimal("600.00"),
        Decimal("2100.00"),
    )
    assert (rows["Мария"]["entries"], rows["Мария"]["end"]) == (Decimal("-300.00"), Decimal("500.00"))
    assert report["totals"]["end"] == Decimal("2600.00")
    assert dict(report["positions"])["Стилист"]["accrued"] == Decimal("1700.00")


def test_the_fund_page_and_its_export(tenant_a, alice, branch):
    client = client_for(alice)
    page = client.get(url(tenant_a, "fund"), OCTOBER).content.decode()
    assert "Payroll fund" in page and "2,100.00" in page and "Стилист" in page
    book = load_workbook(io.BytesIO(client.get(url(tenant_a, "fund_export"), OCTOBER).content))
    sheet = book.worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))][:3] == [
        "Employee",
        "Position",
        "Balance at the start",
    ]
    last = [c.value for c in list(sheet.iter_rows())[-1]]
    assert last[0] == "Total" and last[-1] == 2600


def test_pay_as_a_share_of_revenue_per_category_and_goods(tenant_a, branch):
    with translation.override("en"):
        report = share(tenant_a.company, OCT, OCT_END)
    rows = {r.title: (r.revenue, r.pay, r.share) for r in report["rows"]}
    assert rows["Окрашивание"] == (Decimal("4000.00"), Decimal("1600.00"), Decimal("40.0"))
    assert rows["Услуги"] == (Decimal("2000.00"), Decimal("800.00"), Decimal("40.0"))
    assert rows["Goods"] == (Decimal("1000.00"), Decimal("100.00"), Decimal("10.0"))
    assert report["other"].pay == Decimal("-300.00")
    # 2,200 of pay for 7,000 of revenue.
    assert (report["total"].revenue, report["total"].pay, report["total"].share) == (
        Decimal("7000.00"),
        Decimal("2200.00"),
        Decimal("31.4"),
    )


def test_the_share_page_and_its_export(tenant_a, alice, branch):
    client = client_for(alice)
    page = client.get(url(tenant_a, "share"), OCTOBER).content.decode()
    assert "Pay and revenue" in page and "31.4 %" in page
    sheet = load_workbook(io.BytesIO(client.get(url(tenant_a, "share_export"), OCTOBER).content)).worksheets[0]
    assert [c.value for c in list(sheet.iter_rows())[-1]][:3] == ["The branch", 7000, 2200]


@pytest.mark.parametrize("name", ["fund", "share"])
def test_a_report_takes_the_same_queries_for_two_employees_or_many(tenant_a, alice, branch, name):
    company, chain = tenant_a.company, tenant_a.chain
    client = client_for(alice)
    client.get(url(tenant_a, name), OCTOBER)
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a, name), OCTOBER)
    plan = scheme(chain, "Ещё", service_percent=Decimal("30"), goods_percent=Decimal("5"))
    item = product(chain, "Маска", "700")
    for n in range(5):
        worker = employee(company, f"Мастер {n}", plan, valid_from=OCT)
        category = ServiceCategory.objects.create(company=company, chain=chain, title=f"Направление {n}")
        offered = service(company, f"Услуга {n}", 1000)
        offered.category = category
        offered.save()
        sold(company, worker, offered, DAY + datetime.timedelta(days=n))
        goods_sale(company, worker, item, DAY + datetime.timedelta(days=n))
        add_entry(company, worker, EntryKind.BONUS, "100", DAY, "Премия")
    with CaptureQueriesContext(connection) as many:
        client.get(url(tenant_a, name), OCTOBER)
    assert len(many) == len(few)


def test_reports_need_the_payroll_section(tenant_a, amy, sam):
    for user in (amy, sam):
        client = client_for(user)
        for name in ("fund", "fund_export", "share", "share_export"):
            assert client.get(url(tenant_a, name), OCTOBER).status_code == 403


def test_dates_that_cut_into_a_closed_period_are_refused_in_words(tenant_a, alice, branch):
    client = client_for(alice)
    dates = {"from": "2026-09-15", "to": "2026-10-15"}
    for name in ("fund", "share"):
        assert "These dates overlap the closed period" in client.get(url(tenant_a, name), dates).content.decode()
        refused = client.get(url(tenant_a, f"{name}_export"), dates, follow=True)
        assert "These dates overlap the closed period" in refused.content.decode()
