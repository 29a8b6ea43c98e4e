"""The analytics section's frame: the index, any report's page with its filters, chart and table,
the Excel file of the same figures, and the guards — who may open it, bad filters, other networks."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from frontdesk.analytics.reports import base
from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.clients.tests.factories import make_record
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.staff.models import Specialist
from frontdesk.testing.fixtures import add_member, client_for

pytestmark = pytest.mark.django_db


def _url(company, key=None, **params):
    path = reverse("analytics:report", args=[company.pk, key]) if key else reverse("analytics:index", args=[company.pk])
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return path


def test_the_index_lists_every_registered_report(tenant_a, alice):
    html = client_for(alice).get(_url(tenant_a.company)).content.decode()

    for report in base.all_reports():
        assert f'data-testid="report-link-{report.key}"' in html


def test_visits_by_status_counts_todays_visit_in_the_table_and_the_chart(tenant_a, alice):
    company = tenant_a.company
    _paid_visit_today(company, 1000)
    today = timezone.now().astimezone(company.tz).date()

    page = client_for(alice).get(_url(company, "visits", first=today.isoformat(), last=today.isoformat()))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="report-chart"' in html
    totals = page.context["result"].tables[0].totals
    assert totals[1:5] == [1, 0, 0, 0]  # came, no-show, cancelled, to come


def test_the_excel_file_holds_the_pages_figures(tenant_a, alice):
    company = tenant_a.company
    _paid_visit_today(company, 1000)
    Record.objects.filter(company=company).update(status=RecordStatus.NO_SHOW)
    today = timezone.now().astimezone(company.tz).date()

    response = client_for(alice).get(
        _url(company, "visits", first=today.isoformat(), last=today.isoformat(), format="xlsx")
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Period", "Came", "No-shows")
    assert rows[-1][0] == "Total" and rows[-1][2] == 1
    assert rows[-1][5] == 100.0  # the no-show rate as the page shows it, a number


def test_a_share_is_rounded_alike_on_the_page_and_in_the_excel_file(tenant_a, alice):
    # given: one hour booked of a six-hour shift today, a fill rate of one sixth
    company = tenant_a.company
    service = make_service(company, "Стрижка")
    specialist = make_specialist(company, "Анна", [service])
    today = timezone.now().astimezone(company.tz).date()
    add_shift(specialist, company, today, "10:00", "16:00")
    make_record(company, None, specialist, service, datetime.datetime.combine(today, datetime.time(10), company.tz))
    browser = client_for(alice)

    # when: the owner reads it on the page and downloads it
    page = browser.get(_url(company, "fill-rate", preset="today")).content.decode()
    book = load_workbook(io.BytesIO(browser.get(_url(company, "fill-rate", preset="today", format="xlsx")).content))

    # then: both say 16.7 (the page once cut it to 16.6 while the file rounded it)
    assert "16.7\u00a0%" in page and "16.6\u00a0%" not in page
    rows = {row[0]: row for row in book.worksheets[0].iter_rows(values_only=True)}
    assert rows["Анна"][3] == 16.7


def test_a_specialist_may_not_open_the_analytics_section(tenant_a, sam):
    browser = client_for(sam)

    assert browser.get(_url(tenant_a.company)).status_code == 403
    assert browser.get(_url(tenant_a.company, "visits")).status_code == 403


def test_a_period_backwards_is_a_message_not_a_500(tenant_a, alice):
    page = client_for(alice).get(_url(tenant_a.company, "visits", first="2026-05-10", last="2026-05-01"))

    assert page.status_code == 200
    assert page.context["result"] is None
    assert "The period ends before it begins." in page.content.decode()


def test_garbage_in_the_filters_is_a_message(tenant_a, alice):
    page = client_for(alice).get(_url(tenant_a.company, "visits", first="yesterday", specialist="x"))

    assert page.status_code == 200
    assert page.context["result"] is None
    assert 'data-testid="report-errors"' in page.content.decode()


def test_another_networks_specialist_is_not_a_choice(tenant_a, tenant_b, alice):
    with_scope = Specialist.unscoped.create(chain=tenant_b.chain, name="Чужой")

    page = client_for(alice).get(_url(tenant_a.company, "visits", specialist=with_scope.pk))

    assert page.context["result"] is None
    assert "specialist" in page.context["form"].errors


def test_the_whole_network_is_only_for_those_who_see_every_branch(tenant_a, alice):
    manager = add_member(tenant_a, "branch-manager@example.com", "manager")
    today = datetime.date.today().isoformat()

    owner_page = client_for(alice).get(_url(tenant_a.company, "visits", scope="network", first=today, last=today))
    manager_page = client_for(manager).get(_url(tenant_a.company, "visits", scope="network", first=today, last=today))

    assert len(owner_page.context["filters"].companies) == 2
    assert manager_page.context["result"] is None
    assert "scope" in manager_page.context["form"].errors


def test_a_quick_period_fills_the_dates(tenant_a, alice):
    company = tenant_a.company
    today = timezone.now().astimezone(company.tz).date()

    page = client_for(alice).get(_url(company, "visits", preset="year"))

    assert page.context["filters"].period.first == today.replace(month=1, day=1)
    assert page.context["filters"].period.last == today


def test_an_unknown_report_is_not_found(tenant_a, alice):
    assert client_for(alice).get(_url(tenant_a.company, "no-such-report")).status_code == 404
