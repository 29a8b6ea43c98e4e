"""Every overview figure equals a naive recomputation from the raw tables (analytics.verify), after any sequence of
bookings, status changes, moves across days, checkouts, payments, refunds and work shifts, in
branches whose time zones differ (one of them changes to summer time inside the period).

Every change goes through the path production takes (model saves and the finance services, which
send the domain events), so the period figures come from the daily facts the events keep: a
figure is read, then more changes are made, then it is read again."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics import overview
from frontdesk.analytics.overview import Period
from frontdesk.analytics.verify import naive_period, naive_today
from frontdesk.clients.models import Client
from frontdesk.finance.checkout import checkout_visit, pay_sale, refund_sale
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod, Sale
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.models import Record, RecordSeries, RecordService, RecordSource, RecordStatus, Visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.staff.models import WorkInterval

pytestmark = pytest.mark.django_db

# Europe/London goes to summer time on 29 March 2026, inside the days below; Kamchatka is UTC+12,
# so its evening is the morning of the same UTC day and its small hours are yesterday in UTC.
ZONES = ["Europe/Moscow", "Europe/London", "Asia/Kamchatka", "America/New_York"]
FIRST_DAY = datetime.date(2026, 3, 25)
DAYS = 5
CLIENTS = 4

days = st.integers(-1, DAYS)  # a day before and after the periods asked about, too
# Midnight and the last quarter of a day come often: that is where a wrong zone shows.
minutes = st.one_of(
    st.sampled_from([0, 15, 23 * 60 + 45]), st.integers(0, 24 * 4 - 1).map(lambda quarter: quarter * 15)
)
amounts = st.decimals(min_value=Decimal("1"), max_value=Decimal("3000"), places=2)
book = st.tuples(
    st.just("book"),
    st.integers(0, 1),  # branch
    days,
    minutes,
    st.one_of(st.none(), st.integers(0, CLIENTS - 1)),
    st.sampled_from(RecordSource.values),
    st.booleans(),  # of a series
    st.sampled_from([30, 60, 90]),
)
# Bookings twice as often as anything else, so that every example has records to change.
operations = st.one_of(
    book,
    book,
    st.tuples(st.just("status"), st.integers(0, 30), st.sampled_from(RecordStatus.values)),
    st.tuples(st.just("move"), st.integers(0, 30), days, minutes),
    st.tuples(st.just("checkout"), st.integers(0, 30), amounts, days, minutes),
    st.tuples(st.just("pay"), st.integers(0, 30), amounts, days, minutes),
    st.tuples(st.just("refund"), st.integers(0, 30), st.one_of(st.none(), amounts), days, minutes),
    st.tuples(st.just("shift"), st.integers(0, 1), days, st.integers(6, 12), st.integers(1, 11)),
)


@pytest.fixture
def network(tenant_a):
    chain = tenant_a.chain
    branches = tenant_a.companies
    services = [make_service(company, "Стрижка", duration=60, price=3000) for company in branches]
    specialists = [
        make_specialist(company, f"Мастер {company.pk}", [services[n]]) for n, company in enumerate(branches)
    ]
    desks = [make_cash_desk(company) for company in branches]
    clients = [Client.objects.create(chain=chain, name=f"Клиент {n}", phone=f"+7900555000{n}") for n in range(CLIENTS)]
    return branches, services, specialists, desks, clients


def _moment(company, day: int, minute: int) -> datetime.datetime:
    date = FIRST_DAY + datetime.timedelta(days=day)
    local = datetime.datetime.combine(date, datetime.time.min) + datetime.timedelta(minutes=minute)
    # A wall-clock time in the spring-forward gap (London, 01:00-02:00) resolves as zoneinfo
    # does; what matters is that the figures and the naive model read the same stored instant.
    return local.replace(tzinfo=ZoneInfo(company.timezone))


def _apply(op, network, records):
    branches, services, specialists, desks, clients = network
    kind = op[0]
    if kind == "book":
        _, n, day, minute, client, source, series, duration = op
        company = branches[n]
        client = clients[client] if client is not None else None
        start = _moment(company, day, minute)
        common = {"company": company, "chain": company.chain}
        visit = Visit.objects.create(client=client, **common)
        record = Record.objects.create(
            visit=visit,
            client=client,
            specialist=specialists[n],
            start=start,
            end=start + datetime.timedelta(minutes=duration),
            block_start=start,
            block_end=start + datetime.timedelta(minutes=duration),
            source=source,
            series=RecordSeries.objects.create(**common) if series else None,
            # History overlaps freely; marked overbooked it passes PostgreSQL's exclusion constraint.
            overbooked=True,
            **common,
        )
        RecordService.objects.create(
            chain=company.chain, record=record, service=services[n], start=start, duration=duration, price=3000
        )
        records.append(record)
        return
    if not records and kind != "shift":
        return
    if kind == "status":
        record = records[op[1] % len(records)]
        record.refresh_from_db()
        record.status = op[2]
        record.save()
    elif kind == "move":
        record = records[op[1] % len(records)]
        record.refresh_from_db()
        length = record.end - record.start
        record.start = record.block_start = _moment(record.company, op[2], op[3])
        record.end = record.block_end = record.start + length
        record.save()
        RecordService.objects.filter(record=record).update(start=record.start)
    elif kind == "checkout":
        record = records[op[1] % len(records)]
        desk = desks[branches.index(record.company)]
        try:
            checkout_visit(
                record.visit,
                payments=[Payment(desk, PaymentMethod.CASH, min(op[2], Decimal(3000)))],
                occurred_at=_moment(record.company, op[3], op[4]),
            )
        except FinanceError:
            pass
    elif kind == "pay":
        sale = Sale.objects.filter(visit=records[op[1] % len(records)].visit).first()
        if sale is None:
            return
        desk = desks[branches.index(sale.company)]
        try:
            pay_sale(sale, [Payment(desk, PaymentMethod.CARD, op[2])], occurred_at=_moment(sale.company, op[3], op[4]))
        except FinanceError:
            return
    elif kind == "refund":
        sale = Sale.objects.filter(visit=records[op[1] % len(records)].visit).first()
        if sale is None:
            return
        try:
            refund_sale(sale, op[2], occurred_at=_moment(sale.company, op[3], op[4]))
        except FinanceError:
            return
    elif kind == "shift":
        _, n, day, hour, hours = op
        company = branches[n]
        date = FIRST_DAY + datetime.timedelta(days=day)
        specialist = specialists[n]
        if not WorkInterval.objects.filter(specialist=specialist, date=date).exists():
            add_shift(specialist, company, date, f"{hour:02d}:00", f"{min(hour + hours, 23):02d}:30")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    ops=st.lists(operations, min_size=1, max_size=30),
    first=st.integers(0, DAYS - 1),
    length=st.integers(1, DAYS),
    now_minute=minutes,
    now_branch=st.integers(0, 1),
    read_at=st.integers(0, 30),
)
def test_every_overview_figure_equals_a_recomputation_from_the_raw_tables(
    network, zones, ops, first, length, now_minute, now_branch, read_at
):
    branches = network[0]
    with transaction.atomic():  # each example starts from the same empty branches
        for company, zone in zip(branches, zones, strict=True):
            company.timezone = zone
            company.save(update_fields=["timezone"])
        records = []
        for n, op in enumerate(ops):
            if n == read_at:
                # A reader stores the facts of every day here; the changes after it must mark
                # the days they touch, or the figures below would keep the old facts.
                overview.period_figures(
                    branches, Period(FIRST_DAY - datetime.timedelta(days=1), FIRST_DAY + datetime.timedelta(days=DAYS))
                )
            _apply(op, network, records)
        period = Period(
            FIRST_DAY + datetime.timedelta(days=first),
            FIRST_DAY + datetime.timedelta(days=min(first + length, DAYS) - 1),
        )
        for companies in ([branches[0]], [branches[1]], branches):
            expected = naive_period(companies, period)
            figures = overview.period_figures(companies, period)
            assert figures.revenue == expected.revenue
            assert figures.visits == expected.visits
            assert figures.sources == expected.sources
            assert figures.clients == expected.clients
            assert figures.fill_rate == expected.fill_rate
            for day in range(DAYS):  # "today" on every day, at a moment drawn in one branch's zone
                now = _moment(branches[now_branch], day, now_minute)
                assert overview.today(companies, now) == naive_today(companies, now)
        transaction.set_rollback(True)
