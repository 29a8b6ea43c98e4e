"""The overview's figures at their edges (the first visit at midnight, a refund of an earlier
period's sale, periods a year back) and their query budgets, which do not grow with the data or
with the number of branches and time zones."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.analytics import overview
from frontdesk.analytics.overview import Period
from frontdesk.clients.models import Client
from frontdesk.finance.checkout import checkout_visit, refund_sale
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def _book(company, specialist, service, start, client=None, status=RecordStatus.BOOKED):
    common = {"company": company, "chain": company.chain}
    visit = Visit.objects.create(client=client, **common)
    end = start + datetime.timedelta(hours=1)
    record = Record.objects.create(
        visit=visit,
        client=client,
        specialist=specialist,
        start=start,
        end=end,
        block_start=start,
        block_end=end,
        status=status,
        overbooked=True,
        **common,
    )
    RecordService.objects.create(
        chain=company.chain, record=record, service=service, start=start, duration=60, price=service.price_min
    )
    return record


@pytest.fixture
def branch(tenant_a):
    company = tenant_a.company
    company.timezone = "Asia/Yekaterinburg"  # UTC+5: its midnight is 19:00 UTC the day before
    company.save(update_fields=["timezone"])
    service = make_service(company, "Стрижка", price=2000)
    specialist = make_specialist(company, "Мастер", [service])
    return company, specialist, service


def _local(company, day, hour=0, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(company.timezone))


def test_a_client_whose_first_visit_is_at_the_periods_first_midnight_is_new(tenant_a, branch):
    company, specialist, service = branch
    newcomer = Client.objects.create(chain=tenant_a.chain, name="Новая", phone="+79005550001")
    regular = Client.objects.create(chain=tenant_a.chain, name="Постоянная", phone="+79005550002")
    _book(company, specialist, service, _local(company, DAY), newcomer, RecordStatus.COMPLETED)
    _book(company, specialist, service, _local(company, DAY, 23, 45) - datetime.timedelta(days=1), regular, "completed")
    _book(company, specialist, service, _local(company, DAY, 12), regular, RecordStatus.COMPLETED)

    assert overview.clients([company], Period(DAY, DAY)) == overview.Clients(new=1, returning=1)
    assert overview.clients([company], Period(DAY - datetime.timedelta(days=1), DAY)) == overview.Clients(
        new=2, returning=0
    )


def test_a_refund_of_last_weeks_sale_lowers_this_weeks_revenue_but_is_no_check(tenant_a, branch):
    company, specialist, service = branch
    desk = make_cash_desk(company)
    record = _book(company, specialist, service, _local(company, DAY, 10))
    checkout_visit(
        record.visit,
        payments=[Payment(desk, PaymentMethod.CASH, Decimal("2000"))],
        occurred_at=_local(company, DAY, 11),
    )
    refund_sale(record.visit.sale, Decimal("500"), occurred_at=_local(company, DAY + datetime.timedelta(days=7), 9))

    week = overview.revenue([company], Period(DAY + datetime.timedelta(days=7), DAY + datetime.timedelta(days=13)))
    assert week == overview.Revenue(revenue=Decimal("-500.00"), checks=0, average_check=None)
    assert overview.revenue([company], Period(DAY, DAY)) == overview.Revenue(Decimal("2000.00"), 1, Decimal("2000.00"))


def test_fill_rate_is_booked_minutes_over_the_shifts_minutes(branch):
    company, specialist, service = branch
    add_shift(specialist, company, DAY, "10:00", "14:00")
    _book(company, specialist, service, _local(company, DAY, 10))
    _book(company, specialist, service, _local(company, DAY, 12), status=RecordStatus.CANCELLED)

    assert overview.fill_rate([company], Period(DAY, DAY)) == overview.FillRate(60, 240, Decimal("0.2500"))


def test_periods_compare_with_the_days_right_before_and_a_year_back():
    march = Period(datetime.date(2028, 2, 1), datetime.date(2028, 2, 29))
    assert march.previous() == Period(datetime.date(2028, 1, 3), datetime.date(2028, 1, 31))
    assert march.year_before() == Period(datetime.date(2027, 2, 1), datetime.date(2027, 2, 28))
    assert overview.change(Decimal("150"), Decimal("100")) == Decimal("0.5000")
    assert overview.change(5, 0) is None


def test_the_overview_runs_a_fixed_number_of_queries_for_any_number_of_branches_and_zones(tenant_a, branch):
    company, specialist, service = branch
    other = tenant_a.companies[1]
    other.timezone = "America/New_York"
    other.save(update_fields=["timezone"])
    for day in range(5):
        _book(company, specialist, service, _local(company, DAY + datetime.timedelta(days=day), 10))
        add_shift(specialist, company, DAY + datetime.timedelta(days=day))
    now = _local(company, DAY, 15)
    period = Period(DAY, DAY + datetime.timedelta(days=6))
    for companies in ([company], tenant_a.companies):
        overview.compare(companies, period)  # the first read recomputes the days the bookings marked
        with CaptureQueriesContext(connection) as today_queries:
            overview.today(companies, now)
        with CaptureQueriesContext(connection) as compare_queries:
            overview.compare(companies, period)
        assert len(today_queries) == 2
        # A refresh check over the year, then per period: the money facts, the record facts, clients.
        assert len(compare_queries) == 10
