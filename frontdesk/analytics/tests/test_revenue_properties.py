"""The revenue report's totals, its split by line kind and by payment method, and the average
check equal a plain recomputation from the raw `Transaction` and `SaleLine` rows, for random
sales of mixed lines paid and refunded in parts on random days in two branches whose time zones
differ (one of them changes to summer time inside the days)."""

import datetime
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports.average_check import AverageCheck
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.reports.revenue import Revenue
from frontdesk.analytics.tests.money_factories import make_sale, pay
from frontdesk.finance.models import LineKind, PaymentMethod, SaleLine, Transaction
from frontdesk.payments.receipts import allocate

pytestmark = pytest.mark.django_db

ZONES = ["Europe/Moscow", "Europe/London", "Asia/Kamchatka", "America/New_York"]
FIRST_DAY = datetime.date(2026, 3, 25)  # London goes to summer time on the 29th
DAYS = 6
ZERO = Decimal("0.00")

prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("4000"), places=2)
moments = st.tuples(st.integers(-1, DAYS), st.integers(0, 24 * 4 - 1).map(lambda q: q * 15))
sales = st.tuples(
    st.integers(0, 1),  # branch
    st.lists(st.tuples(st.sampled_from(LineKind.values), prices), min_size=0, max_size=4),
    st.lists(
        st.tuples(amounts, st.sampled_from(PaymentMethod.values), st.booleans(), moments),  # bool: a refund
        min_size=1,
        max_size=4,
    ),
)


def _moment(company, day, minute):
    date = FIRST_DAY + datetime.timedelta(days=day)
    local = datetime.datetime.combine(date, datetime.time.min) + datetime.timedelta(minutes=minute)
    return local.replace(tzinfo=ZoneInfo(company.timezone))


def _naive(companies, period):
    """Every money row read one by one in its sale's time order, its date converted in its
    branch's zone; its parts are the split of the sale's money so far after it minus before it."""
    by_kind, by_method, days = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    checks = set()
    ids = {c.pk: c for c in companies}
    so_far = defaultdict(lambda: ZERO)
    for row in Transaction.objects.filter(sale__isnull=False).order_by("occurred_at", "id"):
        before = so_far[row.sale_id]
        so_far[row.sale_id] += row.amount
        company = ids.get(row.company_id)
        if company is None:
            continue
        day = row.occurred_at.astimezone(company.tz).date()
        if not period.first <= day <= period.last:
            continue
        lines = list(SaleLine.objects.filter(sale_id=row.sale_id).order_by("position", "id"))
        if lines:
            weights = [line.price for line in lines]
            after_parts = allocate(before + row.amount, weights)
            before_parts = allocate(before, weights)
            for line, after, earlier in zip(lines, after_parts, before_parts, strict=True):
                by_kind[line.kind] += after - earlier
        else:
            by_kind[None] += row.amount
        by_method[row.method] += row.amount  # a method with money in and the same out shows 0
        days[day] += row.amount
        if row.amount > 0:
            checks.add(row.sale_id)
    return by_kind, dict(by_method), days, len(checks)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    drawn=st.lists(sales, min_size=1, max_size=8),
    first=st.integers(0, DAYS - 1),
    length=st.integers(1, DAYS),
)
def test_revenue_and_its_split_equal_a_recomputation_from_the_raw_rows(tenant_a, zones, drawn, first, length):
    branches = tenant_a.companies
    with transaction.atomic():
        for company, zone in zip(branches, zones, strict=True):
            company.timezone = zone
            company.save(update_fields=["timezone"])
        for n, lines, payments in drawn:
            company = branches[n]
            sale = make_sale(company, lines)
            for amount, method, refund, (day, minute) in payments:
                pay(sale, -amount if refund else amount, method, _moment(company, day, minute))
        period = Period(
            FIRST_DAY + datetime.timedelta(days=first),
            FIRST_DAY + datetime.timedelta(days=min(first + length, DAYS) - 1),
        )
        for companies in ([branches[0]], [branches[1]], branches):
            filters = Filters(companies=tuple(companies), period=period, chain=tenant_a.chain)
            by_kind, by_method, days, checks = _naive(companies, period)
            revenue = sum(by_method.values(), ZERO)

            result = Revenue().build(filters)

            table, methods = result.tables
            columns = [column.key for column in table.columns]
            assert table.totals[-1] == revenue
            for kind in LineKind.values:
                assert table.totals[columns.index(kind)] == by_kind[kind]
            if by_kind[None]:
                assert table.totals[columns.index("other")] == by_kind[None]
            for row in table.rows:  # every day's row adds up across the kinds
                assert row[-1] == sum(row[1:-1], ZERO)
            assert [row[-1] for row in table.rows] == [days[day] for day in _days(period)]
            assert dict(zip(methods.keys, [row[3] for row in methods.rows], strict=True)) == by_method
            assert methods.totals[3] == revenue

            average = AverageCheck().build(filters).tables[0].totals
            assert average[1] == checks
            assert average[2] == revenue
        transaction.set_rollback(True)


def _days(period):
    return [period.first + datetime.timedelta(days=n) for n in range(period.days)]
