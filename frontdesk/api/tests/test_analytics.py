"""YCLIENTS' analytics operations: the main figures of a period against the one before, their
daily charts and structures, the loyalty programmes' client return. Every figure must equal the
overview's selectors on the same data; the filters, the rights and bad input behave as the rest
of the API."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.analytics import overview, returning
from frontdesk.analytics.overview import Period
from frontdesk.analytics.tests.test_overview import _book
from frontdesk.api.tests.conftest import ApiClient, make_salon, user_token
from frontdesk.clients.models import Client
from frontdesk.finance.checkout import checkout_visit, refund_sale
from frontdesk.finance.models import PaymentMethod, Transaction
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk
from frontdesk.scheduling.models import RecordSource, RecordStatus
from frontdesk.scheduling.tests.factories import add_shift, make_specialist

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2026, 3, 9)  # a Monday; the period is that week
LAST = FIRST + datetime.timedelta(days=6)
PERIOD = Period(FIRST, LAST)
OVERALL = "/api/v1/company/{}/analytics/overall/"
CHARTS = "/api/v1/company/{}/analytics/overall/charts/{}/"


def _at(company, day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=company.tz)


def _paid(company, desk, record, amount, method=PaymentMethod.CASH):
    checkout_visit(
        record.visit,
        prices={record.lines.get().pk: amount},
        payments=[Payment(desk, method, Decimal(amount))],
        occurred_at=record.start + datetime.timedelta(hours=1),
    )
    return record.visit.sale


@pytest.fixture
def week(tenant_a, alice):
    """A week of a branch with two specialists: paid visits of a new and a returning client, a
    no-show, a cancellation, an online booking still to come, a refund; and the week before."""
    salon = make_salon(tenant_a, days=0)
    company, anna, service = salon.company, salon.specialist, salon.service
    boris = make_specialist(company, "Борис", [service])
    desk, bank = make_cash_desk(company), make_bank_account(company)
    chain = tenant_a.chain
    regular = Client.objects.create(chain=chain, name="Постоянная", phone="+79005550010")
    newcomer = Client.objects.create(chain=chain, name="Новая", phone="+79005550011")
    other = Client.objects.create(chain=chain, name="Другая", phone="+79005550012")
    for n in range(14):
        day = FIRST - datetime.timedelta(days=7) + datetime.timedelta(days=n)
        add_shift(anna, company, day, "10:00", "18:00")
        if n % 2:
            add_shift(boris, company, day, "10:00", "14:00")
    before = _book(company, anna, service, _at(company, FIRST - datetime.timedelta(days=3), 11), regular)
    _paid(company, desk, before, 1500)
    sales = [
        _paid(company, desk, _book(company, anna, service, _at(company, FIRST, 10), regular), 2000),
        _paid(
            company,
            bank,
            _book(company, anna, service, _at(company, FIRST + datetime.timedelta(1), 12), newcomer),
            1800,
            PaymentMethod.CARD,
        ),
        _paid(
            company, desk, _book(company, boris, service, _at(company, FIRST + datetime.timedelta(2), 10), other), 1700
        ),
    ]
    refund_sale(sales[0], Decimal("500"))
    Transaction.objects.filter(amount__lt=0).update(occurred_at=_at(company, FIRST + datetime.timedelta(3), 9))
    _book(company, anna, service, _at(company, FIRST + datetime.timedelta(3), 15), other, RecordStatus.NO_SHOW)
    _book(company, boris, service, _at(company, FIRST + datetime.timedelta(4), 15), newcomer, RecordStatus.CANCELLED)
    upcoming = _book(company, anna, service, _at(company, LAST, 16), newcomer)
    upcoming.source = RecordSource.ONLINE
    upcoming.save(update_fields=["source"])
    return {
        "salon": salon,
        "company": company,
        "anna": anna,
        "boris": boris,
        "api": ApiClient(salon.partner, user_token(salon, alice)),
    }


def _get(week, path, **params):
    response = week["api"].get(path, **params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def _range(**extra):
    return {"date_from": FIRST.isoformat(), "date_to": LAST.isoformat(), **extra}


def test_the_main_figures_are_the_overviews_for_the_period_and_the_one_before(week):
    company = week["company"]
    data = _get(week, OVERALL.format(company.pk), **_range())

    now, before = overview.revenue([company], PERIOD), overview.revenue([company], PERIOD.previous())
    assert data["income_total_stats"]["current_sum"] == str(now.revenue) == "5000.00"
    assert data["income_total_stats"]["previous_sum"] == str(before.revenue) == "1500.00"
    assert data["income_total_stats"]["change_percent"] == 233
    assert data["income_total_stats"]["currency"]["iso"] == "RUB"
    assert data["income_services_stats"]["current_sum"] == "5000.00"
    assert data["income_goods_stats"] == {**data["income_goods_stats"], "current_sum": "0.00", "change_percent": 0}
    assert data["income_average_stats"]["current_sum"] == str(now.average_check) == "1666.67"
    visits = overview.visits_by_status([company], PERIOD)
    assert data["record_stats"]["current_completed_count"] == visits["came"] == 3
    assert data["record_stats"]["current_pending_count"] == visits["upcoming"] == 1
    assert data["record_stats"]["current_canceled_count"] == visits["no_show"] + visits["cancelled"] == 2
    assert data["record_stats"]["current_total_count"] == 6
    assert data["record_stats"]["current_completed_percent"] == 50
    assert data["record_stats"]["previous_total_count"] == 1 and data["record_stats"]["change_percent"] == 500
    clients = overview.clients([company], PERIOD)
    assert (data["client_stats"]["new_count"], data["client_stats"]["return_count"]) == (clients.new, clients.returning)
    assert (clients.new, clients.returning) == (2, 1)
    assert data["client_stats"]["active_count"] == 3 and data["client_stats"]["new_percent"] == 67
    assert data["client_stats"]["total_count"] == Client.objects.filter(chain=company.chain).count()
    fill = overview.fill_rate([company], PERIOD)
    assert data["fullness_stats"]["current_percent"] == float(fill.rate * 100)
    assert data["fullness_stats"]["previous_percent"] == float(
        overview.fill_rate([company], PERIOD.previous()).rate * 100
    )


def test_a_specialists_figures_are_the_overviews_with_that_specialist(week):
    company, boris = week["company"], week["boris"]
    data = _get(week, OVERALL.format(company.pk), **_range(staff_id=f"{boris.pk}.0"))

    assert data["income_total_stats"]["current_sum"] == str(
        overview.revenue([company], PERIOD, specialist=boris.pk).revenue
    )
    assert data["income_total_stats"]["current_sum"] == "1700.00"
    assert data["record_stats"]["current_completed_count"] == 1 and data["record_stats"]["current_canceled_count"] == 1
    fill = overview.fill_rate([company], PERIOD, specialist=boris.pk)
    assert fill.scheduled_minutes == 4 * 240 and data["fullness_stats"]["current_percent"] == float(fill.rate * 100)


def test_the_daily_charts_add_up_to_the_periods_figures(week):
    company = week["company"]
    income = _get(week, CHARTS.format(company.pk, "income_daily"), **_range())
    records = _get(week, CHARTS.format(company.pk, "records_daily"), **_range())
    fullness = _get(week, CHARTS.format(company.pk, "fullness_daily"), **_range())

    assert [row["label"] for row in income] == ["Revenue"]
    stamps = [point[0] for point in income[0]["data"]]
    assert stamps[0] == int(datetime.datetime(2026, 3, 9, tzinfo=datetime.UTC).timestamp()) and len(stamps) == 7
    assert [point[1] for point in income[0]["data"]] == [2000, 1800, 1700, -500, 0, 0, 0]
    assert sum(point[1] for point in records[0]["data"]) == 6
    assert fullness[0]["data"][0][1] == 8  # 60 booked of 720 scheduled minutes (Anna's 8 hours, Boris's 4)


def test_the_structures_by_source_and_status_count_the_periods_records(week):
    company = week["company"]
    sources = _get(week, CHARTS.format(company.pk, "record_source"), **_range())
    statuses = _get(week, CHARTS.format(company.pk, "record_status"), **_range())

    assert {row["label"]: row["data"] for row in sources} == {
        "Administrator": 5,
        "Online booking": 1,
        "Widget": 0,
        "API": 0,
        "Phone call": 0,
    }
    assert {row["label"]: row["data"] for row in statuses} == {
        "Came": 3,
        "Still to come": 1,
        "No-shows": 1,
        "Cancelled": 1,
    }


def test_client_return_counts_new_and_old_clients_and_who_came_back(week):
    company = week["company"]
    path = f"/api/v1/company/{company.pk}/analytics/loyalty_programs/"
    visits = _get(week, path + "visits", **_range())
    income = _get(week, path + "income/", **_range())
    staff = _get(week, path + "staff/", **_range())

    assert visits["client_stats"]["new"]["all_count"] == 2 and visits["client_stats"]["old"]["all_count"] == 1
    assert visits["client_stats"]["total"]["returned_count"] == 0
    assert visits["visits_stats_by_day"][0] == {"date": "2026-03-09", "new_count": 0, "old_count": 1}
    assert visits["visits_stats_by_day"][1] == {"date": "2026-03-10", "new_count": 1, "old_count": 0}
    assert income["income_stats"]["total"]["all_sum"] == 5000
    assert income["income_stats"]["old"]["all_sum"] == 1500 and income["income_stats"]["new"]["all_sum"] == 3500
    assert [(row["staff"]["name"], row["client_stats"]["all_count"]) for row in staff] == [("Анна", 2), ("Борис", 1)]


def test_a_client_who_came_again_later_has_returned(week, tenant_a):
    company, anna = week["company"], week["anna"]
    newcomer = Client.objects.get(chain=tenant_a.chain, name="Новая")
    later = _book(company, anna, week["salon"].service, _at(company, LAST + datetime.timedelta(days=2), 10), newcomer)
    checkout_visit(later.visit)
    path = f"/api/v1/company/{company.pk}/analytics/loyalty_programs/"

    visits = _get(week, path + "visits", **_range())
    staff = _get(week, path + "staff/", **_range())
    assert visits["client_stats"]["new"]["returned_count"] == 1
    assert visits["client_stats"]["new"]["returned_percent"] == 50.0
    anna_row = next(row for row in staff if row["staff"]["id"] == anna.pk)
    assert anna_row["client_stats"]["returned_count"] == 1


def test_without_dates_the_figures_are_this_months_so_far(week):
    data = _get(week, OVERALL.format(week["company"].pk))
    assert set(data) >= {"income_total_stats", "record_stats", "client_stats", "fullness_stats"}


@pytest.mark.parametrize(
    "params,field",
    [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to"),
        ({"date_from": "2024-01-01", "date_to": "2026-03-01"}, "date_to"),
        ({"staff_id": "abc"}, "staff_id"),
    ],
)
def test_bad_dates_and_filters_get_the_apis_error_body(week, params, field):
    for path in (OVERALL.format(week["company"].pk), CHARTS.format(week["company"].pk, "income_daily")):
        response = week["api"].get(path, **params)
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["success"] is False and field in body["meta"]["errors"][0]


def test_another_networks_specialist_is_refused(week, tenant_b):
    b = make_salon(tenant_b, days=0)
    response = week["api"].get(OVERALL.format(week["company"].pk), **_range(staff_id=b.specialist.pk))
    assert response.status_code == 422 and response.json()["meta"]["errors"] == [
        {"staff_id": "No such specialist in this branch."}
    ]


def test_a_member_without_analytics_gets_403_and_a_partner_token_alone_401(week, sam):
    path = OVERALL.format(week["company"].pk)
    specialist = ApiClient(week["salon"].partner, user_token(week["salon"], sam))
    assert specialist.get(path).status_code == 403
    assert specialist.get(path).json()["meta"]["message"] == "You have no access to this section."
    assert ApiClient(week["salon"].partner).get(path).status_code == 401


def test_an_administrator_may_read_the_figures(week, amy):
    administrator = ApiClient(week["salon"].partner, user_token(week["salon"], amy))
    assert administrator.get(OVERALL.format(week["company"].pk), **_range()).status_code == 200


def test_the_figures_take_a_fixed_number_of_queries_whatever_the_data(week):
    company = week["company"]
    _get(week, OVERALL.format(company.pk), **_range())  # the tokens' "last used" is written once
    counts = []
    for _round in range(2):
        # The first read after a change recomputes the days it made stale (analytics.facts): the
        # change's one-off cost; the budget is a warm read's.
        _get(week, OVERALL.format(company.pk), **_range())
        with CaptureQueriesContext(connection) as queries:
            _get(week, OVERALL.format(company.pk), **_range())
            _get(week, CHARTS.format(company.pk, "income_daily"), **_range())
            _get(week, f"/api/v1/company/{company.pk}/analytics/loyalty_programs/staff/", **_range())
        counts.append(len(queries))
        for n in range(5):
            record = _book(
                company, week["boris"], week["salon"].service, _at(company, FIRST + datetime.timedelta(n), 16)
            )
            checkout_visit(record.visit)
    assert counts[0] == counts[1]


def test_client_base_counts_the_clients_lost_during_the_period(week, tenant_a):
    base = returning.client_base(tenant_a.chain, PERIOD, week["company"].timezone)
    assert base.total == 3 and base.lost == 0
