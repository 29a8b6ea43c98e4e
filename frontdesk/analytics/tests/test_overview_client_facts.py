"""The overview's new and returning clients, counted from the client-day facts (`analytics.ClientDay`),
equal the count over the completed records they replaced (`overview._clients_from_records`): for
random histories in two branches whose zones differ — visits of one or two records, a second record
past midnight or moved to another day, clients without a card, a record given to another client,
two cards merged — for a branch, the whole network and each branch of the comparison; inside the
transaction that made the changes (the facts' after-commit refresh has not run: the overview
brings them up to date itself) and after it; and the owner sees a client checked out a moment ago."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics import overview
from frontdesk.analytics.models import ClientDay
from frontdesk.analytics.overview import Clients, Period
from frontdesk.clients.models import Client
from frontdesk.clients.services import merge_clients
from frontdesk.clients.tests.factories import make_record
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.models import RecordStatus, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist

pytestmark = pytest.mark.django_db

ZONES = ["Europe/Moscow", "Europe/London", "Asia/Kamchatka", "America/New_York"]
FIRST_DAY = datetime.date(2026, 3, 25)  # London goes to summer time on the 29th
DAYS = 6
CLIENTS = 4

days = st.integers(-2, DAYS)
minutes = st.one_of(st.sampled_from([0, 30, 23 * 60 + 30]), st.integers(0, 24 * 4 - 1).map(lambda q: q * 15))
statuses = st.sampled_from([RecordStatus.COMPLETED] * 3 + [RecordStatus.NO_SHOW, RecordStatus.BOOKED])
visit = st.tuples(
    st.just("visit"),
    st.one_of(st.none(), st.integers(0, CLIENTS - 1)),  # None: a client without a card
    st.integers(0, 1),  # branch
    days,
    minutes,
    statuses,
    # A second record of the same visit this many minutes later (past midnight when late), or none.
    st.one_of(st.none(), st.tuples(st.sampled_from([60, 90, 24 * 60 + 30]), statuses)),
)
operations = st.one_of(
    visit,
    visit,
    st.tuples(st.just("status"), st.integers(0, 30), st.sampled_from(RecordStatus.values)),
    st.tuples(st.just("move"), st.integers(0, 30), days, minutes),
    st.tuples(st.just("client"), st.integers(0, 30), st.one_of(st.none(), st.integers(0, CLIENTS - 1))),
    st.tuples(st.just("merge"), st.integers(0, CLIENTS - 1), st.integers(0, CLIENTS - 1)),
)


@pytest.fixture
def network(tenant_a):
    branches = tenant_a.companies
    specialists = [
        make_specialist(company, f"Мастер {n}", [make_service(company, "Стрижка", duration=60, price=2000)])
        for n, company in enumerate(branches)
    ]
    return branches, specialists


def _moment(company, day, minute):
    local = datetime.datetime.combine(FIRST_DAY + datetime.timedelta(days=day), datetime.time.min)
    return (local + datetime.timedelta(minutes=minute)).replace(tzinfo=ZoneInfo(company.timezone))


def _record(company, specialist, visit, client, start, status):
    # Overbooked: history overlaps freely (PostgreSQL's exclusion constraint).
    service = specialist.services.first()
    return make_record(company, client, specialist, service, start, status, visit=visit, overbooked=True)


def _apply(op, network, clients, records):
    branches, specialists = network
    kind = op[0]
    if kind == "visit":
        _, who, n, day, minute, status, second = op
        company, client = branches[n], (clients[who] if who is not None else None)
        if client is not None and not Client.objects.filter(pk=client.pk).exists():
            return  # merged away
        start = _moment(company, day, minute)
        trip = Visit.objects.create(company=company, chain=company.chain, client=client)
        records.append(_record(company, specialists[n], trip, client, start, status))
        if second is not None:
            later, status = second
            records.append(
                _record(company, specialists[n], trip, client, start + datetime.timedelta(minutes=later), status)
            )
        return
    if kind == "merge":
        target, source = clients[op[1]], clients[op[2]]
        if target.pk != source.pk and Client.objects.filter(pk__in=[target.pk, source.pk]).count() == 2:
            merge_clients(target, source)
        return
    if not records:
        return
    record = records[op[1] % len(records)]
    record.refresh_from_db()
    if kind == "status":
        record.status = op[2]
    elif kind == "move":
        record.start = record.block_start = _moment(record.company, op[2], op[3])
        record.end = record.block_end = record.start + datetime.timedelta(minutes=60)
    elif kind == "client":
        client = clients[op[2]] if op[2] is not None else None
        if client is not None and not Client.objects.filter(pk=client.pk).exists():
            return
        record.client = client
    record.save()


def _assert_facts_equal_records(branches, period):
    for companies in ([branches[0]], [branches[1]], branches):
        assert overview.clients(companies, period) == overview._clients_from_records(companies, period)
    assert overview.clients_by_branch(branches, period) == {
        company.pk: overview._clients_from_records([company], period) for company in branches
    }


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    ops=st.lists(operations, min_size=1, max_size=25),
    first=st.integers(0, DAYS - 1),
    length=st.integers(1, DAYS),
    read_at=st.integers(0, 25),
)
def test_the_overview_counts_the_same_clients_from_the_facts_as_from_the_records(
    network, tenant_a, zones, ops, first, length, read_at
):
    branches = network[0]
    period = Period(
        FIRST_DAY + datetime.timedelta(days=first), FIRST_DAY + datetime.timedelta(days=min(first + length, DAYS) - 1)
    )
    with transaction.atomic():  # each example starts from the same empty network
        for company, zone in zip(branches, zones, strict=True):
            company.timezone = zone
            company.save(update_fields=["timezone"])
        clients = [
            Client.objects.create(chain=tenant_a.chain, name=f"Клиент {n}", phone=f"+7900556000{n}")
            for n in range(CLIENTS)
        ]
        records = []
        # Inside the transaction of the changes: the facts' after-commit refresh is still waiting,
        # and the overview brings them up to date itself; read midway too, then change more.
        for n, op in enumerate(ops):
            if n == read_at:
                _assert_facts_equal_records(branches, period)
            _apply(op, network, clients, records)
        _assert_facts_equal_records(branches, period)
        transaction.set_rollback(True)


def test_a_visit_past_midnight_counts_its_client_on_both_dates_and_new_by_the_branch_read(network, tenant_a):
    # given: branches in Kamchatka (UTC+12) and Moscow (UTC+3); a client's first visit starts at
    # 23:30 on 26 March in Moscow, its second record at 00:30 on the 27th
    branches, specialists = network
    kamchatka, moscow = branches
    kamchatka.timezone, moscow.timezone = "Asia/Kamchatka", "Europe/Moscow"
    for company in branches:
        company.save(update_fields=["timezone"])
    client = Client.objects.create(chain=tenant_a.chain, name="Полуночница", phone="+79005560101")
    with TestCase.captureOnCommitCallbacks(execute=True):
        trip = Visit.objects.create(company=moscow, chain=moscow.chain, client=client)
        start = datetime.datetime(2026, 3, 26, 23, 30, tzinfo=ZoneInfo("Europe/Moscow"))
        for at in (start, start + datetime.timedelta(hours=1)):
            _record(moscow, specialists[1], trip, client, at, RecordStatus.COMPLETED)
        # and a visit to Kamchatka at 09:00 local on the 27th (26th, 21:00 UTC: before Moscow's midnight)
        later = datetime.datetime(2026, 3, 27, 9, 0, tzinfo=ZoneInfo("Asia/Kamchatka"))
        trip = Visit.objects.create(company=kamchatka, chain=kamchatka.chain, client=client)
        _record(kamchatka, specialists[0], trip, client, later, RecordStatus.COMPLETED)

    the_27th = Period(datetime.date(2026, 3, 27), datetime.date(2026, 3, 27))
    # then: on the 27th in Moscow she came (her record past midnight) and is not new (she first
    # came on the 26th there); in Kamchatka her first record (26th, 20:30 UTC) is after the 27th's
    # midnight there (26th, 12:00 UTC): new — the records' answer, which the facts give too
    assert overview.clients([moscow], the_27th) == Clients(new=0, returning=1)
    assert overview.clients([kamchatka], the_27th) == Clients(new=1, returning=0)
    assert overview.clients(branches, the_27th) == Clients(new=1, returning=0)
    assert overview.clients_by_branch(branches, the_27th) == {
        kamchatka.pk: Clients(new=1, returning=0),
        moscow.pk: Clients(new=0, returning=1),
    }
    _assert_facts_equal_records(branches, the_27th)


def test_the_owner_sees_a_client_checked_out_a_moment_ago(network, tenant_a, django_assert_num_queries):
    # given: the owner's overview of today shows nobody yet
    branches, specialists = network
    branch = branches[0]
    today = datetime.datetime.now(ZoneInfo(branch.timezone)).date()
    period = Period(today, today)
    assert overview.clients([branch], period) == Clients(0, 0)
    client = Client.objects.create(chain=tenant_a.chain, name="Только что", phone="+79005560102")
    start = datetime.datetime.combine(today, datetime.time(0, 15), tzinfo=ZoneInfo(branch.timezone))
    with TestCase.captureOnCommitCallbacks(execute=True):  # booked and arrived in earlier requests
        trip = Visit.objects.create(company=branch, chain=branch.chain, client=client)
        _record(branch, specialists[0], trip, client, start, RecordStatus.ARRIVED)
    assert overview.clients([branch], period) == Clients(0, 0)  # arrived is not came yet

    # when: the administrator checks her out (the request commits; its listeners run after it)
    with TestCase.captureOnCommitCallbacks(execute=True):
        checkout_visit(trip, payments=[Payment(make_cash_desk(branch), PaymentMethod.CASH, Decimal("2000"))])

    # then: the owner's next look counts her as a new client, in one query (nothing left to refresh)
    with django_assert_num_queries(1):
        assert overview.clients([branch], period) == Clients(new=1, returning=0)
    with django_assert_num_queries(1):
        assert overview.clients(branches, period) == Clients(new=1, returning=0)
    with django_assert_num_queries(1):
        assert overview.clients_by_branch(branches, period)[branch.pk] == Clients(new=1, returning=0)
    assert ClientDay.objects.filter(client=client).count() == 1


def test_several_branches_that_are_not_the_whole_network_count_each_client_once(network, tenant_a):
    # given: a third branch of the network, left out of what is read; a client came to it before
    # the period and to both other branches in it
    branches, specialists = network
    from frontdesk.tenancy.models import Company

    third = Company.objects.create(chain=tenant_a.chain, name="Третий филиал", timezone=branches[0].timezone)
    third_master = make_specialist(third, "Мастер 3", [make_service(third, "Стрижка", duration=60, price=2000)])
    client = Client.objects.create(chain=tenant_a.chain, name="Везде", phone="+79005560103")
    with TestCase.captureOnCommitCallbacks(execute=True):
        for company, master, day in ((third, third_master, 1), (branches[0], specialists[0], 3)):
            trip = Visit.objects.create(company=company, chain=company.chain, client=client)
            _record(company, master, trip, client, _moment(company, day, 600), RecordStatus.COMPLETED)
        trip = Visit.objects.create(company=branches[1], chain=branches[1].chain, client=client)
        _record(branches[1], specialists[1], trip, client, _moment(branches[1], 3, 900), RecordStatus.COMPLETED)

    period = Period(FIRST_DAY + datetime.timedelta(days=2), FIRST_DAY + datetime.timedelta(days=4))
    # then: one returning client of the two branches read (her earlier visit was at the third)
    assert overview.clients(branches, period) == Clients(new=0, returning=1)
    assert overview.clients(branches, period) == overview._clients_from_records(branches, period)
    everything = [*branches, third]
    assert overview.clients(everything, period) == overview._clients_from_records(everything, period)
