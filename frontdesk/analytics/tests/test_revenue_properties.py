"""The revenue report's totals, its split by line kind and by payment method, and the average
check (per period and per specialist, with and without a specialist filter) equal a plain
recomputation from the raw `Transaction` and `SaleLine` rows, for random sales of mixed lines —
services done by one of two specialists or sold at the counter — paid and refunded in parts on
random days in two branches whose time zones differ (one of them changes to summer time inside
the days).

The reports read the daily money facts here (no filter, a specialist filter): the facts are
stored at a drawn step, so the payments after it must mark their days stale through the
analytics listener. Read from the ledger instead (the path a category filter takes), every table
is the same, cell for cell."""

import datetime
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics import facts
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports import average_check, revenue
from frontdesk.analytics.reports.average_check import AverageCheck
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.reports.revenue import Revenue
from frontdesk.analytics.tests.money_factories import make_sale, pay
from frontdesk.finance.models import LineKind, PaymentMethod, SaleLine, Transaction
from frontdesk.payments.receipts import allocate
from frontdesk.scheduling.tests.factories import make_service, make_specialist

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
    st.sampled_from([None, 0, 1]),  # who did the services: one of the branch's two specialists, or nobody
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
    """Every money row read one by one in time order, its date converted in its branch's zone; its
    parts are the split of the sale's money so far after it minus before it. A sale's check is
    on the date of its first positive row, for the sale and for each specialist of its lines."""
    by_kind, by_method, days = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    checks = set()
    specialists = defaultdict(lambda: [ZERO, set()])  # specialist id: [revenue, their checks]
    ids = {c.pk: c for c in companies}
    so_far = defaultdict(lambda: ZERO)
    paid_before = set()
    for row in Transaction.objects.filter(sale__isnull=False).order_by("occurred_at", "id"):
        before = so_far[row.sale_id]
        so_far[row.sale_id] += row.amount
        first = row.amount > 0 and row.sale_id not in paid_before
        if row.amount > 0:
            paid_before.add(row.sale_id)
        company = ids.get(row.company_id)
        if company is None:
            continue
        day = row.occurred_at.astimezone(company.tz).date()
        if not period.first <= day <= period.last:
            continue
        lines = list(
            SaleLine.objects.filter(sale_id=row.sale_id)
            .select_related("record_service__record")
            .order_by("position", "id")
        )
        if lines:
            weights = [line.price for line in lines]
            after_parts = allocate(before + row.amount, weights)
            before_parts = allocate(before, weights)
            for line, after, earlier in zip(lines, after_parts, before_parts, strict=True):
                by_kind[line.kind] += after - earlier
                if line.record_service is not None:
                    mine = specialists[line.record_service.record.specialist_id]
                    mine[0] += after - earlier
                    if first:
                        mine[1].add(row.sale_id)
        else:
            by_kind[None] += row.amount
        by_method[row.method] += row.amount  # a method with money in and the same out shows 0
        days[day] += row.amount
        if first:
            checks.add(row.sale_id)
    return (
        by_kind,
        dict(by_method),
        days,
        len(checks),
        {pk: (money, len(sales)) for pk, (money, sales) in specialists.items()},
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    drawn=st.lists(sales, min_size=1, max_size=8),
    stored_after=st.integers(0, 8),
    first=st.integers(0, DAYS - 1),
    length=st.integers(1, DAYS),
)
def test_revenue_and_its_split_equal_a_recomputation_from_the_raw_rows(
    tenant_a, zones, drawn, stored_after, first, length
):
    branches = tenant_a.companies
    with transaction.atomic():
        staff = {}
        for company, zone in zip(branches, zones, strict=True):
            company.timezone = zone
            company.save(update_fields=["timezone"])
            service = make_service(company, "Стрижка", price=1000)
            staff[company.pk] = (service, [make_specialist(company, name, [service]) for name in ("Анна", "Борис")])
        for number, (n, who, lines, payments) in enumerate(drawn):
            if number == stored_after:  # the facts as a reader left them; what follows must mark its days
                facts.refresh(
                    branches, FIRST_DAY - datetime.timedelta(days=3), FIRST_DAY + datetime.timedelta(days=DAYS + 3)
                )
            company = branches[n]
            service, specialists = staff[company.pk]
            visit = {}
            if who is not None:  # a visit of its own, ten days before, one after another
                start = _moment(company, -10, 0) + datetime.timedelta(hours=number)
                visit = {"specialist": specialists[who], "service": service, "when": start}
            sale = make_sale(company, lines, **visit)
            for amount, method, refund, (day, minute) in payments:
                pay(sale, -amount if refund else amount, method, _moment(company, day, minute))
        period = Period(
            FIRST_DAY + datetime.timedelta(days=first),
            FIRST_DAY + datetime.timedelta(days=min(first + length, DAYS) - 1),
        )
        for companies in ([branches[0]], [branches[1]], branches):
            filters = Filters(companies=tuple(companies), period=period, chain=tenant_a.chain)
            by_kind, by_method, days, checks, specialists = _naive(companies, period)
            total = sum(by_method.values(), ZERO)

            result = Revenue().build(filters)

            table, methods = result.tables
            columns = [column.key for column in table.columns]
            assert table.totals[-1] == total
            for kind in LineKind.values:
                assert table.totals[columns.index(kind)] == by_kind[kind]
            if by_kind[None]:
                assert table.totals[columns.index("other")] == by_kind[None]
            for row in table.rows:  # every day's row adds up across the kinds
                assert row[-1] == sum(row[1:-1], ZERO)
            assert [row[-1] for row in table.rows] == [days[day] for day in _days(period)]
            assert dict(zip(methods.keys, [row[3] for row in methods.rows], strict=True)) == by_method
            assert methods.totals[3] == total

            by_period, by_specialist = AverageCheck().build(filters).tables
            assert by_period.totals[1:3] == [checks, total]
            assert {pk: (row[2], row[1]) for pk, row in zip(by_specialist.keys, by_specialist.rows, strict=True)} == (
                specialists
            )

            one = staff[companies[0].pk][1][0]
            own = Filters(companies=tuple(companies), period=period, chain=tenant_a.chain, specialist=one)
            money, their_checks = specialists.get(one.pk, (ZERO, 0))
            assert Revenue().build(own).tables[0].totals[-1] == money
            assert AverageCheck().build(own).tables[0].totals[1:3] == [their_checks, money]

            for chosen in (filters, own):  # the facts and the ledger: the same tables
                assert _tables(revenue.revenue_result(chosen, revenue.money_cells(chosen))) == _tables(
                    revenue.revenue_result(chosen, revenue.ledger_cells(chosen))
                )
                assert _tables(average_check.average_result(chosen, *average_check.fact_figures(chosen))) == _tables(
                    average_check.average_result(chosen, *average_check.ledger_figures(chosen))
                )
        for company in branches:  # the stored facts are a fresh computation's
            assert (
                facts.stored_differences(
                    company, FIRST_DAY - datetime.timedelta(days=2), FIRST_DAY + datetime.timedelta(days=DAYS + 2)
                )
                == []
            )
        transaction.set_rollback(True)


def _tables(result):
    return [(table.rows, table.totals, table.keys) for table in result.tables]


def _days(period):
    return [period.first + datetime.timedelta(days=n) for n in range(period.days)]
