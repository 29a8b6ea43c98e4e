"""Payroll under any visits, discounts, part payments, refunds, goods sold and brought back,
schemes and dates: the lines add up to a plain recomputation from the visits and sales themselves
(docs/payroll.md's rules), a refund or a return after closing comes back as exactly the reversing
adjustment, and a balance is its ledger's sum."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.catalog.models import ServiceCategory
from frontdesk.core.money import to_money
from frontdesk.finance.checkout import refund_sale
from frontdesk.payroll.calculation import calculate
from frontdesk.payroll.models import PayoutKind, SchemeRule
from frontdesk.payroll.services import balances, close_period, ledger, pay_out, set_no_overpay
from frontdesk.payroll.tests.factories import (
    check_out,
    desk_of,
    employee,
    goods_sale,
    product,
    scheme,
    service,
    visit,
)

pytestmark = pytest.mark.django_db

OCT, OCT_END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
NOV, NOV_END = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
ZERO = Decimal("0.00")

visits = st.lists(
    st.tuples(
        st.integers(0, 1),  # specialist
        st.integers(0, 1),  # service
        st.integers(1, 31),  # day of October
        st.integers(0, 20000),  # price
        st.integers(0, 100),  # discount, % of the price (whole roubles)
        st.sampled_from(["none", "half", "full"]),  # how much was paid
        st.integers(0, 100),  # refunded, % of what was paid
    ),
    max_size=10,
)
# Counter sales of goods: (seller, day of October, unit price, units, units brought back, % of
# their price refunded).
goods_rows = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(1, 31),
        st.integers(1, 5000),
        st.integers(1, 3),
        st.integers(0, 3),
        st.integers(1, 100),
    ),
    max_size=4,
)
percents = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2))
plans = st.fixed_dictionaries(
    {
        "service_percent": percents,
        "basis": st.sampled_from(["after", "before"]),
        "per_month": st.one_of(st.none(), st.integers(0, 60000).map(Decimal)),
        "minimum": st.one_of(st.none(), st.integers(0, 90000).map(Decimal)),
        "category_percent": percents,  # the second service's category
        "fixed": st.one_of(st.none(), st.integers(0, 3000).map(Decimal)),  # the first service's own
        "goods_percent": percents,
    }
)
ranges = st.tuples(st.integers(1, 31), st.integers(0, 30)).map(
    lambda t: (OCT.replace(day=t[0]), OCT.replace(day=min(31, t[0] + t[1])))
)


def _world(tenant_a, plan):
    company, chain = tenant_a.company, tenant_a.chain
    scheme_ = scheme(
        chain,
        service_percent=plan["service_percent"],
        basis=plan["basis"],
        per_month=plan["per_month"],
        minimum=plan["minimum"],
        goods_percent=plan["goods_percent"],
    )
    workers = [employee(company, name, scheme_, valid_from=OCT, valid_to=OCT_END) for name in ("Анна", "Мария")]
    first, second = service(company, "Стрижка"), service(company, "Окрашивание")
    second.category = ServiceCategory.objects.create(company=company, chain=chain, title="Окрашивание")
    second.save()
    if plan["fixed"] is not None:
        SchemeRule.objects.create(chain=chain, scheme=scheme_, service=first, fixed=plan["fixed"])
    if plan["category_percent"] is not None:
        SchemeRule.objects.create(
            chain=chain, scheme=scheme_, category=second.category, percent=plan["category_percent"]
        )
    return company, workers, [first, second]


def _sell(company, workers, services, rows):
    """Check the visits out and refund; returns [(specialist id, service index, day, price, total,
    kept)] as the visits themselves say, for the reference."""
    made = []
    for n, (who, what, day, price, discount_pct, paying, refund_pct) in enumerate(rows):
        day = OCT.replace(day=day)
        booked = visit(company, workers[who], services[what], day, price=price, hour=8 + n)
        discount = (Decimal(price) * discount_pct / 100).quantize(Decimal(1))
        total = Decimal(price) - discount
        paid = {"none": ZERO, "half": to_money(total / 2), "full": total}[paying]
        sale = check_out(company, booked, discount=discount, paid=paid)
        refund = to_money(paid * refund_pct / 100)
        if refund > 0:
            refund_sale(sale, refund)
        made.append((workers[who].pk, what, day, Decimal(price), total, paid - refund, sale))
    return made


def _sell_goods(company, workers, item, rows):
    """Sell at the counter and take some units back; returns [(seller id, day, sum, units,
    units back, money back, sale)] as the sales themselves say, for the reference."""
    made = []
    for n, (who, day, price, units, back, refund_pct) in enumerate(rows):
        day = OCT.replace(day=day)
        sale = goods_sale(company, workers[who], item, day, quantity=units, price=price, hour=8 + n)
        made.append((workers[who].pk, day, Decimal(price * units), units, 0, ZERO, sale))
        made[-1] = _take_back(made[-1], min(back, units), refund_pct)
    return made


def _take_back(row, units, refund_pct):
    """The client brings `units` back, refunded `refund_pct` % of their price (at least a kopeck)."""
    who, day, amount, sold_units, back, refunded, sale = row
    units = min(units, sold_units - back)
    if units <= 0:
        return row
    money = max(to_money(amount * units / sold_units * refund_pct / 100), Decimal("0.01"))
    money = min(money, amount - refunded)
    if money <= 0:
        return row
    refund_sale(sale, money, returns={sale.lines.get().pk: units})
    return (who, day, amount, sold_units, back + units, refunded + money, sale)


def _goods_pay(plan, amount, units, back, refunded) -> Decimal:
    """What a counter sale of goods pays its seller, from the sale alone: the units kept, times
    the share of their money the salon kept."""
    if plan["goods_percent"] is None:
        return ZERO
    owed = amount * (units - back) / units
    kept = Decimal(1) if owed <= 0 else min(amount - refunded, owed) / owed
    return to_money(to_money(owed * kept) * plan["goods_percent"] / 100)


def _line_pay(plan, what, price, total, kept) -> Decimal:
    """What one visit's service pays, from the visit alone (zero when it pays nothing)."""
    if total and kept <= 0:
        return ZERO
    share = Decimal(1) if not total else kept / total
    if what == 0 and plan["fixed"] is not None:
        return to_money(plan["fixed"] * share)
    percent = (
        plan["category_percent"] if what == 1 and plan["category_percent"] is not None else plan["service_percent"]
    )
    if percent is None:
        return ZERO
    base = to_money((price if plan["basis"] == "before" else total) * share)
    return to_money(base * percent / 100)


def _reference(plan, workers, made, first, last, goods=()) -> dict[int, Decimal]:
    """What each specialist earns over the dates, from the visits and sales alone."""
    earned = {worker.pk: ZERO for worker in workers}
    for who, what, day, price, total, kept, _sale in made:
        if first <= day <= last:
            earned[who] += _line_pay(plan, what, price, total, kept)
    for who, day, amount, units, back, refunded, _sale in goods:
        if first <= day <= last:
            earned[who] += _goods_pay(plan, amount, units, back, refunded)
    days = (last - first).days + 1
    for who in list(earned):
        if plan["per_month"]:
            earned[who] += to_money(plan["per_month"] * days / 31)
        if plan["minimum"]:
            earned[who] = max(earned[who], to_money(plan["minimum"] * days / 31))
    return earned


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans, rows=visits, sales=goods_rows, dates=ranges)
def test_the_lines_add_up_to_the_schemes_applied_to_the_visits_and_goods(tenant_a, plan, rows, sales, dates):
    with transaction.atomic():
        company, workers, services = _world(tenant_a, plan)
        made = _sell(company, workers, services, rows)
        goods = _sell_goods(company, workers, product(tenant_a.chain), sales)
        first, last = dates
        totals = calculate(company, first, last).totals()
        expected = _reference(plan, workers, made, first, last, goods)
        for worker in workers:
            assert totals.get(worker.pk, ZERO) == expected.get(worker.pk, ZERO)
        transaction.set_rollback(True)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plan=plans,
    rows=visits,
    refunds=st.lists(st.tuples(st.integers(0, 9), st.integers(1, 100)), max_size=3),
    sales=goods_rows,
    returns=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 3), st.integers(1, 100)), max_size=3),
)
def test_a_refund_or_a_return_after_closing_comes_back_as_exactly_the_reversing_adjustment(
    tenant_a, plan, rows, refunds, sales, returns
):
    with transaction.atomic():
        company, workers, services = _world(tenant_a, plan)
        made = _sell(company, workers, services, rows)
        goods = _sell_goods(company, workers, product(tenant_a.chain), sales)
        close_period(company, OCT, OCT_END)
        stored = [(line.key, line.amount) for line in calculate(company, OCT, OCT_END).lines]
        closed = {key: amount for key, amount in stored if key.startswith("sl:")}
        expected: dict[str, Decimal] = {}
        for index, pct in refunds:
            if index >= len(made) or made[index][5] <= 0:
                continue
            who, what, day, price, total, kept, sale = made[index]
            back = max(to_money(kept * pct / 100), Decimal("0.01"))
            refund_sale(sale, back)
            made[index] = (who, what, day, price, total, kept - back, sale)
            key = f"sl:{sale.lines.get().pk}"
            expected[key] = _line_pay(plan, what, price, total, kept - back) - closed.get(key, ZERO)
        for index, units, pct in returns:
            if index >= len(goods):
                continue
            goods[index] = _take_back(goods[index], units, pct)
            _who, _day, amount, sold_units, back, refunded, sale = goods[index]
            key = f"sl:{sale.lines.get().pk}"
            expected[key] = _goods_pay(plan, amount, sold_units, back, refunded) - closed.get(key, ZERO)
        # The closed period reads as it was stored; November carries the difference, once per line.
        assert [(line.key, line.amount) for line in calculate(company, OCT, OCT_END).lines] == stored
        adjustments = {line.key: line.amount for line in calculate(company, NOV, NOV_END).lines}
        assert adjustments == {key: diff for key, diff in expected.items() if diff}
        transaction.set_rollback(True)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plan=plans,
    rows=visits,
    payouts=st.lists(st.tuples(st.integers(0, 1), st.integers(1, 5000), st.booleans()), max_size=4),
)
def test_a_balance_is_always_the_sum_of_its_ledger(tenant_a, plan, rows, payouts):
    with transaction.atomic():
        company, workers, services = _world(tenant_a, plan)
        _sell(company, workers, services, rows)
        close_period(company, OCT, OCT_END)
        set_no_overpay(tenant_a.chain, False)
        desk = desk_of(company)
        for who, amount, advance in payouts:
            kind = PayoutKind.ADVANCE if advance else PayoutKind.SALARY
            try:
                pay_out(company, workers[who], desk, amount, kind=kind)
            except Exception as refused:  # the desk has not got the money: nothing is saved
                assert "Касса" in str(refused)
        owed = balances(company, [w.pk for w in workers])
        for worker in workers:
            rows_ = ledger(company, worker)
            assert owed[worker.pk] == sum((r.amount for r in rows_), ZERO) == (rows_[-1].balance if rows_ else ZERO)
        transaction.set_rollback(True)
