"""Payroll benchmark (issue 16): a network of 5 branches and 100 employees (20 per branch) paid
40 % of services after the discount, a shift rate and a monthly minimum, with 1,000,000 paid visit
lines over two years (scale 1), generated once with plain bulk inserts (`_bulk.insert`) and kept
in the benchmarks' own database; every month before the measured one (November 2026) is closed,
as a salon closes month by month. Prints p50/p95 of computing a branch's month in-process
(`calculation.calculate`, every employee with every line) and of whole requests: the branch's
calculation page and one employee's page for the month, with their SQL query counts.

    .venv/bin/python bench/payroll.py                  # SQLite, full size
    .venv/bin/python bench/payroll.py --scale 0.01     # 10,000 lines
    DATABASE_URL=postgres://… .venv/bin/python bench/payroll.py

Interrupted, generation resumes after the last chunk written.
"""

import argparse
import datetime
import random
import statistics
import time
from decimal import Decimal

from _setup import bench_owner, browser_for, django_setup, measure_get, percentile

django_setup()

from _bulk import insert, loading, moment, next_ids, reset_sequences  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from frontdesk.catalog.models import Service, ServiceCategory  # noqa: E402
from frontdesk.core.scopes import scopes_disabled  # noqa: E402
from frontdesk.finance.models import LineKind, Sale, SaleLine, SaleStatus  # noqa: E402
from frontdesk.payroll.calculation import calculate  # noqa: E402
from frontdesk.payroll.models import Assignment, Scheme  # noqa: E402
from frontdesk.payroll.services import close_period, next_period_start  # noqa: E402
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit  # noqa: E402
from frontdesk.staff.models import Specialist, WorkInterval  # noqa: E402
from frontdesk.tenancy.models import Chain, Company  # noqa: E402

BRANCHES = 5
PER_BRANCH = 20
FULL = 1_000_000
CHUNK = 20_000
LAST_DAY = datetime.date(2026, 11, 30)
FIRST_DAY = datetime.date(2024, 12, 1)
MONTH = (datetime.date(2026, 11, 1), LAST_DAY)


def setup_network(scale: float):
    chain, _ = Chain.objects.get_or_create(name=f"Payroll benchmark ×{scale:g}")
    companies = list(Company.unscoped.filter(chain=chain).order_by("pk"))
    if companies:
        return chain, companies
    plan = Scheme.objects.create(
        chain=chain,
        title="40 % услуг, 1 500 ₽ за смену, минимум 40 000 ₽",
        service_percent=Decimal("40"),
        per_shift=Decimal("1500"),
        minimum=Decimal("40000"),
    )
    for n in range(BRANCHES):
        company = Company.unscoped.create(chain=chain, name=f"Филиал {n}", timezone="Europe/Moscow", onboarded=True)
        companies.append(company)
        category = ServiceCategory.objects.create(chain=chain, company=company, title="Услуги")
        for title, price in (("Стрижка", 2500), ("Окрашивание", 6500), ("Маникюр", 2200), ("Укладка", 1800)):
            Service.objects.create(
                chain=chain, company=company, category=category, title=title, price_min=price, price_max=price
            )
        for k in range(PER_BRANCH):
            specialist = Specialist.objects.create(chain=chain, name=f"Мастер {n}-{k:02d}")
            specialist.companies.add(company)
            Assignment.objects.create(
                chain=chain, company=company, specialist=specialist, scheme=plan, valid_from=FIRST_DAY
            )
            WorkInterval.objects.bulk_create(
                [
                    WorkInterval(
                        chain=chain,
                        company=company,
                        specialist=specialist,
                        date=MONTH[0] + datetime.timedelta(days=d),
                        start=datetime.time(10),
                        end=datetime.time(20),
                    )
                    for d in range(30)
                    if (d + k) % 4 < 2  # 2/2
                ]
            )
    return chain, companies


def generate(chain, companies, total: int):
    """One visit = one record = one service line = one paid sale, spread over two years."""
    written = SaleLine.objects.filter(chain=chain).count()
    staff = {c.pk: list(Specialist.objects.filter(companies=c).values_list("pk", flat=True)) for c in companies}
    services = {
        c.pk: list(Service.objects.filter(company=c).values_list("pk", "title", "price_min")) for c in companies
    }
    days = (LAST_DAY - FIRST_DAY).days + 1
    loading()
    started = time.perf_counter()
    while written < total:
        size = min(CHUNK, total - written)
        rng = random.Random(written)
        with transaction.atomic():
            visit_ids, record_ids = next_ids(Visit, size), next_ids(Record, size)
            line_ids, sale_ids, sale_line_ids = (
                next_ids(RecordService, size),
                next_ids(Sale, size),
                next_ids(SaleLine, size),
            )
            visits, records, lines, sales, sale_lines = [], [], [], [], []
            for n in range(size):
                company = rng.choice(companies)
                specialist = rng.choice(staff[company.pk])
                service_id, title, price = rng.choice(services[company.pk])
                day = FIRST_DAY + datetime.timedelta(days=rng.randrange(days))
                start = datetime.datetime.combine(day, datetime.time(9 + rng.randrange(11)), tzinfo=company.tz)
                end = start + datetime.timedelta(minutes=60)
                discount = Decimal(rng.choice((0, 0, 0, 200, 500)))
                visits.append((visit_ids[n], chain.pk, company.pk))
                records.append(
                    (
                        record_ids[n], chain.pk, company.pk, visit_ids[n], specialist,
                        moment(start), moment(end), moment(start), moment(end), RecordStatus.COMPLETED, True,
                        moment(end), moment(end),
                    )
                )  # fmt: skip
                lines.append((line_ids[n], chain.pk, record_ids[n], service_id, moment(start), 60, price, 0))
                total_ = price - discount
                sales.append(
                    (
                        sale_ids[n],
                        chain.pk,
                        company.pk,
                        visit_ids[n],
                        price,
                        discount,
                        total_,
                        total_,
                        0,
                        SaleStatus.PAID,
                    )
                )
                sale_lines.append(
                    (
                        sale_line_ids[n],
                        chain.pk,
                        sale_ids[n],
                        LineKind.SERVICE,
                        "",
                        line_ids[n],
                        service_id,
                        title,
                        price,
                        1,
                        price,
                        0,
                        "",
                        0,
                    )
                )
            insert(Visit, ("id", "chain_id", "company_id"), visits)
            insert(
                Record,
                ("id", "chain_id", "company_id", "visit_id", "specialist_id", "start", "end", "block_start",
                 "block_end", "status", "overbooked", "created_at", "updated_at"),
                records,
            )  # fmt: skip
            insert(
                RecordService,
                ("id", "chain_id", "record_id", "service_id", "start", "duration", "price", "position"),
                lines,
            )
            insert(
                Sale,
                (
                    "id",
                    "chain_id",
                    "company_id",
                    "visit_id",
                    "subtotal",
                    "discount",
                    "total",
                    "paid",
                    "refunded",
                    "status",
                ),
                sales,
            )
            insert(
                SaleLine,
                (
                    "id",
                    "chain_id",
                    "sale_id",
                    "kind",
                    "ref",
                    "record_service_id",
                    "service_id",
                    "title",
                    "price",
                    "quantity",
                    "amount",
                    "returned",
                    "vat",
                    "position",
                ),
                sale_lines,
            )
        written += size
        rate = written / max(time.perf_counter() - started, 0.001)
        print(f"  {written:,} paid lines ({rate:,.0f}/s)", flush=True)
    reset_sequences(Visit, Record, RecordService, Sale, SaleLine)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def close_months(companies):
    """Close every month before the one measured, as a salon does month by month: the open days
    (and what a payout may take) then start at the measured month."""
    for company in companies:
        first = next_period_start(company) or FIRST_DAY
        while first < MONTH[0]:
            last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
            close_period(company, first, last)
            first = last + datetime.timedelta(days=1)
        print(f"  {company.name}: closed up to {MONTH[0] - datetime.timedelta(days=1)}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 paid visit lines")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with scopes_disabled():
        chain, companies = setup_network(args.scale)
        generate(chain, companies, int(FULL * args.scale))
        close_months(companies)
        company = companies[0]
        lines = SaleLine.objects.filter(chain=chain).count()
        owner = bench_owner(chain, f"bench-payroll-{chain.pk}@example.com")
        specialist = Specialist.objects.filter(companies=company).order_by("pk").first()
        times = []
        for run in range(args.runs + 2):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                payroll = calculate(company, *MONTH)
            if run >= 2:
                times.append((time.perf_counter() - started) * 1000)
    print(
        f"{connection.vendor}: {lines:,} paid lines, {len(companies)} branches, "
        f"{BRANCHES * PER_BRANCH} employees; a branch's month: {len(payroll.lines):,} lines"
    )
    print(f"{'what':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    print(
        f"{'a branch month, calculate() in-process':58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {len(captured):8d}"
    )
    month = {"from": MONTH[0].isoformat(), "to": MONTH[1].isoformat()}
    cases = [
        ("a branch month, the calculation page", reverse("payroll:index", args=[company.pk])),
        ("one employee's month, their page", reverse("payroll:employee", args=[company.pk, specialist.pk])),
    ]
    with browser_for(owner) as browser:
        for title, path in cases:
            took, queries = measure_get(browser, path, lambda: month, runs=args.runs)
            print(f"{title:58} {statistics.median(took):8.1f} {percentile(took, 95):8.1f} {queries:8d}", flush=True)


if __name__ == "__main__":
    main()
