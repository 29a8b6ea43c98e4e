"""The clients reports equal a naive recomputation from the raw records, for random visit histories
in two branches whose time zones differ (summer time included): new, returning, lost and
reactivated clients per bucket and over the period, with and without a specialist filter; every
retention cohort's size, 30/60/90-day shares and month-by-month shares; churn per month.

The naive model reads every record, builds each client's visits, and asks the lost rule of
`clients/lost.py` with the visits, first and latest start of each prefix of the history — what
`ClientStats` held at that moment — without the reports' shortcuts (reading only the clients
ClientStats names, from the window's first day, and the replay's running maximum)."""

import datetime
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports import base, periods
from frontdesk.analytics.reports.retention import CHURN_DAYS, MAX_COHORTS, RETURN_DAYS
from frontdesk.clients.lost import lost_after
from frontdesk.clients.models import Client
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist

pytestmark = pytest.mark.django_db

ZONES = ["Europe/Moscow", "Europe/London", "Asia/Kamchatka", "America/New_York"]
BASE = datetime.date(2025, 1, 1)
SPAN = 420  # days of history
CLIENTS = 4

visit = st.tuples(
    st.integers(0, CLIENTS - 1),
    st.integers(0, 1),  # branch
    st.integers(0, 1),  # specialist of the branch
    # Visits bunch up (so that regulars appear) and spread out (so that they get lost).
    st.one_of(st.integers(0, SPAN), st.integers(0, 40).map(lambda n: 150 + n)),
    st.sampled_from([0, 30, 23 * 60 + 30, 12 * 60]),  # minutes: midnight and late evening show a wrong zone
    st.sampled_from([RecordStatus.COMPLETED] * 4 + [RecordStatus.NO_SHOW, RecordStatus.CANCELLED]),
    st.one_of(st.none(), st.sampled_from([RecordStatus.COMPLETED, RecordStatus.CANCELLED])),  # a second record
)

# A regular: visits every `gap` days (then lost 30+ days after the last, or back after a pause).
regular = st.tuples(
    st.just("regular"),
    st.integers(0, CLIENTS - 1),
    st.integers(0, 1),
    st.integers(0, SPAN),
    st.integers(5, 40),
    st.integers(3, 5),
)

# Later changes of a record drawn from those made: its status, its day.
change = st.one_of(
    st.tuples(st.just("status"), st.integers(0, 60), st.sampled_from(RecordStatus.values)),
    st.tuples(st.just("move"), st.integers(0, 60), st.integers(0, SPAN)),
)


@pytest.fixture
def network(tenant_a):
    branches = tenant_a.companies
    services = [make_service(company, "Стрижка") for company in branches]
    specialists = [
        [make_specialist(company, f"Мастер {n}-{k}", [services[n]]) for k in range(2)]
        for n, company in enumerate(branches)
    ]
    clients = [Client.objects.create(chain=tenant_a.chain, name=f"К {n}", phone=f"+7900777000{n}") for n in range(4)]
    return branches, services, specialists, clients


def _add(network, op):
    if op[0] in ("status", "move"):
        records = list(Record.objects.order_by("pk"))
        if not records:
            return
        record = records[op[1] % len(records)]
        if op[0] == "status":
            record.status = op[2]
        else:
            shift = BASE + datetime.timedelta(days=op[2]) - record.start.astimezone(record.company.tz).date()
            record.start, record.end = record.start + shift, record.end + shift
            record.block_start, record.block_end = record.start, record.end
        record.save()
        return
    if op[0] == "regular":
        _, client, n, day, gap, count = op
        for k in range(count):
            _add(network, (client, n, k % 2, day + gap * k, 12 * 60, RecordStatus.COMPLETED, None))
        return
    branches, services, specialists, clients = network
    client, n, k, day, minute, status, second = op
    company = branches[n]
    local = datetime.datetime.combine(BASE + datetime.timedelta(days=day), datetime.time.min)
    start = (local + datetime.timedelta(minutes=minute)).replace(tzinfo=ZoneInfo(company.timezone))
    record_visit = Visit.objects.create(company=company, chain=company.chain, client=clients[client])
    parts = [(start, status, specialists[n][k])]
    if second is not None:
        parts.append((start + datetime.timedelta(hours=2), second, specialists[n][1 - k]))
    for moment, state, specialist in parts:
        end = moment + datetime.timedelta(hours=1)
        record = Record.objects.create(
            company=company,
            chain=company.chain,
            visit=record_visit,
            client=clients[client],
            specialist=specialist,
            start=moment,
            end=end,
            block_start=moment,
            block_end=end,
            status=state,
            overbooked=True,
        )
        RecordService.objects.create(
            chain=company.chain, record=record, service=services[n], start=moment, duration=60, price=1
        )


# -- the naive model -------------------------------------------------------------------------


def naive_histories(zones, specialist=None):
    """{client: [(moment, starts, company, local date, matches)]} from every completed record."""
    by_visit = defaultdict(list)
    for client_id, visit_id, start, company_id, specialist_id in Record.objects.filter(
        status=RecordStatus.COMPLETED, client__isnull=False
    ).values_list("client_id", "visit_id", "start", "company_id", "specialist_id"):
        by_visit[(client_id, visit_id, company_id)].append((start, specialist_id))
    histories = defaultdict(list)
    for (client_id, _visit, company_id), parts in by_visit.items():
        moment = min(start for start, _ in parts)
        matches = specialist is None or any(s == specialist.pk for _, s in parts)
        day = moment.astimezone(zones[company_id]).date()
        histories[client_id].append((moment, [start for start, _ in parts], company_id, day, matches))
    return {client: sorted(visits, key=lambda v: v[0]) for client, visits in histories.items()}


def naive_lapses(visits, zones, now):
    """(local date, visit before, visit after or None) of every time the client became lost."""
    out = []
    for index in range(len(visits)):
        starts = [start for v in visits[: index + 1] for start in v[1]]
        moment = lost_after(index + 1, min(starts), max(starts))
        if moment is None:
            continue
        after = visits[index + 1] if index + 1 < len(visits) else None
        if moment < now and (after is None or after[0] > moment):
            out.append((moment.astimezone(zones[visits[index][2]]).date(), visits[index], after))
    return out


def naive_clients(read, first, last, zones, now, specialist=None):
    came, new, lost, back = set(), set(), set(), set()
    for client, visits in naive_histories(zones, specialist).items():
        for v in visits:
            if v[2] in read and v[4] and first <= v[3] <= last:
                came.add(client)
        if client in came and first <= visits[0][3] <= last:
            new.add(client)
        for day, before, after in naive_lapses(visits, zones, now):
            if before[2] in read and before[4] and first <= day <= last:
                lost.add(client)
            if after is not None and after[2] in read and after[4] and first <= after[3] <= last:
                back.add(client)
    return [len(came), len(new), len(came - new), len(lost), len(back)]


def _month(day, k=0):
    index = day.year * 12 + day.month - 1 + k
    return datetime.date(index // 12, index % 12 + 1, 1)


def _share(n, size):
    return (Decimal(n) / Decimal(size)).quantize(Decimal("0.0001")) if size else None


def naive_retention(read, period, zones, today):
    as_of = min(period.last, today)
    if as_of < period.first:  # a period still to come has no cohorts
        return [], []
    months = []
    month = _month(period.first)
    while month <= as_of:
        months.append(month)
        month = _month(month, 1)
    months = months[-MAX_COHORTS:]
    histories = naive_histories(zones)
    lead, cells = [], []
    for month in months:
        members = [
            visits
            for visits in histories.values()
            if visits[0][2] in read and _month(visits[0][3]) == month and visits[0][3] <= as_of
        ]
        last_day = _month(month, 1) - datetime.timedelta(days=1)
        row = [len(members)]
        for days in RETURN_DAYS:
            back = sum(
                1
                for visits in members
                if any(v[2] in read and 0 < (v[3] - visits[0][3]).days <= days and v[3] <= as_of for v in visits[1:])
            )
            row.append(_share(back, len(members)) if last_day + datetime.timedelta(days=days) <= as_of else None)
        lead.append(row)
        line = []
        for k in range(1, len(months)):
            if _month(month, k) > _month(as_of):
                line.append(None)
                continue
            active = sum(
                1
                for visits in members
                if any(v[2] in read and _month(v[3]) == _month(month, k) and v[3] <= as_of for v in visits)
            )
            line.append(_share(active, len(members)))
        cells.append(line)
    return lead, cells


def naive_churn(read, period, zones, today):
    histories = naive_histories(zones)
    window = datetime.timedelta(days=CHURN_DAYS)
    out = []
    month = _month(period.first)
    while month <= period.last:
        active = churned = 0
        for visits in histories.values():
            days = [v[3] for v in visits if v[2] in read]
            if any(month - window <= d < month for d in days):
                active += 1
                churned += not any(month <= d < month + window for d in days)
        done = month + window <= today
        out.append([active, active - churned if done else None, churned if done else None,
                    _share(churned, active) if done else None])  # fmt: skip
        month = _month(month, 1)
    return out


# -- the property ----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    ops=st.lists(st.one_of(visit, visit, regular, change), min_size=1, max_size=12),
    first=st.integers(0, SPAN),
    length=st.integers(1, 200),
    now_day=st.integers(60, SPAN + 120),
    by_specialist=st.booleans(),
)
def test_the_clients_reports_equal_a_recomputation_from_the_records(
    network, zones, ops, first, length, now_day, by_specialist
):
    branches, _services, specialists, _clients = network
    with transaction.atomic():
        for company, zone in zip(branches, zones, strict=True):
            company.timezone = zone
            company.save(update_fields=["timezone"])
        # The facts' listeners run after the commit: here, at the end of this block.
        with TestCase.captureOnCommitCallbacks(execute=True):
            for op in ops:
                _add(network, op)
        tz = {company.pk: ZoneInfo(zone) for company, zone in zip(branches, zones, strict=True)}
        period = Period(BASE + datetime.timedelta(days=first), BASE + datetime.timedelta(days=first + length - 1))
        now = datetime.datetime.combine(
            BASE + datetime.timedelta(days=now_day), datetime.time(12), tzinfo=ZoneInfo("UTC")
        )
        specialist = specialists[0][0] if by_specialist else None
        for companies in ([branches[0]], [branches[1]], branches):
            read = {company.pk for company in companies}

            def build(key, scope=companies, span=period, **extra):
                filters = base.Filters(companies=tuple(scope), period=span, chain=branches[0].chain, now=now, **extra)
                return base.get(key)().build(filters)

            table = build("clients", specialist=specialist).tables[0]
            assert table.totals[1:] == naive_clients(read, period.first, period.last, tz, now, specialist)
            grain = periods.grain_for(period)
            for day, row in zip(periods.buckets(period, grain), table.rows, strict=True):
                end = min(period.last, _next(day, grain) - datetime.timedelta(days=1))
                assert row[1:] == naive_clients(read, max(day, period.first), end, tz, now, specialist)

            today = min(now.astimezone(tz[pk]).date() for pk in read)
            heat = build("retention").heatmap
            lead, cells = naive_retention(read, period, tz, today)
            assert heat.lead == lead
            assert heat.cells == cells

            churn = build("churn").tables[0].rows
            assert [row[1:] for row in churn] == naive_churn(read, period, tz, today)
        transaction.set_rollback(True)


def _next(day, grain):
    if grain == periods.MONTH:
        return _month(day, 1)
    return day + datetime.timedelta(days=7 if grain == periods.WEEK else 1)
