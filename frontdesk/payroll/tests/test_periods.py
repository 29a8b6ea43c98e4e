"""Closing a period: its lines never change; later changes to its days arrive as adjustments in
the next period, once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.finance.checkout import pay_sale, refund_sale
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.payroll.calculation import calculate
from frontdesk.payroll.errors import PayrollError
from frontdesk.payroll.explain import explain
from frontdesk.payroll.models import Line, LineKind, Period
from frontdesk.payroll.services import close_period
from frontdesk.payroll.tests.factories import desk_of, employee, scheme, service, sold
from frontdesk.scheduling.models import Record

pytestmark = pytest.mark.django_db

OCT, OCT_END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
NOV, NOV_END = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
DAY = datetime.date(2026, 10, 12)


@pytest.fixture
def closed_october(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("40")))
    sale = sold(company, anna, service(company, "Окрашивание", 4000), DAY)
    period = close_period(company, OCT, OCT_END, user=tenant_a.owner)
    return company, anna, sale, period


def test_a_closed_period_shows_the_lines_it_stored(closed_october):
    company, anna, _sale, period = closed_october
    payroll = calculate(company, OCT, OCT_END)
    assert payroll.period == period
    assert [(line.kind, line.amount) for line in payroll.lines] == [(LineKind.SERVICE, Decimal("1600.00"))]


def test_a_refund_after_closing_reverses_exactly_in_the_next_period_and_the_closed_one_stays(closed_october):
    company, anna, sale, _period = closed_october
    refund_sale(sale, "1000")
    assert [line.amount for line in calculate(company, OCT, OCT_END).lines] == [Decimal("1600.00")]
    [adjustment] = calculate(company, NOV, NOV_END).lines
    assert (adjustment.kind, adjustment.amount, adjustment.date) == (LineKind.ADJUSTMENT, Decimal("-400.00"), NOV)
    with translation.override("en"):
        assert explain(adjustment, "₽") == (
            "Adjustment: Окрашивание, 12 October was paid 1,600.00\xa0₽, now 1,200.00\xa0₽: -400.00\xa0₽"
        )


def test_an_adjustment_is_stored_once_when_the_next_period_closes(closed_october):
    company, anna, sale, _period = closed_october
    refund_sale(sale)
    close_period(company, NOV, NOV_END)
    assert Line.objects.filter(kind=LineKind.ADJUSTMENT).get().amount == Decimal("-1600.00")
    december = calculate(company, datetime.date(2026, 12, 1), datetime.date(2026, 12, 1))
    assert december.lines == []


def test_a_debt_paid_after_closing_arrives_as_an_adjustment(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("10")))
    sale = sold(company, anna, service(company, price=3000), DAY, paid=1000)
    close_period(company, OCT, OCT_END)
    pay_sale(sale, [Payment(desk_of(company), PaymentMethod.CASH, Decimal("2000"))])
    assert [line.amount for line in calculate(company, NOV, NOV_END).lines] == [Decimal("200.00")]


def test_a_record_given_to_another_specialist_after_closing_moves_the_pay(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("40")))
    maria = employee(company, "Мария", scheme(tenant_a.chain, "20 %", service_percent=Decimal("20")))
    sale = sold(company, anna, service(company, "Окрашивание", 4000), DAY)
    close_period(company, OCT, OCT_END)
    record = Record.objects.get(visit=sale.visit)
    record.specialist = maria
    record.save()
    lines = {line.specialist_id: line.amount for line in calculate(company, NOV, NOV_END).lines}
    assert lines == {anna.pk: Decimal("-1600.00"), maria.pk: Decimal("800.00")}


def test_closing_refuses_gaps_overlaps_and_days_to_come(closed_october):
    company = closed_october[0]
    with pytest.raises(PayrollError) as gap:
        close_period(company, datetime.date(2026, 11, 2), NOV_END)
    assert gap.value.payroll_code == "period_start"
    with pytest.raises(PayrollError) as again:
        close_period(company, OCT, OCT_END)
    assert again.value.payroll_code == "period_closed"
    with pytest.raises(PayrollError) as future:
        close_period(company, NOV, datetime.date(2099, 1, 31))
    assert future.value.payroll_code == "period_future"
    assert Period.objects.count() == 1


def test_dates_cutting_into_a_closed_period_are_refused_with_a_translated_message(closed_october):
    company = closed_october[0]
    with translation.override("en"), pytest.raises(PayrollError) as refused:
        calculate(company, datetime.date(2026, 10, 15), datetime.date(2026, 11, 15))
    with translation.override("en"):
        assert "overlap the closed period 2026-10-01 – 2026-10-31" in refused.value.text
