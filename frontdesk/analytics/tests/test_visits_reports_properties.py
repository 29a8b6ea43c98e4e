"""The visits reports (booking sources, cancellations) and the branch comparison's per-branch
figures equal a naive recomputation from the raw rows, for any mix of statuses, sources, series,
reasons, cancellation times and client categories, in two branches whose time zones differ."""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics import overview
from frontdesk.analytics.overview import CAME, STATUS_GROUPS, Period
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.reports.cancellations import Cancellations
from frontdesk.analytics.reports.sources import BookingSources
from frontdesk.analytics.tests.test_overview_properties import (
    DAYS,
    FIRST_DAY,
    ZONES,
    _apply,
    minutes,
    network,  # noqa: F401  (the fixture)
    operations,
)
from frontdesk.clients.models import Client, ClientCategory
from frontdesk.scheduling.models import (
    CancelledBy,
    CancelReason,
    Record,
    RecordSeries,
    RecordService,
    RecordSource,
    RecordStatus,
    Visit,
)
from frontdesk.scheduling.tests.factories import make_service, make_specialist

pytestmark = pytest.mark.django_db

CLIENTS = 4

record = st.fixed_dictionaries(
    {
        "branch": st.integers(0, 1),
        "day": st.integers(-1, DAYS),
        "minute": minutes,
        "client": st.one_of(st.none(), st.integers(0, CLIENTS - 1)),
        "source": st.sampled_from(RecordSource.values),
        "series": st.booleans(),
        "status": st.sampled_from(RecordStatus.values),
        "reason": st.sampled_from(["", *CancelReason.values]),
        "by": st.sampled_from(CancelledBy.values),
        # Minutes before the start the cancellation came (negative: after it); None: not recorded.
        "lead": st.one_of(st.none(), st.sampled_from([-30, 0, 1, 119, 120, 600, 1439, 1440, 4319, 4320, 9000])),
    }
)


@pytest.fixture
def salon(tenant_a):
    chain = tenant_a.chain
    branches = tenant_a.companies
    services = [make_service(company, "Стрижка", duration=60) for company in branches]
    specialists = [make_specialist(company, f"Мастер {n}", [services[n]]) for n, company in enumerate(branches)]
    vip = ClientCategory.objects.create(chain=chain, title="VIP")
    new = ClientCategory.objects.create(chain=chain, title="Новые")
    clients = [Client.objects.create(chain=chain, name=f"Клиент {n}", phone=f"+7900555100{n}") for n in range(CLIENTS)]
    clients[0].categories.set([vip])
    clients[1].categories.set([vip, new])
    clients[2].categories.set([new])
    return branches, services, specialists, clients, (vip, new)


def _create(salon, row) -> Record:
    branches, services, specialists, clients, _categories = salon
    company = branches[row["branch"]]
    date = FIRST_DAY + datetime.timedelta(days=row["day"])
    start = datetime.datetime.combine(date, datetime.time.min, tzinfo=ZoneInfo(company.timezone)) + datetime.timedelta(
        minutes=row["minute"]
    )
    common = {"company": company, "chain": company.chain}
    client = clients[row["client"]] if row["client"] is not None else None
    record = Record(
        visit=Visit.objects.create(client=client, **common),
        client=client,
        specialist=specialists[row["branch"]],
        start=start,
        end=start + datetime.timedelta(minutes=60),
        block_start=start,
        block_end=start + datetime.timedelta(minutes=60),
        source=row["source"],
        series=RecordSeries.objects.create(**common) if row["series"] else None,
        overbooked=True,
        **common,
    )
    record.mark_status(row["status"], reason=row["reason"], by=row["by"])
    if record.cancelled_at is not None:
        record.cancelled_at = None if row["lead"] is None else start - datetime.timedelta(minutes=row["lead"])
    record.save()
    RecordService.objects.create(
        chain=company.chain, record=record, service=services[row["branch"]], start=start, duration=60, price=1000
    )
    return record


def _set_zones(branches, zones):
    for company, zone in zip(branches, zones, strict=True):
        company.timezone = zone
        company.save(update_fields=["timezone"])


def _period(first, length) -> Period:
    return Period(
        FIRST_DAY + datetime.timedelta(days=first), FIRST_DAY + datetime.timedelta(days=min(first + length, DAYS) - 1)
    )


def _in(record, period) -> bool:
    return period.first <= record.start.astimezone(ZoneInfo(record.company.timezone)).date() <= period.last


def _group(status) -> str:
    return next(name for name, statuses in STATUS_GROUPS.items() if status in statuses)


def _lead_key(record) -> str:
    if record.cancelled_at is None:
        return "lead_unknown"
    before = record.start - record.cancelled_at
    hours = datetime.timedelta(hours=1)
    if before <= datetime.timedelta(0):
        return "lead_after"
    if before <= 2 * hours:
        return "lead_2h"
    if before <= 24 * hours:
        return "lead_24h"
    if before <= 72 * hours:
        return "lead_3d"
    return "lead_more"


def _keyed(table) -> dict:
    return dict(zip(table.keys, table.rows, strict=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    rows=st.lists(record, min_size=1, max_size=25),
    first=st.integers(0, DAYS - 1),
    length=st.integers(1, DAYS),
)
def test_sources_and_cancellations_equal_a_recomputation(salon, zones, rows, first, length):
    branches = salon[0]
    with transaction.atomic():
        _set_zones(branches, zones)
        records = [_create(salon, row) for row in rows]
        period = _period(first, length)
        for companies in ([branches[0]], branches):
            filters = Filters(companies=tuple(companies), period=period, chain=branches[0].chain)
            seen = [r for r in records if r.company in companies and _in(r, period)]

            # Booking sources: records, each status group and the shares, per source and repeat.
            sources = BookingSources().build(filters)
            for source, table_row in _keyed(sources.tables[0]).items():
                mine = [r for r in seen if r.source == source]
                groups = Counter(_group(r.status) for r in mine)
                assert table_row[1:6] == [len(mine), *[groups[name] for name in STATUS_GROUPS]]
                assert table_row[6] == (groups["came"] / len(mine) if mine else None)
            assert sources.tables[0].totals[1] == len(seen)
            repeat = [r for r in seen if r.series_id]
            assert sources.tables[1].rows[0][1] == len(repeat)
            assert sources.tables[1].rows[0][4] == sum(r.status == RecordStatus.CANCELLED for r in repeat)
            assert sum(sum(s.values) for s in sources.chart.series if s.stack == "source") == len(seen)

            # Cancellations: by reason, by whom and how long before, by specialist, by category.
            result = Cancellations().build(filters)
            lost = [r for r in seen if r.status in RecordStatus.LOST]
            reasons = Counter(r.cancel_reason for r in lost)
            assert {key: row[1] for key, row in _keyed(result.tables[0]).items()} == dict(reasons)
            cancelled = [r for r in lost if r.status == RecordStatus.CANCELLED]
            who = _keyed(result.tables[1]) if cancelled else {}
            expected = Counter(r.cancelled_by for r in cancelled) + Counter(_lead_key(r) for r in cancelled)
            assert {key: row[1] for key, row in who.items() if row[1]} == dict(expected)
            by_specialist = _keyed(result.tables[2])
            for specialist_id, row in by_specialist.items():
                mine = [r for r in seen if r.specialist_id == specialist_id]
                came = sum(r.status in CAME for r in mine)
                no_show = sum(r.status == RecordStatus.NO_SHOW for r in mine)
                assert row[1:5] == [len(mine), came, sum(r.status == RecordStatus.CANCELLED for r in mine), no_show]
                assert row[6] == (no_show / (came + no_show) if came + no_show else None)
            assert sum(row[1] for row in by_specialist.values()) == len(seen)
            due = [r for r in seen if r.status in (*CAME, RecordStatus.NO_SHOW)]
            for category_id, row in _keyed(result.tables[3]).items():
                mine = [
                    r
                    for r in due
                    if (category_id is None and (r.client is None or not r.client.categories.exists()))
                    or (r.client is not None and r.client.categories.filter(pk=category_id).exists())
                ]
                assert row[1:3] == [len(mine), sum(r.status == RecordStatus.NO_SHOW for r in mine)]
        transaction.set_rollback(True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    ops=st.lists(operations, min_size=1, max_size=25),
    first=st.integers(0, DAYS - 1),
    length=st.integers(1, DAYS),
)
def test_every_branchs_figures_in_one_pass_and_the_networks_sum_equal_their_own_overview(
    network,  # noqa: F811  (the fixture)
    zones,
    ops,
    first,
    length,
):
    branches = network[0]
    with transaction.atomic():
        _set_zones(branches, zones)
        records = []
        for op in ops:
            _apply(op, network, records)
        period = _period(first, length)
        by_branch = overview.period_figures_by_branch(branches, period)
        for company in branches:
            assert by_branch[company.pk] == overview.period_figures([company], period)
        assert overview.network_figures(branches, period, by_branch) == overview.period_figures(branches, period)
        transaction.set_rollback(True)
