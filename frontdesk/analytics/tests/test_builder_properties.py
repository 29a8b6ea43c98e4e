"""The builder's figures equal a naive recomputation from the raw rows: visits (records) and
payments (the money ledger) and revenue (the daily money facts), grouped by local month, week or
day and by specialist or payment method, in two branches whose time zones differ, with rows near
midnight on either side of a period."""

import datetime
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics import facts
from frontdesk.analytics.builder import engine
from frontdesk.analytics.models import StaleDay
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports import periods
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.tests.money_factories import make_sale, pay
from frontdesk.clients.models import Client
from frontdesk.finance.models import LineKind, PaymentMethod, Sale, SaleLine, Transaction
from frontdesk.finance.services import item_by_code
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.payments.receipts import allocate
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist

pytestmark = pytest.mark.django_db

ZONES = ["Europe/Moscow", "Asia/Kamchatka", "America/New_York"]
PERIOD = Period(datetime.date(2026, 1, 30), datetime.date(2026, 3, 2))
minutes = st.one_of(st.sampled_from([0, 15, 23 * 60 + 45]), st.integers(0, 24 * 4 - 1).map(lambda q: q * 15))
days = st.integers(-2, PERIOD.days + 1)
visit_rows = st.lists(
    st.tuples(
        st.integers(0, 1),  # branch
        st.integers(0, 1),  # specialist of that branch
        days,
        minutes,
        st.one_of(st.none(), st.integers(0, 2)),  # client
        st.sampled_from(RecordStatus.values),
        st.lists(st.integers(100, 5000), min_size=0, max_size=2),  # service lines' prices
    ),
    max_size=12,
)
payment_rows = st.lists(
    st.tuples(
        st.integers(0, 1),
        days,
        minutes,
        st.decimals(min_value=Decimal("-3000"), max_value=Decimal("3000"), places=2).filter(lambda d: d != 0),
        st.sampled_from(PaymentMethod.values),
    ),
    max_size=12,
)


@pytest.fixture
def network(tenant_a):
    branches = tenant_a.companies
    service = make_service(branches[0], "Стрижка", duration=30, price=1000)
    specialists = [[make_specialist(c, f"Мастер {c.pk}-{n}", [service]) for n in range(2)] for c in branches]
    clients = [Client.objects.create(chain=tenant_a.chain, name=f"Клиент {n}") for n in range(3)]
    desks = [make_cash_desk(c) for c in branches]
    return tenant_a.chain, branches, service, specialists, clients, desks


def _moment(company, day, minute):
    local = datetime.datetime.combine(PERIOD.first + datetime.timedelta(days=day), datetime.time.min)
    return (local + datetime.timedelta(minutes=minute)).replace(tzinfo=ZoneInfo(company.timezone))


def _zones(branches, zones):
    for company, zone in zip(branches, zones, strict=True):
        company.timezone = zone
        company.save()


def _clean(chain):
    """Hypothesis runs every example in the same test transaction: rows, and the facts of them."""
    Transaction.objects.filter(chain=chain).delete()
    SaleLine.objects.filter(chain=chain).delete()
    Sale.objects.filter(chain=chain).delete()
    RecordService.objects.filter(chain=chain).delete()
    Record.objects.filter(chain=chain).delete()
    Visit.objects.filter(chain=chain).delete()
    for model in (*facts.FACT_MODELS, StaleDay):
        model.unscoped.filter(chain=chain).delete()


def _filters(chain, branches):
    return Filters(companies=tuple(branches), period=PERIOD, chain=chain)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=visit_rows, zones=st.lists(st.sampled_from(ZONES), min_size=2, max_size=2))
def test_visits_by_month_and_specialist_equal_a_recount(network, rows, zones):
    chain, branches, service, specialists, clients, _desks = network
    _clean(chain)
    _zones(branches, zones)
    expected = defaultdict(lambda: {"records": set(), "clients": set(), "value": 0, "minutes": 0})
    for n, s, day, minute, client, status, prices in rows:
        company = branches[n]
        start = _moment(company, day, minute)
        common = {"company": company, "chain": chain}
        visit = Visit.objects.create(**common)
        record = Record.objects.create(
            visit=visit,
            client=clients[client] if client is not None else None,
            specialist=specialists[n][s],
            start=start,
            end=start + datetime.timedelta(minutes=30),
            block_start=start,
            block_end=start + datetime.timedelta(minutes=30),
            status=status,
            overbooked=True,
            **common,
        )
        for price in prices:
            RecordService.objects.create(
                chain=chain, record=record, service=service, start=start, duration=30, price=price
            )
        local = start.astimezone(ZoneInfo(company.timezone)).date()
        if PERIOD.first <= local <= PERIOD.last:
            group = expected[(local.replace(day=1), specialists[n][s].pk)]
            group["records"].add(record.pk)
            if client is not None:
                group["clients"].add(client)
            group["value"] += sum(prices)
            group["minutes"] += 30 * len(prices)

    spec = engine.Spec("visits", ("records", "clients", "value", "minutes"), ("month", "specialist"), engine.BAR)
    result = engine.run(spec, _filters(chain, branches))

    table = result.tables[0]
    got = {key: row[2:] for key, row in zip(table.keys, table.rows, strict=True)}
    want = {key: [len(g["records"]), len(g["clients"]), g["value"], g["minutes"]] for key, g in expected.items()}
    assert got == want
    all_records = set().union(*(g["records"] for g in expected.values())) if expected else set()
    all_clients = set().union(*(g["clients"] for g in expected.values())) if expected else set()
    assert table.totals[2:4] == [len(all_records), len(all_clients)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=payment_rows, zones=st.lists(st.sampled_from(ZONES), min_size=2, max_size=2))
def test_payments_by_day_and_method_equal_a_recount(network, rows, zones):
    chain, branches, _service, _specialists, _clients, desks = network
    _clean(chain)
    _zones(branches, zones)
    income = item_by_code(chain.pk, "services")
    expected = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0)])
    for n, day, minute, amount, method in rows:
        company = branches[n]
        moment = _moment(company, day, minute)
        Transaction.objects.create(
            company=company,
            chain=chain,
            account=desks[n],
            amount=amount,
            method=method,
            item=income,
            occurred_at=moment,
        )
        local = moment.astimezone(ZoneInfo(company.timezone)).date()
        if PERIOD.first <= local <= PERIOD.last:
            group = expected[(periods.bucket(local, periods.WEEK), method)]
            group[0] += 1
            group[1] += amount
            group[2] += max(amount, 0)
            group[3] += max(-amount, 0)

    spec = engine.Spec("payments", ("payments", "net", "money_in", "money_out"), ("week", "method"), engine.LINE)
    result = engine.run(spec, _filters(chain, branches))

    table = result.tables[0]
    got = {key: [Decimal(v) for v in row[2:]] for key, row in zip(table.keys, table.rows, strict=True)}
    assert got == {key: [Decimal(v) for v in figures] for key, figures in expected.items()}


money_sales = st.lists(
    st.tuples(
        st.integers(0, 1),  # branch
        st.one_of(st.none(), st.integers(0, 1)),  # the specialist of the services, or sold at the counter
        st.lists(
            st.tuples(st.sampled_from(LineKind.values), st.integers(0, 3000).map(Decimal)), min_size=0, max_size=3
        ),
        st.lists(  # money rows: amount (negative: a refund), method, day, minute
            st.tuples(
                st.decimals(min_value=Decimal("-2000"), max_value=Decimal("3000"), places=2).filter(bool),
                st.sampled_from(PaymentMethod.values),
                days,
                minutes,
            ),
            min_size=1,
            max_size=3,
        ),
    ),
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sales=money_sales,
    zones=st.lists(st.sampled_from(ZONES), min_size=2, max_size=2),
    stored_after=st.integers(0, 8),
    one_branch=st.booleans(),
)
def test_revenue_by_month_and_specialist_and_by_week_and_method_equal_a_recount(
    network, sales, zones, stored_after, one_branch
):
    """The «Revenue» dataset reads the daily money facts (stored at a drawn step, so later money
    must mark its days stale): every group equals the money rows split over their sales' lines in
    proportion to the prices, row by row in time order, dated in the branch's zone."""
    chain, branches, service, specialists, _clients, _desks = network
    _clean(chain)
    _zones(branches, zones)
    for number, (n, who, lines, payments) in enumerate(sales):
        if number == stored_after:
            facts.refresh(branches, PERIOD.first - datetime.timedelta(days=3), PERIOD.last + datetime.timedelta(days=3))
        company = branches[n]
        visit = {}
        if who is not None:  # a visit of its own, the day before the period, one after another
            visit = {"specialist": specialists[n][who], "service": service, "when": _moment(company, -1, 60 * number)}
        sale = make_sale(company, lines, **visit)
        for amount, method, day, minute in payments:
            pay(sale, amount, method, _moment(company, day, minute))
    read = branches[:1] if one_branch else branches
    by_specialist, by_method = defaultdict(Decimal), defaultdict(Decimal)
    so_far = defaultdict(Decimal)
    for row in Transaction.objects.filter(chain=chain, sale__isnull=False).order_by("occurred_at", "id"):
        before = so_far[row.sale_id]
        so_far[row.sale_id] += row.amount
        company = next((c for c in read if c.pk == row.company_id), None)
        local = row.occurred_at.astimezone(ZoneInfo(company.timezone)).date() if company else None
        if local is None or not PERIOD.first <= local <= PERIOD.last:
            continue
        by_method[(periods.bucket(local, periods.WEEK), row.method)] += row.amount
        lines = list(SaleLine.objects.filter(sale_id=row.sale_id).select_related("record_service__record"))
        lines.sort(key=lambda line: (line.position, line.pk))
        if not lines:
            by_specialist[(local.replace(day=1), None)] += row.amount
            continue
        weights = [line.price for line in lines]
        for line, after, earlier in zip(
            lines, allocate(before + row.amount, weights), allocate(before, weights), strict=True
        ):
            who = line.record_service.record.specialist_id if line.record_service else None
            by_specialist[(local.replace(day=1), who)] += after - earlier

    for spec, expected in (
        (engine.Spec("revenue", ("revenue",), ("month", "specialist"), engine.BAR), by_specialist),
        (engine.Spec("revenue", ("revenue",), ("week", "method"), engine.LINE), by_method),
    ):
        table = engine.run(spec, _filters(chain, read)).tables[0]
        got = {key: row[2] for key, row in zip(table.keys, table.rows, strict=True)}
        assert got == dict(expected)
        assert table.totals[2] == sum(expected.values(), Decimal("0.00"))
