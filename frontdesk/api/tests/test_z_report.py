"""YCLIENTS' Z-report: a day's sales by client and specialist, how they were paid, the totals and
the money per cash desk — the finance cash report's figures."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.analytics.tests.test_overview import _book
from frontdesk.api.tests.conftest import ApiClient, make_salon, user_token
from frontdesk.clients.models import Client
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.reports import cash_report
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk
from frontdesk.scheduling.tests.factories import make_specialist

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def _at(company, hour):
    return datetime.datetime.combine(DAY, datetime.time(hour), tzinfo=company.tz)


@pytest.fixture
def day(tenant_a, alice):
    """Anna's visit paid in cash with a 200 discount, Boris's paid by card."""
    salon = make_salon(tenant_a, days=0)
    company, anna, service = salon.company, salon.specialist, salon.service
    boris = make_specialist(company, "Борис", [service])
    desk, bank = make_cash_desk(company), make_bank_account(company)
    ivan = Client.objects.create(chain=tenant_a.chain, name="Иван", phone="+79005550020", email="ivan@example.com")
    first = _book(company, anna, service, _at(company, 10), ivan)
    checkout_visit(
        first.visit,
        prices={first.lines.get().pk: 2000},
        discount=200,
        payments=[Payment(desk, PaymentMethod.CASH, Decimal("1800"))],
        occurred_at=_at(company, 11),
    )
    second = _book(company, boris, service, _at(company, 12))
    checkout_visit(
        second.visit,
        prices={second.lines.get().pk: 1700},
        payments=[Payment(bank, PaymentMethod.CARD, Decimal("1700"))],
        occurred_at=_at(company, 13),
    )
    api = ApiClient(salon.partner, user_token(salon, alice))
    return {"salon": salon, "company": company, "anna": anna, "boris": boris, "first": first, "api": api, "desk": desk}


def _report(day, **params):
    response = day["api"].get(f"/api/v1/reports/z_report/{day['company'].pk}", start_date=DAY.isoformat(), **params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_the_z_report_lists_the_days_sales_by_client_and_specialist(day):
    data = _report(day)

    assert data["stats"]["clients"] == 1 and data["stats"]["records"] == 2
    assert data["stats"]["visit_records"] == 1 and data["stats"]["non_visit_records"] == 1
    assert data["stats"]["targets"] == 2 and data["stats"]["targets_paid"] == 3500
    first_start = int(day["first"].start.timestamp())
    assert list(data["z_data"]) == [str(first_start), str(first_start + 2 * 3600)]
    ivan = data["z_data"][str(first_start)][0]
    assert (ivan["client_name"], ivan["client_email"]) == ("Иван", "ivan@example.com")
    master = ivan["masters"][0]
    assert (master["master_id"], master["master_name"]) == (day["anna"].pk, "Анна")
    assert master["service"] == [
        {
            "item_title": "API cut",
            "first_cost": 2000.0,
            "discount": 200.0,
            "result_cost": 1800.0,
            "transactions": [{"accounts_amount": 1800.0, "loyalty_amount": 0.0, "payment_type": "Cash"}],
        }
    ]


def test_the_money_per_cash_desk_is_the_cash_reports(day):
    data = _report(day)
    report = cash_report([day["company"]], DAY, day["company"].tz)

    assert data["paids"]["accounts"] == [
        {"title": a.account.title, "amount": int(a.total_in + a.total_out)}
        for a in report.accounts
        if a.total_in or a.total_out
    ]
    assert data["paids"]["total"] == {"accounts": 3500.0, "discount": 0.0}
    assert data["currency"] == "₽"


def test_one_specialists_z_report_shows_only_their_sales(day):
    data = _report(day, master_id=day["boris"].pk)

    assert data["stats"]["targets_paid"] == 1700 and data["stats"]["clients"] == 0
    masters = [m["master_name"] for rows in data["z_data"].values() for row in rows for m in row["masters"]]
    assert masters == ["Борис"]


def test_a_day_without_sales_is_an_empty_report(day):
    response = day["api"].get(f"/api/v1/reports/z_report/{day['company'].pk}", start_date="2026-03-11")
    data = response.json()["data"]
    assert data["z_data"] == {} and data["stats"]["clients"] == 0 and data["paids"]["accounts"] == []


@pytest.mark.parametrize(
    "params,field", [({"start_date": "2026-02-30"}, "start_date"), ({"master_id": "x"}, "master_id")]
)
def test_a_bad_date_or_specialist_gets_the_apis_error_body(day, params, field):
    response = day["api"].get(f"/api/v1/reports/z_report/{day['company'].pk}", **params)
    assert response.status_code == 422
    assert response.json()["success"] is False and field in response.json()["meta"]["errors"][0]


def test_a_member_without_finance_gets_403(day, sam):
    specialist = ApiClient(day["salon"].partner, user_token(day["salon"], sam))
    assert specialist.get(f"/api/v1/reports/z_report/{day['company'].pk}").status_code == 403


def test_the_z_report_takes_a_fixed_number_of_queries(day):
    company = day["company"]
    _report(day)
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            _report(day)
        counts.append(len(queries))
        for hour in (15, 16, 17):
            record = _book(company, day["boris"], day["salon"].service, _at(company, hour))
            checkout_visit(
                record.visit,
                payments=[Payment(day["desk"], PaymentMethod.CASH, Decimal("1500"))],
                occurred_at=_at(company, hour),
            )
    assert counts[0] == counts[1]
