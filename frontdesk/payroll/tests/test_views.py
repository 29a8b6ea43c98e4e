"""The payroll pages as their users see them: the owner's branch and employee pages, closing,
paying, the schemes, the export; a specialist sees only their own pay."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from frontdesk.finance.models import Transaction
from frontdesk.payroll.models import Assignment, Payout, Period, Scheme
from frontdesk.payroll.services import close_period
from frontdesk.payroll.tests.factories import desk_of, employee, scheme, service, sold
from frontdesk.scheduling.tests.factories import add_shift
from frontdesk.staff.models import Specialist
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

OCT, OCT_END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
DAY = datetime.date(2026, 10, 12)
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def url(tenant, name, *args):
    return reverse(f"payroll:{name}", args=[tenant.company.pk, *args])


@pytest.fixture
def october(tenant_a):
    company = tenant_a.company
    plan = scheme(tenant_a.chain, "Мастер 40 %", service_percent=Decimal("40"))
    anna = employee(company, "Анна", plan, valid_from=OCT)
    maria = employee(company, "Мария", plan, valid_from=OCT)
    sold(company, anna, service(company, "Colouring", 5000), DAY, discount=500)
    sold(company, maria, service(company, "Haircut", 2000), DAY, hour=12)
    return anna, maria


def test_the_owner_sees_each_employees_total_for_the_month(tenant_a, alice, october):
    page = client_for(alice).get(url(tenant_a, "index"), OCTOBER)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Анна" in text and "1,800.00" in text and "800.00" in text
    assert 'data-testid="branch-total"' in text and "2,600.00" in text


def test_an_employees_page_explains_every_line(tenant_a, alice, october):
    anna, _maria = october
    page = client_for(alice).get(url(tenant_a, "employee", anna.pk), OCTOBER)
    assert "Colouring, 12 October, 4,500.00\xa0₽ after discount × 40 % = 1,800.00\xa0₽" in page.content.decode()


def test_the_branchs_month_takes_the_same_queries_for_two_employees_or_many(tenant_a, alice, october):
    client = client_for(alice)
    client.get(url(tenant_a, "index"), OCTOBER)
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a, "index"), OCTOBER)
    company = tenant_a.company
    plan = Scheme.objects.get()
    for n in range(5):
        worker = employee(company, f"Мастер {n}", plan, valid_from=OCT)
        add_shift(worker, company, DAY)
        for hour in (9, 11, 13):
            sold(company, worker, service(company, f"Услуга {n}{hour}", 1000), DAY, hour=hour)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url(tenant_a, "index"), OCTOBER)
    assert page.content.decode().count('data-testid="payroll-employee"') == 7
    assert len(many) == len(few)


def test_closing_the_month_from_the_page_keeps_it(tenant_a, alice, october):
    client = client_for(alice)
    client.post(url(tenant_a, "close"), OCTOBER)
    assert Period.objects.get().end == OCT_END
    page = client.get(url(tenant_a, "index"), OCTOBER)
    assert 'data-testid="closed-badge"' in page.content.decode()


def test_paying_an_advance_from_the_desk_and_a_refusal_that_saves_nothing(tenant_a, alice, october):
    anna, _maria = october
    client = client_for(alice)
    desk = desk_of(tenant_a.company)
    done = client.post(
        url(tenant_a, "payout", anna.pk), {"account": desk.pk, "kind": "advance", "amount": "1000"}, follow=True
    )
    assert "Advance of 1,000.00\xa0₽ paid to Анна." in done.content.decode()
    refused = client.post(
        url(tenant_a, "payout", anna.pk), {"account": desk.pk, "kind": "salary", "amount": "900"}, follow=True
    )
    assert "Анна has earned 800.00 that is not paid yet; a payout cannot be more." in refused.content.decode()
    assert Payout.objects.count() == 1 and Transaction.objects.filter(amount__lt=0).count() == 1


def test_a_negative_percentage_is_refused_and_no_scheme_is_saved(tenant_a, alice):
    page = client_for(alice).post(
        url(tenant_a, "scheme_add"), {"title": "Плохая", "service_percent": "-5", "basis": "after"}
    )
    assert "Enter a percentage from 0 to 100, such as 40 or 12.5." in page.content.decode()
    assert not Scheme.objects.filter(title="Плохая").exists()


def test_an_overlapping_assignment_is_refused_on_the_employees_page(tenant_a, alice, october):
    anna, _maria = october
    other = scheme(tenant_a.chain, "Другая")
    page = client_for(alice).post(
        url(tenant_a, "assign", anna.pk), {"scheme": other.pk, "valid_from": "2026-10-20"}, follow=True
    )
    assert "Анна already has the scheme “Мастер 40 %” from 2026-10-01" in page.content.decode()
    assert Assignment.objects.filter(specialist=anna).count() == 1


def test_a_specialist_sees_only_their_own_earnings(tenant_a, sam, october):
    anna, maria = october
    Specialist.objects.filter(pk=anna.pk).update(user=sam)
    client = client_for(sam)
    page = client.get(url(tenant_a, "index"), OCTOBER).content.decode()
    assert "My earnings" in page and "1,800.00" in page
    assert "Haircut" not in page and "Мария" not in page
    assert client.get(url(tenant_a, "employee", maria.pk), OCTOBER).status_code == 403
    assert client.post(url(tenant_a, "close"), OCTOBER).status_code == 403
    assert client.get(url(tenant_a, "export"), OCTOBER).status_code == 403


def test_an_administrator_without_payroll_rights_cannot_pay(tenant_a, amy, october):
    anna, _maria = october
    client = client_for(amy)
    page = client.get(url(tenant_a, "index"))
    assert "Your login is not linked to a specialist of this branch." in page.content.decode()
    desk = desk_of(tenant_a.company)
    assert client.post(url(tenant_a, "payout", anna.pk), {"account": desk.pk, "amount": "1"}).status_code == 403
    assert Payout.objects.count() == 0


def test_the_export_holds_the_totals_and_every_line_in_words(tenant_a, alice, october):
    close_period(tenant_a.company, OCT, OCT_END)
    response = client_for(alice).get(url(tenant_a, "export"), OCTOBER)
    book = load_workbook(io.BytesIO(response.content))
    totals, lines = book.worksheets
    assert [row[0].value for row in totals.iter_rows(min_row=2)] == ["Анна", "Мария"]
    assert totals.cell(2, 2).value == 1800
    texts = [row[2].value for row in lines.iter_rows(min_row=2)]
    assert "Colouring, 12 October, 4,500.00\xa0₽ after discount × 40 % = 1,800.00\xa0₽" in texts
