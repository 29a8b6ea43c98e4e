"""% of goods sold: a seller earns the scheme's % (or their goods category's) of the goods lines
they sold, after the sale's discount and minus what the client brought back; a return after the
period closed comes back as exactly the reversing adjustment in the next one."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.finance.checkout import CounterLine, checkout_visit, refund_sale
from frontdesk.finance.models import LineKind as SaleLineKind
from frontdesk.finance.models import PaymentMethod, Sale, SaleLine
from frontdesk.finance.services import Payment
from frontdesk.payroll.calculation import calculate
from frontdesk.payroll.explain import explain
from frontdesk.payroll.forms import RuleForm, SchemeForm
from frontdesk.payroll.models import Line, LineKind, SchemeRule, Touched
from frontdesk.payroll.services import close_period
from frontdesk.payroll.tests.factories import (
    desk_of,
    employee,
    goods_sale,
    product,
    scheme,
    service,
    visit,
)
from frontdesk.warehouse.models import GoodsCategory

pytestmark = pytest.mark.django_db

OCT, OCT_END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
NOV, NOV_END = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
DAY = datetime.date(2026, 10, 12)


def month(company, first=OCT, last=OCT_END):
    return calculate(company, first, last, today=last)


def test_a_seller_earns_the_percent_of_goods_and_the_line_says_so(tenant_a):
    company = tenant_a.company
    irina = employee(company, "Ирина", scheme(tenant_a.chain, goods_percent=Decimal("10")))
    goods_sale(company, irina, product(tenant_a.chain, "Shampoo", "900"), DAY, quantity=2)
    [line] = month(company).lines
    assert (line.kind, line.specialist_id, line.base, line.amount) == (
        LineKind.GOODS,
        irina.pk,
        Decimal("1800.00"),
        Decimal("180.00"),
    )
    with translation.override("en"):
        assert explain(line, "₽") == "Shampoo ×2, 12 October, 1,800.00\xa0₽ × 10 % = 180.00\xa0₽"
    with translation.override("ru"):
        assert explain(line, "₽").startswith("Shampoo ×2, 12 октября, 1\xa0800,00\xa0₽ × 10 % = 180,00")


def test_goods_in_a_visits_checkout_count_after_the_discount_for_their_seller_not_the_master(tenant_a):
    company, chain = tenant_a.company, tenant_a.chain
    plan = scheme(chain, service_percent=Decimal("40"), goods_percent=Decimal("10"))
    anna, irina = employee(company, "Анна", plan), employee(company, "Ирина", plan)
    shampoo = product(chain, "Шампунь", "1000")
    goods_sale(company, irina, shampoo, DAY)  # makes the branch's goods warehouse
    booked = visit(company, anna, service(company, "Стрижка", 3000), DAY)
    line = CounterLine(SaleLineKind.GOODS, str(shampoo.pk), "Шампунь", "1000", 1, irina.pk, "")
    sale = checkout_visit(
        booked, discount="400", products=[line], payments=[Payment(desk_of(company), PaymentMethod.CASH, "3600")]
    ).sale
    # A product counts on the day its sale was made: the checkout is dated the visit's day here.
    Sale.objects.filter(pk=sale.pk).update(created_at=datetime.datetime.combine(DAY, datetime.time(18), company.tz))
    totals = month(company, DAY, DAY + datetime.timedelta(days=20)).totals()
    # 4,000 less 400 (10 %): the service 2,700 × 40 %, the bottle 900 × 10 % (its seller's).
    assert totals[anna.pk] == Decimal("1080.00")
    assert totals[irina.pk] == Decimal("100.00") + Decimal("90.00")


def test_a_returned_bottle_is_subtracted_and_the_other_still_counts(tenant_a):
    company = tenant_a.company
    irina = employee(company, "Ирина", scheme(tenant_a.chain, goods_percent=Decimal("10")))
    sale = goods_sale(company, irina, product(tenant_a.chain, "Шампунь", "900"), DAY, quantity=2)
    sold_line = SaleLine.objects.get(sale=sale)
    refund_sale(sale, "900", returns={sold_line.pk: "1"})
    [line] = month(company).lines
    assert (line.quantity, line.base, line.amount) == (Decimal("1"), Decimal("900.00"), Decimal("90.00"))


def test_a_goods_category_rate_beats_the_schemes_and_reaches_its_sub_folders(tenant_a):
    company, chain = tenant_a.company, tenant_a.chain
    plan = scheme(chain, goods_percent=Decimal("10"))
    care = GoodsCategory.objects.create(chain=chain, title="Уход")
    hair = GoodsCategory.objects.create(chain=chain, title="Волосы", parent=care)
    SchemeRule.objects.create(chain=chain, scheme=plan, goods_category=care, percent=Decimal("15"))
    irina = employee(company, "Ирина", plan)
    goods_sale(company, irina, product(chain, "Маска", "1000", category=hair), DAY)
    goods_sale(company, irina, product(chain, "Расчёска", "1000"), DAY, hour=13)
    assert sorted(line.amount for line in month(company).lines) == [Decimal("100.00"), Decimal("150.00")]


def test_goods_sold_by_no_one_or_by_someone_without_a_goods_rate_pay_nothing(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("40")))
    goods_sale(company, anna, product(tenant_a.chain), DAY)
    assert month(company).lines == []


def test_a_return_after_closing_reverses_exactly_in_the_next_period(tenant_a):
    company = tenant_a.company
    irina = employee(company, "Ирина", scheme(tenant_a.chain, goods_percent=Decimal("10")))
    sale = goods_sale(company, irina, product(tenant_a.chain, "Шампунь", "900"), DAY, quantity=2)
    close_period(company, OCT, OCT_END)
    sold_line = SaleLine.objects.get(sale=sale)
    refund_sale(sale, "900", returns={sold_line.pk: "1"})
    assert Touched.objects.filter(sale=sale).exists()
    assert [line.amount for line in calculate(company, OCT, OCT_END).lines] == [Decimal("180.00")]
    [adjustment] = month(company, NOV, NOV_END).lines
    assert (adjustment.kind, adjustment.amount, adjustment.date, adjustment.of_date) == (
        LineKind.ADJUSTMENT,
        Decimal("-90.00"),
        NOV,
        DAY,
    )
    close_period(company, NOV, NOV_END)
    assert Line.objects.filter(kind=LineKind.ADJUSTMENT).get().amount == Decimal("-90.00")
    assert month(company, datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)).lines == []


def test_the_scheme_form_takes_a_goods_percent_and_a_goods_category_rate_but_no_fixed_amount(tenant_a):
    plan = scheme(tenant_a.chain)
    form = SchemeForm({"title": "10 % товаров", "goods_percent": "10,5", "basis": "after"}, instance=plan)
    assert form.is_valid(), form.errors
    assert form.save().goods_percent == Decimal("10.50")
    care = GoodsCategory.objects.create(chain=tenant_a.chain, title="Уход")
    fixed = RuleForm({"goods_category": care.pk, "fixed": "100"}, scheme=plan, company=tenant_a.company)
    with translation.override("en"):
        assert not fixed.is_valid()
        assert fixed.non_field_errors() == [
            "A goods category's rate is a percentage of the goods sold: enter a percentage only."
        ]
    rate = RuleForm({"goods_category": care.pk, "percent": "15"}, scheme=plan, company=tenant_a.company)
    assert rate.is_valid(), rate.errors
    assert rate.save().goods_category == care
    assert SchemeRule.objects.filter(scheme=plan).count() == 1
