"""What a branch's payroll for some dates holds: each line traceable to what it pays for, in words."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.finance.checkout import refund_sale
from frontdesk.payroll.calculation import calculate
from frontdesk.payroll.explain import explain
from frontdesk.payroll.models import LineKind, SchemeRule
from frontdesk.payroll.services import assign_scheme
from frontdesk.payroll.tests.factories import check_out, employee, goods_sale, product, scheme, service, sold, visit
from frontdesk.scheduling.tests.factories import add_shift
from frontdesk.staff.models import Absence

pytestmark = pytest.mark.django_db

OCT = datetime.date(2026, 10, 1)
OCT_END = datetime.date(2026, 10, 31)
DAY = datetime.date(2026, 10, 12)


def month(company, **kw):
    return calculate(company, OCT, OCT_END, **kw)


def test_a_service_pays_its_percent_after_discount_and_says_so(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("40")))
    sold(company, anna, service(company, "Colouring", 5000), DAY, discount=500)
    payroll = month(company)
    [line] = payroll.lines
    assert (line.kind, line.base, line.amount) == (LineKind.SERVICE, Decimal("4500.00"), Decimal("1800.00"))
    with translation.override("en"):
        assert explain(line, "₽") == "Colouring, 12 October, 4,500.00\xa0₽ after discount × 40 % = 1,800.00\xa0₽"


def test_a_scheme_on_the_price_before_discount_ignores_the_discount(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("10"), basis="before"))
    sold(company, anna, service(company, price=5000), DAY, discount=1000)
    assert [line.amount for line in month(company).lines] == [Decimal("500.00")]


def test_a_services_own_rate_beats_its_categorys_which_beats_the_schemes(tenant_a):
    company, chain = tenant_a.company, tenant_a.chain
    plan = scheme(chain, service_percent=Decimal("30"))
    anna = employee(company, "Анна", plan)
    colouring, haircut = service(company, "Окрашивание", 4000), service(company, "Стрижка", 2000)
    SchemeRule.objects.create(chain=chain, scheme=plan, category=colouring.category, percent=Decimal("50"))
    SchemeRule.objects.create(chain=chain, scheme=plan, service=haircut, fixed=Decimal("700"))
    sold(company, anna, colouring, DAY)
    sold(company, anna, haircut, DAY, hour=12)
    amounts = sorted(line.amount for line in month(company).lines)
    # Colouring: its category's 50 %; the haircut: its own fixed 700; both in the same category.
    assert amounts == [Decimal("700.00"), Decimal("2000.00")]


def test_an_unpaid_visit_is_not_paid_for_and_a_partly_paid_one_pays_its_share(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("40")))
    colouring = service(company, price=4000)
    sold(company, anna, colouring, DAY, paid=0)
    sold(company, anna, colouring, DAY, paid=1000, hour=12)
    [line] = month(company).lines
    assert (line.base, line.amount) == (Decimal("1000.00"), Decimal("400.00"))


def test_a_refund_before_closing_lowers_the_line(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("40")))
    sale = sold(company, anna, service(company, price=4000), DAY)
    refund_sale(sale, "1000")
    assert [line.amount for line in month(company).lines] == [Decimal("1200.00")]
    refund_sale(sale)
    assert month(company).lines == []


def test_a_line_belongs_to_the_visits_local_date(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("10")))
    # 00:30 in Moscow on 1 November is still 31 October in UTC: the branch's date decides.
    booked = visit(company, anna, service(company, "Ночная", 1000), datetime.date(2026, 11, 1), hour=0, minute=30)
    check_out(company, booked)
    assert month(company).lines == []
    [line] = calculate(company, datetime.date(2026, 11, 1), datetime.date(2026, 11, 1)).lines
    assert line.date == datetime.date(2026, 11, 1)


def test_shifts_and_hours_come_from_the_schedule_and_absences_are_not_worked(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, per_shift=Decimal("1000"), per_hour=Decimal("150")))
    add_shift(anna, company, DAY, "10:00", "14:00")
    add_shift(anna, company, DAY, "15:00", "19:30")  # a break from 14 to 15
    add_shift(anna, company, DAY + datetime.timedelta(days=1), "10:00", "18:00")
    Absence.objects.create(
        chain=tenant_a.chain,
        specialist=anna,
        date_from=DAY + datetime.timedelta(days=1),
        date_to=DAY + datetime.timedelta(days=1),
    )
    lines = month(company).lines
    assert [(line.kind, line.amount) for line in lines] == [
        (LineKind.SHIFT, Decimal("1000.00")),
        (LineKind.HOURS, Decimal("1275.00")),
    ]
    with translation.override("en"):
        assert explain(lines[1], "₽") == "12 October: 8.5 h × 150.00\xa0₽ = 1,275.00\xa0₽"


def test_monthly_pay_is_prorated_by_the_days_the_scheme_covers_and_the_minimum_tops_up(tenant_a):
    company, chain = tenant_a.company, tenant_a.chain
    anna = employee(
        company,
        "Анна",
        scheme(chain, per_month=Decimal("31000"), minimum=Decimal("62000")),
        valid_from=datetime.date(2026, 10, 22),
    )
    lines = month(company).lines
    assert [(line.kind, line.amount) for line in lines] == [
        (LineKind.MONTHLY, Decimal("10000.00")),  # 10 of 31 days
        (LineKind.MINIMUM, Decimal("10000.00")),  # the minimum's 20,000 for those days, less 10,000 earned
    ]
    with translation.override("en"):
        assert "10 of 31 days" in explain(lines[0], "₽")
    assert sum(line.amount for line in month(company).lines if line.specialist_id == anna.pk) == Decimal("20000.00")


def test_the_scheme_of_each_date_applies_when_the_scheme_changes_mid_month(tenant_a):
    company, chain = tenant_a.company, tenant_a.chain
    anna = employee(
        company, "Анна", scheme(chain, "10 %", service_percent=Decimal("10")), valid_to=datetime.date(2026, 10, 15)
    )
    assign_scheme(company, anna, scheme(chain, "50 %", service_percent=Decimal("50")), datetime.date(2026, 10, 16))
    colouring = service(company, price=1000)
    sold(company, anna, colouring, datetime.date(2026, 10, 15))
    sold(company, anna, colouring, datetime.date(2026, 10, 16))
    assert [line.amount for line in month(company).lines] == [Decimal("100.00"), Decimal("500.00")]


def test_another_branchs_sales_and_an_unassigned_specialist_accrue_nothing(tenant_a):
    company, other = tenant_a.companies
    plan = scheme(tenant_a.chain, service_percent=Decimal("40"))
    anna = employee(company, "Анна", plan)
    anna.companies.add(other)
    nobody = employee(company, "Без схемы")
    sold(other, anna, service(other, price=1000), DAY)
    sold(company, nobody, service(company, price=1000), DAY)
    assert month(company).lines == []


def test_a_branchs_month_takes_the_same_queries_for_one_visit_or_many(tenant_a, django_assert_num_queries):
    company = tenant_a.company
    plan = scheme(
        tenant_a.chain,
        service_percent=Decimal("40"),
        goods_percent=Decimal("10"),
        per_shift=Decimal("500"),
        minimum=Decimal("1000"),
    )
    colouring = service(company, price=1000)
    shampoo = product(tenant_a.chain)
    first = employee(company, "Анна", plan)
    sold(company, first, colouring, DAY)
    add_shift(first, company, DAY)
    # periods, assignments, rates, service lines, goods lines, goods brought back, schedule, absences
    with django_assert_num_queries(8):
        small = month(company)
    for n in range(6):
        worker = employee(company, f"Мастер {n}", plan)
        add_shift(worker, company, DAY + datetime.timedelta(days=n))
        goods_sale(company, worker, shampoo, DAY + datetime.timedelta(days=n), quantity=2)
        for hour in (10, 12, 14):
            sold(company, worker, colouring, DAY + datetime.timedelta(days=n), hour=hour)
    with django_assert_num_queries(8):
        big = month(company)
    assert len(big.lines) > len(small.lines) * 5
