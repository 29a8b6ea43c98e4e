"""Availability engine benchmark (issue 4): a branch with 50 specialists and a year of records
(about 150,000), generated once. Prints p50/p95 (warm, one process) and SQL query counts.
Last, the journal's day view: its events endpoint for one day of a branch with 20 specialists
(a year of records too), through django.test.Client with the owner logged in.

    .venv/bin/python bench/availability.py                   # SQLite (bench/ database of its own)
    DATABASE_URL=postgres://… .venv/bin/python bench/availability.py
"""

import datetime
import random
import time
import warnings
from zoneinfo import ZoneInfo

from _setup import django_setup, percentile

django_setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from frontdesk.accounts.models import Membership, User  # noqa: E402
from frontdesk.accounts.permissions import Role  # noqa: E402
from frontdesk.catalog.models import Service, ServiceCategory  # noqa: E402
from frontdesk.core.scopes import scope, scopes_disabled  # noqa: E402
from frontdesk.scheduling import journal  # noqa: E402
from frontdesk.scheduling.availability import Query, Segment, find_slots  # noqa: E402
from frontdesk.scheduling.models import Record, RecordService, Visit  # noqa: E402
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval  # noqa: E402
from frontdesk.tenancy.models import Chain, Company  # noqa: E402

TZ = ZoneInfo("Europe/Moscow")
SPECIALISTS = 50
TODAY = datetime.date(2027, 1, 11)  # fixed, so that runs compare; a Monday
FIRST_DAY = TODAY - datetime.timedelta(days=180)
DAYS = 365
BENCH_CHAIN = "Benchmark network"
JOURNAL_SPECIALISTS = 20
JOURNAL_BRANCH = "Bench branch, 20 specialists"
BENCH_OWNER = "bench-owner@example.com"


def local(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def build(company_name: str, fill: bool, specialist_count: int = SPECIALISTS):
    """50 specialists, 10 services, shifts 10:00–14:00 + 15:00–21:00 every day of the year.
    `fill=False`: about 8 records a day each (≈150,000). `fill=True`: every minute booked."""
    chain = Chain.objects.get_or_create(name=BENCH_CHAIN)[0]
    company = Company.unscoped.create(chain=chain, name=company_name, timezone="Europe/Moscow", onboarded=True)
    category = ServiceCategory.objects.create(company=company, chain=chain, title="Услуги")
    services = [
        Service.objects.create(
            company=company,
            chain=chain,
            category=category,
            title=f"Услуга {n}",
            duration=(30, 45, 60, 90)[n % 4],
            buffer_after=(0, 10)[n % 2],
            price_min=1000,
            price_max=1000,
        )
        for n in range(10)
    ]
    specialists = []
    for n in range(specialist_count):
        specialist = Specialist.objects.create(chain=chain, name=f"Мастер {n}")
        specialist.companies.add(company)
        specialists.append(specialist)
    SpecialistService.objects.bulk_create(
        SpecialistService(chain=chain, specialist=s, service=v) for s in specialists for v in services
    )
    days = range(30) if fill else range(DAYS)
    first = TODAY if fill else FIRST_DAY
    intervals = []
    for s in specialists:
        for d in days:
            day = first + datetime.timedelta(days=d)
            intervals.append(
                WorkInterval(
                    company=company, chain=chain, specialist=s, date=day, start=datetime.time(10), end=datetime.time(14)
                )
            )
            intervals.append(
                WorkInterval(
                    company=company, chain=chain, specialist=s, date=day, start=datetime.time(15), end=datetime.time(21)
                )
            )
    WorkInterval.objects.bulk_create(intervals, batch_size=5000)

    rng = random.Random(7)
    pending = []
    for s in specialists:
        for d in days:
            day = first + datetime.timedelta(days=d)
            if fill:
                starts = [local(day, h) for h in list(range(10, 14)) + list(range(15, 21))]
                lengths = [60] * len(starts)
            else:
                starts, lengths = [], []
                for hour in rng.sample([10, 11, 12, 13, 15, 16, 17, 18, 19, 20], 8):
                    starts.append(local(day, hour))
                    lengths.append(rng.choice([30, 45]))
            for start, length in zip(starts, lengths, strict=True):
                pending.append((s, start, length))
    print(f"  generating {len(pending):,} records for {company_name} …", flush=True)
    for offset in range(0, len(pending), 5000):
        chunk = pending[offset : offset + 5000]
        visits = Visit.objects.bulk_create(Visit(company=company, chain=chain) for _ in chunk)
        records = Record.objects.bulk_create(
            Record(
                company=company,
                chain=chain,
                visit=v,
                specialist=s,
                start=start,
                end=start + datetime.timedelta(minutes=length),
                block_start=start,
                block_end=start + datetime.timedelta(minutes=length),
            )
            for v, (s, start, length) in zip(visits, chunk, strict=True)
        )
        RecordService.objects.bulk_create(
            RecordService(record=r, chain=chain, service=services[0], start=r.start, duration=length, price=1000)
            for r, (_s, _start, length) in zip(records, chunk, strict=True)
        )
    return company


def measure(label, query, runs=60):
    with scope(query.company.chain_id):
        for _ in range(3):
            find_slots(query)
        with CaptureQueriesContext(connection) as queries:
            slots = find_slots(query)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            find_slots(query)
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"{label:<44} p50 {percentile(timings, 50):7.2f} ms   p95 {percentile(timings, 95):7.2f} ms   "
        f"{len(queries.captured_queries)} queries   {len(slots):>5} free starts"
    )


def journal_owner(chain) -> User:
    """The network's owner, who sees every column of the journal."""
    owner = User.objects.filter(email=BENCH_OWNER).first()
    if owner is None:
        owner = User.objects.create_user(email=BENCH_OWNER, password=None, name="Bench owner", language="en")
        Membership.objects.create(chain=chain, user=owner, role=Role.OWNER, all_companies=True)
    return owner


def measure_journal(company, owner, day, runs=40):
    """Server time of the journal's day view: the events endpoint the calendar calls for one day,
    through the whole Django stack (session, middleware, permissions, JSON)."""
    # WhiteNoise warns that collectstatic has not run; the endpoint serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    client = Client(SERVER_NAME="localhost")
    client.force_login(owner, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
    url = f"/c/{company.pk}/journal/events/"
    params = {"start": day.isoformat(), "end": (day + datetime.timedelta(days=1)).isoformat()}
    with scope(company.chain_id):  # the journal's own choice of columns for this day
        columns = len(journal.column_specialists(company, day, day, journal.Viewer(own_only=False, specialist_id=None)))
    for _ in range(3):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    # Counted now: the next request clears Django's query log.
    query_count = len(queries.captured_queries)
    records = sum(1 for e in response.json()["events"] if e["extendedProps"]["kind"] == "record")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
    label = f"journal day view, {columns} specialists (server)"
    print(
        f"{label:<44} p50 {percentile(timings, 50):7.2f} ms   p95 {percentile(timings, 95):7.2f} ms   "
        f"{query_count} queries   {records:>5} records"
    )


def main():
    with scopes_disabled():
        normal = Company.unscoped.filter(chain__name=BENCH_CHAIN, name="Bench branch").first()
        full = Company.unscoped.filter(chain__name=BENCH_CHAIN, name="Bench branch, fully booked").first()
        if normal is None or full is None:
            print("Generating benchmark data (once) …", flush=True)
            with transaction.atomic():
                normal = build("Bench branch", fill=False)
                full = build("Bench branch, fully booked", fill=True)
            # Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        journal_branch = Company.unscoped.filter(chain__name=BENCH_CHAIN, name=JOURNAL_BRANCH).first()
        if journal_branch is None:
            # Added after the first two branches: older benchmark databases grow it on their next run.
            print("Generating the journal's 20-specialist branch (once) …", flush=True)
            with transaction.atomic():
                journal_branch = build(JOURNAL_BRANCH, fill=False, specialist_count=JOURNAL_SPECIALISTS)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        owner = journal_owner(normal.chain)
        records = Record.unscoped.filter(company=normal).count()
        first_specialist = Specialist.unscoped.filter(companies=normal).order_by("pk").first()
        service = Service.unscoped.filter(company=normal).order_by("pk").first()
        full_service = Service.unscoped.filter(company=full).order_by("pk").first()

    print(f"Database: {connection.vendor}; branch with {SPECIALISTS} specialists and {records:,} records")
    now = datetime.datetime.combine(TODAY, datetime.time(), tzinfo=TZ)
    day = TODAY + datetime.timedelta(days=3)
    month_end = day + datetime.timedelta(days=29)
    measure(
        "one specialist × one day",
        Query(company=normal, segments=[Segment(service.pk, first_specialist.pk)], date_from=day, date_to=day, now=now),
    )
    measure(
        "any of 50 specialists × one day",
        Query(company=normal, segments=[Segment(service.pk)], date_from=day, date_to=day, now=now),
    )
    measure(
        "50 specialists × 30 days",
        Query(company=normal, segments=[Segment(service.pk)], date_from=day, date_to=month_end, now=now),
        runs=20,
    )
    measure(
        "50 specialists × 30 days, nothing free",
        Query(
            company=full,
            segments=[Segment(full_service.pk)],
            date_from=TODAY,
            date_to=TODAY + datetime.timedelta(days=29),
            now=now,
        ),
        runs=20,
    )
    measure_journal(journal_branch, owner, day)


if __name__ == "__main__":
    main()
