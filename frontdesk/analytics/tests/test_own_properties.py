"""A specialist's own revenue equals a recomputation from the sales themselves: for every sale that
took money (paid or partly paid), every service line of a record of theirs, its price less its
share of the sale's discount, on the local date the record started — after random visits shared
by two specialists, discounts, payments in part or in full, refunds, in a branch far from UTC."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics import own
from frontdesk.analytics.overview import Period
from frontdesk.finance.checkout import checkout_visit, refund_sale
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod, Sale, SaleStatus
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.models import Record, RecordService, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2026, 3, 25)
prices = st.integers(100, 5000)
a_visit = st.tuples(
    st.integers(0, 4),  # day
    st.integers(0, 95),  # quarter of the day
    st.lists(st.tuples(st.integers(0, 1), prices), min_size=1, max_size=3),  # (specialist, price) lines
    st.integers(0, 30),  # discount, per cent
    st.sampled_from(["none", "part", "full", "refund", "refund_part"]),
)


@pytest.fixture
def branch(tenant_a):
    company = tenant_a.company
    company.timezone = "Asia/Kamchatka"  # UTC+12: its mornings are yesterday in UTC
    company.save(update_fields=["timezone"])
    return company, [make_specialist(company, f"Мастер {n}") for n in range(2)], make_cash_desk(company)


def _make(company, specialists, desk, services, spec):
    day, quarter, lines, discount, payment = spec
    start = datetime.datetime.combine(
        FIRST_DAY + datetime.timedelta(days=day), datetime.time(quarter // 4, quarter % 4 * 15), tzinfo=company.tz
    )
    common = {"company": company, "chain": company.chain}
    visit = Visit.objects.create(**common)
    for n, (who, price) in enumerate(lines):
        begin = start + datetime.timedelta(minutes=30 * n)
        end = begin + datetime.timedelta(minutes=30)
        record = Record.objects.create(
            visit=visit,
            specialist=specialists[who],
            start=begin,
            end=end,
            block_start=begin,
            block_end=end,
            overbooked=True,
            **common,
        )
        service = services.setdefault(price, make_service(company, f"Услуга {price}", price=price))
        RecordService.objects.create(
            chain=company.chain, record=record, service=service, start=begin, duration=30, price=price
        )
    subtotal = sum(price for _who, price in lines)
    discount = (Decimal(subtotal) * discount / 100).quantize(Decimal("1"))
    due = subtotal - discount
    paid = {"none": 0, "part": due // 2, "full": due, "refund": due, "refund_part": due}[payment]
    try:
        result = checkout_visit(
            visit,
            discount=discount,
            payments=[Payment(desk, PaymentMethod.CASH, Decimal(paid))] if paid else [],
        )
    except FinanceError:
        return
    if payment == "refund":
        refund_sale(result.sale)
    elif payment == "refund_part":
        refund_sale(result.sale, Decimal(due // 3 or 1))


def naive(company, specialist, period):
    total = Decimal("0.00")
    for sale in Sale.objects.filter(company=company).prefetch_related("lines__record_service__record"):
        if sale.status not in (SaleStatus.PAID, SaleStatus.PARTLY_PAID):
            continue
        for line in sale.lines.all():
            if line.record_service is None or line.record_service.record.specialist_id != specialist.pk:
                continue
            if not period.first <= line.record_service.record.start.astimezone(company.tz).date() <= period.last:
                continue
            share = line.price * sale.total / sale.subtotal if sale.subtotal else Decimal(0)
            total += share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return total


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(visits=st.lists(a_visit, min_size=1, max_size=8), first=st.integers(0, 4), length=st.integers(1, 5))
def test_a_specialists_revenue_equals_a_recomputation_from_their_sales(branch, visits, first, length):
    company, specialists, desk = branch
    with transaction.atomic():
        services: dict = {}
        for spec in visits:
            _make(company, specialists, desk, services, spec)
        period = Period(
            FIRST_DAY + datetime.timedelta(days=first), FIRST_DAY + datetime.timedelta(days=min(first + length, 5) - 1)
        )
        for specialist in specialists:
            days = own.revenue_by_day(company, specialist.pk, period)
            assert own.total(days, period) == naive(company, specialist, period)
        transaction.set_rollback(True)
