"""The visits group of the analytics section as the owner uses it: booking sources with their
conversion and online channels, cancellations and no-shows with reasons, and the branch
comparison — who may open it, how it sorts, its network line, its Excel file, its query count."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.reports.cancellations import Cancellations
from frontdesk.analytics.reports.sources import BookingSources
from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.booking.models import BookingSource, Channel
from frontdesk.scheduling.models import (
    CancelledBy,
    CancelReason,
    Record,
    RecordSource,
    RecordStatus,
    Visit,
)
from frontdesk.scheduling.services import cancel_record, set_record_status
from frontdesk.scheduling.tests.factories import make_specialist
from frontdesk.tenancy.models import Company
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The reports are built outside a request here; read their words in English."""
    with translation.override("en"):
        yield


DAY = datetime.date(2026, 3, 10)


def _record(company, specialist, hour, source=RecordSource.ADMIN, day=DAY):
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=company.tz)
    end = start + datetime.timedelta(hours=1)
    common = {"company": company, "chain": company.chain}
    visit = Visit.objects.create(**common)
    record = Record.objects.create(
        visit=visit,
        specialist=specialist,
        start=start,
        end=end,
        block_start=start,
        block_end=end,
        source=source,
        **common,
    )
    return record


def _filters(companies, first=DAY, last=DAY):
    companies = tuple(companies)
    return Filters(companies=companies, period=Period(first, last), chain=companies[0].chain)


@pytest.fixture
def day_of_records(tenant_a):
    """Branch A1 on DAY: Анна has four records, Борис three — some online, cancelled, no-shows."""
    company = tenant_a.company
    anna = make_specialist(company, "Анна")
    boris = make_specialist(company, "Борис")
    online = _record(company, anna, 10, RecordSource.ONLINE)
    BookingSource.objects.create(
        chain=company.chain, visit=online.visit, channel=Channel.WIDGET, utm_source="vk", utm_campaign="spring"
    )
    online.status = RecordStatus.COMPLETED
    online.save()
    cancel_record(
        _record(company, anna, 11, RecordSource.ONLINE), reason=CancelReason.CLIENT_ASKED, by=CancelledBy.CLIENT
    )
    set_record_status(_record(company, anna, 12), RecordStatus.NO_SHOW)
    _record(company, anna, 13, RecordSource.PHONE)
    ill = cancel_record(_record(company, boris, 10), reason=CancelReason.SPECIALIST_ILL, comment="грипп")
    Record.objects.filter(pk=ill.pk).update(cancelled_at=ill.start - datetime.timedelta(hours=30))
    cancel_record(_record(company, boris, 11), reason=CancelReason.SPECIALIST_ILL)
    done = _record(company, boris, 12, RecordSource.PHONE)
    done.status = RecordStatus.ARRIVED
    done.save()
    return company, anna, boris


def test_booking_sources_show_how_many_of_each_source_came(day_of_records):
    company = day_of_records[0]

    result = BookingSources().build(_filters([company]))

    rows = dict(zip(result.tables[0].keys, result.tables[0].rows, strict=True))
    # records, came, no-shows, cancelled, to come, then the shares of came / no-shows / cancelled
    assert rows[RecordSource.ONLINE][1:9] == [2, 1, 0, 1, 0, 0.5, 0, 0.5]
    assert rows[RecordSource.ADMIN][1:6] == [3, 0, 1, 2, 0]
    assert rows[RecordSource.PHONE][1:6] == [2, 1, 0, 0, 1]
    assert result.tables[0].totals[1] == 7
    channels = result.tables[2]
    assert channels.rows == [["Widget on the site", "vk", "spring", 1, 1, 0, 0, 0, 1.0, 0.0, 0.0]]


def test_the_cancellations_report_counts_reasons_who_when_and_no_shows(day_of_records):
    company, anna, boris = day_of_records

    result = Cancellations().build(_filters([company]))

    reasons = dict(zip(result.tables[0].keys, result.tables[0].rows, strict=True))
    assert reasons[CancelReason.SPECIALIST_ILL][:2] == ["The specialist is ill", 2]
    assert reasons[CancelReason.CLIENT_ASKED][1] == 1 and reasons[CancelReason.NO_SHOW][1] == 1
    assert result.tables[0].rows[0][0] == "The specialist is ill"  # the most frequent first
    who = dict(zip(result.tables[1].keys, result.tables[1].rows, strict=True))
    assert who[CancelledBy.CLIENT][1] == 1 and who[CancelledBy.SALON][1] == 2
    assert who["lead_3d"][1] == 1  # cancelled 30 hours before the start
    by_specialist = dict(zip(result.tables[2].keys, result.tables[2].rows, strict=True))
    assert by_specialist[anna.pk][1:5] == [4, 1, 1, 1] and by_specialist[anna.pk][6] == 0.5
    assert by_specialist[boris.pk][1:5] == [3, 1, 2, 0] and by_specialist[boris.pk][6] == 0
    assert result.chart.kind == "doughnut" and sum(result.chart.series[0].values) == 4


def test_the_cancellations_page_and_its_excel_file(day_of_records, alice):
    company = day_of_records[0]
    url = reverse("analytics:report", args=[company.pk, "cancellations"]) + f"?first={DAY}&last={DAY}"

    page = client_for(alice).get(url)
    workbook = load_workbook(io.BytesIO(client_for(alice).get(url + "&format=xlsx").content))

    assert page.status_code == 200
    html = page.content.decode()
    assert "The specialist is ill" in html and 'id="report-chart"' in html
    assert workbook.sheetnames[:2] == ["By reason", "Who cancelled, and when"]
    assert ("The specialist is ill", 2, 50.0) in list(workbook["By reason"].iter_rows(values_only=True))


@pytest.mark.parametrize("report", [BookingSources, Cancellations])
def test_a_report_reads_a_fixed_number_of_queries_for_any_number_of_branches(tenant_a, report):
    small = _filters(tenant_a.companies[:1])
    for company in tenant_a.companies:
        specialist = make_specialist(company, "Мастер")
        for hour in range(9, 15):
            cancel_record(_record(company, specialist, hour), reason=CancelReason.DUPLICATE)
    more = [*tenant_a.companies, Company.objects.create(chain=tenant_a.chain, name="C", timezone="Asia/Omsk")]

    with CaptureQueriesContext(connection) as one:
        report().build(small)
    with CaptureQueriesContext(connection) as network:
        report().build(_filters(more))

    # Sources: one query per time zone of the branches (and one for the channels).
    extra_zone = 1 if report is BookingSources else 0
    assert len(network) == len(one) + extra_zone


# -- the branch comparison ---------------------------------------------------------------------


def _branches_url(company, **params):
    url = reverse("analytics:branches", args=[company.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.fixture
def two_paid_branches(tenant_a):
    first, second = tenant_a.companies[:2]
    _paid_visit_today(first, 1000)
    _paid_visit_today(second, 4000)
    _paid_visit_today(second, 2000)
    return first, second


def test_the_owner_compares_branches_sorted_by_revenue(two_paid_branches, alice):
    first, second = two_paid_branches
    today = timezone.now().astimezone(first.tz).date().isoformat()

    page = client_for(alice).get(_branches_url(first, first=today, last=today, sort="-revenue"))

    assert page.status_code == 200
    table = page.context["table"]
    assert table.keys == [second.pk, first.pk]
    revenue = [row[1] for row in table.rows]
    assert revenue == sorted(revenue, reverse=True) and revenue[0] == 6000
    assert table.totals[0] == "The whole network" and table.totals[1] == 7000
    assert table.totals[2] == 3  # checks
    html = page.content.decode()
    assert 'aria-sort="descending"' in html and "sort=revenue" in html  # the next click: smallest first


def test_sorting_the_other_way_and_by_a_name_and_an_unknown_column(two_paid_branches, alice):
    first, second = two_paid_branches
    today = timezone.now().astimezone(first.tz).date().isoformat()
    browser = client_for(alice)

    ascending = browser.get(_branches_url(first, first=today, last=today, sort="revenue")).context["table"]
    named = browser.get(_branches_url(first, first=today, last=today, sort="-branch")).context["table"]
    unknown = browser.get(_branches_url(first, first=today, last=today, sort="password"))

    assert ascending.keys == [first.pk, second.pk]
    assert named.keys == sorted(named.keys, key=lambda pk: Company.objects.get(pk=pk).name, reverse=True)
    assert unknown.status_code == 200 and unknown.context["sort"] == ""


def test_the_branch_comparison_as_an_excel_file(two_paid_branches, alice):
    first, _second = two_paid_branches
    today = timezone.now().astimezone(first.tz).date().isoformat()

    response = client_for(alice).get(_branches_url(first, first=today, last=today, sort="-revenue", format="xlsx"))

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Branch", "Revenue", "Checks")
    assert [row[1] for row in rows[1:]] == [6000, 1000, 7000]
    assert rows[-1][0] == "The whole network"


def test_only_those_who_see_every_branch_may_compare_branches(tenant_a, amy, alice):
    company = tenant_a.company

    assert client_for(amy).get(_branches_url(company)).status_code == 403
    assert 'data-testid="branches-link"' not in client_for(amy).get(reverse("analytics:index", args=[company.pk])).text
    assert 'data-testid="branches-link"' in client_for(alice).get(reverse("analytics:index", args=[company.pk])).text
    dashboard = client_for(alice).get(reverse("tenancy:dashboard", args=[company.pk])).text
    assert 'data-testid="overview-branches-link"' in dashboard


def test_a_bad_period_is_a_message_not_a_500(tenant_a, alice):
    page = client_for(alice).get(_branches_url(tenant_a.company, first="2026-05-10", last="2026-05-01"))

    assert page.status_code == 200 and page.context["table"] is None
    assert "The period ends before it begins." in page.text


def test_the_comparison_reads_the_same_number_of_queries_for_two_branches_or_five(tenant_a, alice):
    company = tenant_a.company
    browser = client_for(alice)
    url = _branches_url(company, preset="month")
    browser.get(url)  # the session and the caches are warm

    with CaptureQueriesContext(connection) as two:
        browser.get(url)
    for n in range(3):
        branch = Company.objects.create(chain=tenant_a.chain, name=f"Филиал {n}", timezone="Asia/Omsk")
        _paid_visit_today(branch, 500)
    browser.get(url)  # the first read recomputes the days the visits made stale (analytics.facts)
    with CaptureQueriesContext(connection) as five:
        browser.get(url)

    assert len(five) == len(two)
