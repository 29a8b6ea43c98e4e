"""The money reports as the owner reads them: revenue by what was sold and how it was paid,
the average check by period and per specialist — their filters, links, Excel and query budgets."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from frontdesk.analytics.reports.average_check import AverageCheck
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.reports.revenue import Revenue
from frontdesk.analytics.tests.money_factories import DAY, NOVEMBER, local, make_sale, pay, report_url
from frontdesk.catalog.models import ServiceCategory
from frontdesk.clients.models import Client, ClientCategory
from frontdesk.finance.models import LineKind, MeansPayment, PaymentMethod
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def salon(tenant_a):
    """Two specialists; a visit of Anna's haircut and a shampoo (goods) paid by card and cash, a
    certificate sold for cash, Boris's colouring half refunded the next day."""
    company = tenant_a.company
    haircut = make_service(company, "Стрижка", price=2000)
    colour = make_service(company, "Окрашивание", price=4000)
    colour.category = ServiceCategory.objects.create(chain=company.chain, company=company, title="Цвет")
    colour.save()
    anna = make_specialist(company, "Анна", [haircut])
    boris = make_specialist(company, "Борис", [colour])
    regular = Client.objects.create(chain=company.chain, name="Постоянная", phone="+79005550001")
    vip = ClientCategory.objects.create(chain=company.chain, title="VIP")
    regular.categories.add(vip)
    visit = make_sale(
        company,
        [(LineKind.SERVICE, 2000), (LineKind.GOODS, 1000)],
        client=regular,
        specialist=anna,
        service=haircut,
        when=local(company, DAY, 11),
    )
    pay(visit, 2000, PaymentMethod.CARD, local(company, DAY, 12))
    pay(visit, 1000, PaymentMethod.CASH, local(company, DAY, 12))
    certificate = make_sale(company, [(LineKind.CERTIFICATE, 5000)])
    pay(certificate, 5000, PaymentMethod.CASH, local(company, DAY, 15), item_code="certificates")
    colouring = make_sale(
        company, [(LineKind.SERVICE, 4000)], specialist=boris, service=colour, when=local(company, DAY, 16)
    )
    pay(colouring, 4000, PaymentMethod.CARD, local(company, DAY, 17))
    pay(colouring, -2000, PaymentMethod.CARD, local(company, DAY + datetime.timedelta(days=1), 10))
    return company, anna, boris, vip, colour.category


def test_revenue_splits_the_money_by_what_was_sold_and_by_method(salon, alice):
    company = salon[0]

    page = client_for(alice).get(report_url(company, "revenue"))

    assert page.status_code == 200
    by_period, by_method = page.context["result"].tables
    columns = [column.key for column in by_period.columns]
    totals = dict(zip(columns, by_period.totals, strict=True))
    assert totals["service"] == Decimal("4000.00")  # 2000 haircut + 4000 colouring − 2000 refund
    assert totals["goods"] == Decimal("1000.00")
    assert totals["certificate"] == Decimal("5000.00")
    assert totals["abonement"] == 0
    assert totals["total"] == Decimal("10000.00")
    methods = dict(zip(by_method.keys, by_method.rows, strict=True))
    assert methods["card"][1:4] == [Decimal("6000.00"), Decimal("-2000.00"), Decimal("4000.00")]
    assert methods["cash"][3] == Decimal("6000.00")
    assert page.context["chart"]["type"] == "bar"
    assert len(page.context["chart"]["series"]) == 4


def test_a_refund_lowers_revenue_on_the_day_it_was_made(salon, alice):
    company = salon[0]

    result = client_for(alice).get(report_url(company, "revenue")).context["result"]

    rows = {row[0]: row[-1] for row in result.tables[0].rows}
    labels = [row[0] for row in result.tables[0].rows]
    assert rows[labels[DAY.day - 1]] == Decimal("12000.00")
    assert rows[labels[DAY.day]] == Decimal("-2000.00")


def test_a_payment_by_bonuses_is_not_revenue(salon, alice):
    company = salon[0]
    sale = make_sale(company, [(LineKind.SERVICE, 500)])
    MeansPayment.objects.create(company=company, chain=company.chain, sale=sale, code="bonuses", amount=500)

    page = client_for(alice).get(report_url(company, "revenue"))

    assert page.context["result"].tables[0].totals[-1] == Decimal("10000.00")
    assert "not money" in page.content.decode()


def test_the_specialist_filter_keeps_the_money_of_their_own_lines(salon, alice):
    company, anna, boris = salon[:3]

    anna_page = client_for(alice).get(report_url(company, "revenue", specialist=anna.pk))
    boris_page = client_for(alice).get(report_url(company, "revenue", specialist=boris.pk))

    assert anna_page.context["result"].tables[0].totals[-1] == Decimal("2000.00")  # not the shampoo
    assert boris_page.context["result"].tables[0].totals[-1] == Decimal("2000.00")


def test_the_category_and_client_category_filters(salon, alice):
    company, _anna, _boris, vip, colour = salon

    by_category = client_for(alice).get(report_url(company, "revenue", category=colour.pk)).context["result"]
    by_client = client_for(alice).get(report_url(company, "revenue", client_category=vip.pk)).context["result"]

    assert by_category.tables[0].totals[-1] == Decimal("2000.00")
    assert by_client.tables[0].totals[-1] == Decimal("3000.00")


def test_revenue_links_to_the_finance_reports_for_the_same_dates(salon, alice):
    company = salon[0]

    html = client_for(alice).get(report_url(company, "revenue")).content.decode()

    methods = reverse("finance:report_methods", args=[company.pk])
    assert f'href="{methods}?first=2026-11-01&amp;last=2026-11-30"' in html
    assert reverse("finance:report_items", args=[company.pk]) in html


def test_the_revenue_workbook_holds_both_tables(salon, alice):
    company = salon[0]

    response = client_for(alice).get(report_url(company, "revenue", format="xlsx"))

    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) >= 2
    first = list(book.worksheets[0].iter_rows(values_only=True))
    assert first[0][:2] == ("Period", "Services")
    assert first[-1][0] == "Total" and first[-1][-1] == 10000


def test_the_average_check_per_period_and_specialist(salon, alice):
    company, anna, boris = salon[:3]

    result = client_for(alice).get(report_url(company, "average-check")).context["result"]

    by_period, by_specialist = result.tables
    assert by_period.totals[1:] == [3, Decimal("10000.00"), Decimal("3333.33")]
    specialists = dict(zip(by_specialist.keys, by_specialist.rows, strict=True))
    assert specialists[anna.pk][1:] == [1, Decimal("2000.00"), Decimal("2000.00")]
    assert specialists[boris.pk][1:] == [1, Decimal("2000.00"), Decimal("2000.00")]
    assert result.chart.kind == "line"


@pytest.mark.parametrize(("report", "from_facts", "from_ledger"), [(Revenue, 2, 2), (AverageCheck, 4, 3)])
def test_the_money_reports_ask_a_fixed_number_of_queries(
    salon, tenant_a, report, from_facts, from_ledger, django_assert_num_queries
):
    """From the facts: the stale check and the parts (Average check: the days, the specialists and
    their names); from the ledger (a client category chosen): the money rows and the lines (and
    the names). Neither grows with the sales; nor does the recomputation of a stale day."""
    company, vip = salon[0], salon[3]
    everything = Filters(companies=tuple(tenant_a.companies), period=NOVEMBER, chain=tenant_a.chain)
    by_client = Filters(companies=tuple(tenant_a.companies), period=NOVEMBER, chain=tenant_a.chain, client_category=vip)

    def after_new_sales(count):
        for n in range(count):
            sale = make_sale(company, [(LineKind.SERVICE, 100), (LineKind.GOODS, 50)])
            pay(sale, 150, PaymentMethod.CASH, local(company, DAY, 10 + n))
        with CaptureQueriesContext(connection) as stale:
            report().build(everything)  # recomputes the day the sales marked stale
        with django_assert_num_queries(from_facts):
            report().build(everything)
        with django_assert_num_queries(from_ledger):
            report().build(by_client)
        return len(stale)

    after_new_sales(1)  # the first recomputation writes the day's facts; later ones replace them
    assert after_new_sales(1) == after_new_sales(4)
