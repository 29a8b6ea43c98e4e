"""Analytics benchmark (issue 14): the overview on the client-base benchmark's network
(bench/clients.py generates it: 200,000 clients, ~1.8M records in 3 branches over two years),
with a paid sale for every completed visit (and a partial refund of one in twenty) added here in
SQL, and the daily facts built by the bulk rebuild (`facts.rebuild`, as `manage.py
rebuild_analytics`). Prints p50/p95 of the selectors and of whole warm requests with their query
counts.

    .venv/bin/python bench/analytics.py                      # SQLite, full size
    .venv/bin/python bench/analytics.py --scale 0.1
    .venv/bin/python bench/analytics.py --clients            # the clients reports (retention, churn, …)
    .venv/bin/python bench/analytics.py --money --scale 0.1  # revenue, average check, the builder's revenue
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics.py
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics.py --branches 1000 --records 10000000

`--money` measures the money reports for a year — Revenue and Average check read from the daily
money facts (`DayMoneyPart`) against the ledger read they replace (`sale_money.shares`, what main
ran before the facts; still the path of a category filter), and the builder's revenue by
specialist × month from the facts against sale lines and visits — for a branch and the network,
and the whole pages; the facts of the year are rebuilt first when missing.

`--branches N --records M` (PostgreSQL only) generates a network of N branches and M records
over `--days` (730) with `generate_series` (3 specialists and one service per branch, 20 records
per client, a paid sale per completed record), builds its facts with the bulk rebuild and measures
the network's and one branch's overview. Generation is resumable only as a whole: it is skipped
when the network exists.
"""

import argparse
import datetime
import io
import sys
import time
from zoneinfo import ZoneInfo

from _bulk import bare_tables
from _setup import browser_for, print_row
from clients import FULL_CLIENTS, TODAY, generate, measure, setup_network  # sets Django up
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.signals import post_delete
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.accounts.models import Membership, User
from frontdesk.accounts.permissions import Role
from frontdesk.analytics import client_facts, facts, overview
from frontdesk.analytics.builder import engine
from frontdesk.analytics.builder.models import SavedReport
from frontdesk.analytics.free_time import free_time
from frontdesk.analytics.models import ClientDay, ClientMonth, ClientVisit, DayFacts, DayMoneyPart, StaleDay
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports import average_check, base, retention, revenue, workload
from frontdesk.analytics.reports import clients as clients_report
from frontdesk.analytics.reports.base import Filters
from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.clients.models import Client, ClientCategory, ClientStats
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.models import Account, AccountKind, PaymentItem, Sale, SaleLine, Transaction
from frontdesk.finance.services import ensure_default_items
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit
from frontdesk.staff.models import Specialist, WorkInterval
from frontdesk.tenancy.models import Chain, Company


def client_base(scale: float):
    """The client-base benchmark's network at `scale` (bench/clients.py), generated on the first
    run and reused after: (chain, branches, owner)."""
    chain, companies, owner = setup_network(scale)
    generate(chain, companies, max(1000, int(FULL_CLIENTS * scale)))
    return chain, companies, owner


def measured_month() -> Period:
    """The last whole month before the benchmark network's today (December 2026)."""
    first_of_this = TODAY.date().replace(day=1)
    last = first_of_this - datetime.timedelta(days=1)
    return Period(last.replace(day=1), last)


def timed(fn, runs):
    fn()
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return times, queries


def row(title, times, queries):
    print_row(title, times, queries, width=62)


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def add_payments(chain) -> None:
    """A paid sale for every completed record of the network (one line, its service's price),
    paid when the record ended, a third in cash and the rest by card; one sale in twenty half
    refunded the next day. Plain SQL: the ORM would take an hour for two million rows."""
    if Sale.objects.filter(chain=chain).exists():
        return
    started = time.perf_counter()
    ensure_default_items(chain)
    item = PaymentItem.objects.get(chain=chain, code="services")
    for company in Company.objects.filter(chain=chain):
        Account.objects.get_or_create(company=company, chain=chain, title="Касса", kind=AccountKind.CASH)
    now = connection.ops.adapt_datetimefield_value(TODAY)
    with bare_tables(Sale, SaleLine, Transaction), transaction.atomic():
        sales = sql(
            """INSERT INTO finance_sale (chain_id, company_id, visit_id, client_id, subtotal, discount,
                   discount_source, discount_label, total, paid, refunded, status, created_by_id, created_at)
               SELECT r.chain_id, r.company_id, r.visit_id, r.client_id, rs.price, 0, '', '', rs.price,
                   rs.price, 0, 'paid', NULL, r."end"
               FROM scheduling_record r JOIN scheduling_recordservice rs ON rs.record_id = r.id
               WHERE r.chain_id = %s AND r.status = 'completed'""",
            [chain.pk],
        )
        sql(
            """INSERT INTO finance_saleline (chain_id, sale_id, kind, ref, record_service_id, service_id,
                   title, price, quantity, amount, returned, vat, position)
               SELECT s.chain_id, s.id, 'service', '', rs.id, rs.service_id, 'Услуга', rs.price, 1, rs.price,
                   0, '', 0
               FROM finance_sale s JOIN scheduling_record r ON r.visit_id = s.visit_id
                   JOIN scheduling_recordservice rs ON rs.record_id = r.id
               WHERE s.chain_id = %s""",
            [chain.pk],
        )
        sql(
            """INSERT INTO finance_transaction (chain_id, company_id, account_id, amount, method, item_id,
                   counterparty_id, sale_id, transfer_id, reverses_id, occurred_at, comment, created_by_id,
                   created_at)
               SELECT s.chain_id, s.company_id, a.id, s.total,
                   CASE WHEN s.id %% 3 = 0 THEN 'cash' ELSE 'card' END, %s, NULL, s.id, NULL, NULL,
                   s.created_at, '', NULL, %s
               FROM finance_sale s JOIN finance_account a ON a.company_id = s.company_id
               WHERE s.chain_id = %s""",
            [item.pk, now, chain.pk],
        )
        next_day = (
            "datetime(t.occurred_at, '+1 day')" if connection.vendor == "sqlite" else "t.occurred_at + interval '1 day'"
        )
        sql(
            f"""INSERT INTO finance_transaction (chain_id, company_id, account_id, amount, method, item_id,
                   counterparty_id, sale_id, transfer_id, reverses_id, occurred_at, comment, created_by_id,
                   created_at)
               SELECT t.chain_id, t.company_id, t.account_id, -ROUND(t.amount / 2, 2), t.method, t.item_id,
                   NULL, t.sale_id, NULL, t.id, {next_day}, '', NULL, %s
               FROM finance_transaction t
               WHERE t.chain_id = %s AND t.sale_id %% 20 = 0 AND t.amount > 0""",
            [now, chain.pk],
        )
    sql("ANALYZE")
    print(f"  payments: {sales:,} paid sales in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def build_facts(chain, companies, periods, again=False) -> None:
    """The facts of the dates the measured requests read (`periods`: the month, the month before
    and the same month a year back — `compare`'s three), computed as the bulk rebuild computes
    them (`facts.store`, one transaction per branch and period); skipped when the network has
    facts already (`again`: build them anyway). The rest of the years of history is never read
    here: rebuilding it all would take most of the run (docs/analytics.md)."""
    if not again and DayFacts.objects.filter(chain=chain).exists():
        return
    started, days = time.perf_counter(), 0
    for company in companies:
        for period in periods:
            with transaction.atomic():
                facts.store(company, period.first, period.last)
            days += period.days
    rows = DayFacts.objects.filter(chain=chain).count()
    print(
        f"  facts: {days:,} branch-days, {rows:,} DayFacts rows built in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    sql("ANALYZE")


def build_client_days(chain) -> None:
    """The overview's client-day facts (`ClientDay`) of every client of the network, rebuilt from the
    completed records with the code the facts' refresh runs (`client_facts._day_rows`), without
    the clients reports' facts: one pass over the records in client order, a multi-row insert per
    2,000 clients. `manage.py rebuild_client_facts` builds all three tables (about ten times the
    time at full size: the visits' lapses and churn codes); a network generated before the table
    came needs only this one for the overview. Then 1,000 clients are checked against `compute`."""
    started = time.perf_counter()
    zones = {pk: ZoneInfo(tz) for pk, tz in Company._base_manager.filter(chain=chain).values_list("pk", "timezone")}
    rows = (
        Record._base_manager.filter(chain=chain, status=RecordStatus.COMPLETED, client__isnull=False)
        .order_by("client_id")
        .values_list("client_id", "visit_id", "start", "company_id", Value(True), "chain_id")
    )
    written = 0

    def write(batch):
        days = [day for per_client in client_facts._day_rows(batch, zones).values() for day in per_client]
        client_facts._insert(ClientDay, days)
        return len(days)

    with transaction.atomic():
        ClientDay.objects.filter(chain=chain).delete()
        batch, clients, last = [], 0, None
        for row in rows.iterator(chunk_size=20_000):
            if row[0] != last:
                clients, last = clients + 1, row[0]
                if clients > client_facts.BATCH:
                    written += write(batch)
                    batch, clients = [], 1
            batch.append(row)
        written += write(batch)
    sql("ANALYZE")
    sample = list(
        ClientDay.objects.filter(chain=chain).order_by().values_list("client_id", flat=True).distinct()[:1000]
    )
    fresh = client_facts.compute(sample)
    stored: dict = {pk: [] for pk in sample}
    for day in ClientDay.objects.filter(client_id__in=sample):
        stored[day.client_id].append(day)
    differ = sum(
        client_facts._key(stored[pk], client_facts.DAY_COMPARED)
        != client_facts._key(fresh[pk].days, client_facts.DAY_COMPARED)
        for pk in sample
    )
    print(
        f"  client days: {written:,} rows built in {time.perf_counter() - started:.0f} s; "
        f"{differ} of {len(sample)} clients checked differ from compute()",
        file=sys.stderr,
    )


def measure_refresh(companies, periods, runs) -> None:
    """The daily facts' refresh of a branch (`facts.store` of the overview's three months: its
    delete of the stored rows and insert of fresh ones; each run rolled back) and its deletes
    alone, with a receiver of every model's deletes — what the event log had before it listened
    to the audited models only (a no-op here: the cost is Django loading each row before the
    DELETE once any delete receiver may want it) — and without, in the same process."""
    company = companies[0]

    def catch_all(sender, **kwargs):
        pass

    def store():
        with transaction.atomic():
            for period in periods:
                facts.store(company, period.first, period.last)
            transaction.set_rollback(True)

    def delete():
        with transaction.atomic():
            for period in periods:
                for model in facts.FACT_MODELS:
                    model.unscoped.filter(company_id=company.pk, date__gte=period.first, date__lte=period.last).delete()
            transaction.set_rollback(True)

    rows = sum(
        model.unscoped.filter(company_id=company.pk, date__gte=period.first, date__lte=period.last).count()
        for period in periods
        for model in facts.FACT_MODELS
    )
    print(f"{connection.vendor}: the facts' refresh of a branch, three months ({rows:,} fact rows)")
    print(f"{'what':62} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, connected in (("a delete receiver of every model (before)", True), ("audited models only (now)", False)):
        if connected:
            post_delete.connect(catch_all, dispatch_uid="bench.catch_all")
        try:
            row(f"facts.store, {label}", *timed(store, runs))
            row(f"its deletes alone, {label}", *timed(delete, runs))
        finally:
            post_delete.disconnect(dispatch_uid="bench.catch_all")


def measure_overview(chain, companies, owner, runs, month, now):
    print(f"{connection.vendor}: overview for {month.first} – {month.last} (with the month before and a year back)")
    print(f"{'what':62} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    with scope(chain):
        for title, fn in (
            ("selectors: today, a branch", lambda: overview.today(companies[:1], now)),
            ("selectors: compare a month, a branch", lambda: overview.compare(companies[:1], month)),
            ("selectors: today, the network", lambda: overview.today(companies, now)),
            ("selectors: compare a month, the network", lambda: overview.compare(companies, month)),
            ("selectors: compare a month, the network, one day stale", lambda: _stale_then(companies, month)),
            ("selectors: free time left today, a branch", lambda: free_time(companies[:1], now)),
        ):
            row(title, *timed(fn, runs))
    with browser_for(owner) as browser:
        # The page reads the real clock's month: figures only when it falls inside the generated years.
        path = reverse("tenancy:dashboard", kwargs={"company_id": companies[0].pk})
        row("page: «Overview» of a branch (landing: today only)", *timed(lambda: _get(browser, path), runs))
        # The landing loads the period's figures in a second request (analytics/dashboard.py).
        dates = f"first={month.first.isoformat()}&last={month.last.isoformat()}"
        for title, name, query in (
            ("fragment: today's card, a branch", "analytics:overview_today", ""),
            ("fragment: today's card, the network", "analytics:overview_today", "scope=network"),
            ("fragment: the period (a month), a branch", "analytics:overview_period", dates),
            ("fragment: the period (a month), the network", "analytics:overview_period", f"{dates}&scope=network"),
        ):
            url = reverse(name, kwargs={"company_id": companies[0].pk}) + (f"?{query}" if query else "")
            row(title, *timed(lambda url=url: _get(browser, url), runs))


def measure_builder(chain, companies, owner, runs, day):
    """The builder (issue 14: ≤ 500 ms): revenue by specialist × month for a year, as a saved
    report runs it, and its whole page."""
    year = Period(day.replace(day=1).replace(year=day.year - 1), day)
    with scopes_disabled():
        for title, dataset, figure in (
            ("builder: value by specialist × month, a year, a branch", "visits", "value"),
            ("builder: sold for by specialist × month, a year, a branch", "sale_lines", "amount"),
        ):
            spec = engine.Spec(dataset, (figure,), ("month", "specialist"), engine.BAR)
            filters = Filters(companies=tuple(companies[:1]), period=year, chain=chain)
            row(title, *timed(lambda spec=spec, filters=filters: engine.run(spec, filters), runs))
        saved = saved_report(companies[0], owner, "bench: revenue by specialist", "sale_lines", "amount", year)
    with browser_for(owner) as browser:
        path = reverse("analytics:builder_report", kwargs={"company_id": companies[0].pk, "saved_report_id": saved.pk})
        row("page: builder report, sold for by specialist × month, a year", *timed(lambda: _get(browser, path), runs))


def saved_report(company, owner, name, dataset, figure, period) -> SavedReport:
    """A saved report of `figure` by month × specialist over `period` (kept between runs)."""
    saved = SavedReport.unscoped.filter(chain=company.chain, name=name).first()
    if saved is None:
        saved = SavedReport.unscoped.create(
            chain=company.chain,
            company=company,
            author=owner,
            name=name,
            dataset=dataset,
            measures=[figure],
            dimensions=["month", "specialist"],
            chart=engine.BAR,
        )
    saved.preset, saved.first, saved.last = "", period.first, period.last
    saved.save()
    return saved


def ensure_shifts(companies, month: Period):
    """The generated network has no work schedules: every specialist works 10:00–20:00 on every
    day of the measured month (written once, kept for the next runs)."""
    if WorkInterval.objects.filter(company__in=companies, date__gte=month.first, date__lte=month.last).exists():
        return
    rows = []
    for company in companies:
        for specialist in Specialist.objects.filter(companies=company):
            day = month.first
            while day <= month.last:
                rows.append(
                    WorkInterval(
                        chain=company.chain, company=company, specialist=specialist, date=day,
                        start=datetime.time(10), end=datetime.time(20),
                    )
                )  # fmt: skip
                day += datetime.timedelta(days=1)
    WorkInterval.objects.bulk_create(rows, batch_size=2000)


def fill_rate(companies, owner, month: Period, runs: int):
    """The fill-rate report for a month (issue 14: the heat map ≤ 300 ms): the weekday × hour
    cells alone, the whole report's figures, and the whole page of a branch and of the network."""
    with scopes_disabled():
        ensure_shifts(companies, month)
        chain = companies[0].chain
        for title, scope in (("a branch", companies[:1]), ("the network", companies)):
            filters = base.Filters(companies=tuple(scope), period=month, chain=chain)
            for what, fn in (
                ("heat map cells", lambda f=filters: workload.hour_cells(f)),
                ("the whole report", lambda f=filters: base.get("fill-rate")().build(f)),
            ):
                print_row(f"fill rate, {what}, {title}", *timed(fn, runs))
    with browser_for(owner) as browser:
        path = reverse("analytics:report", kwargs={"company_id": companies[0].pk, "report_key": "fill-rate"})
        dates = {"first": month.first.isoformat(), "last": month.last.isoformat()}
        for title, params in (("a branch", dates), ("the network", {**dates, "scope": "network"})):
            print_row(f"page: fill rate for a month, {title}", *measure(browser, path, params, runs=runs))


def _stale_then(companies, month):
    # What a reader pays right after a booking: the day it touched is recomputed first.
    facts.mark(companies[0], [month.last])
    overview.compare(companies, month)


def _get(browser, path):
    response = browser.get(path)
    assert response.status_code == 200, response.status_code


# -- the network of many branches (PostgreSQL) ----------------------------------------------------

SPECIALISTS = 3  # per branch


def big_network(branches: int, records: int, days: int):
    name = f"Analytics benchmark {branches} branches, {records:,} records, {days} days"
    chain = Chain.objects.filter(name=name).first()
    if chain is not None:
        return chain, list(Company.unscoped.filter(chain=chain).order_by("pk"))
    started = time.perf_counter()
    chain = Chain.objects.create(name=name)
    companies = Company.unscoped.bulk_create(
        [
            Company(chain=chain, name=f"Филиал {n}", timezone=("Europe/Moscow", "Asia/Yekaterinburg")[n % 2])
            for n in range(branches)
        ]
    )
    category = ServiceCategory.objects.create(company=companies[0], chain=chain, title="Услуги")
    Service.objects.bulk_create(
        [
            Service(
                company=c, chain=chain, category=category, title="Стрижка", duration=60, price_min=2000, price_max=2000
            )
            for c in companies
        ]
    )
    specialists = Specialist.objects.bulk_create(
        [Specialist(chain=chain, name=f"Мастер {c.pk}-{n}") for c in companies for n in range(SPECIALISTS)]
    )
    Specialist.companies.through.objects.bulk_create(
        [
            Specialist.companies.through(specialist=s, company=companies[i // SPECIALISTS])
            for i, s in enumerate(specialists)
        ]
    )
    owner = User.objects.create_user(email=f"bench-analytics-{chain.pk}@example.com", password="bench", name="Bench")
    Membership.objects.create(chain=chain, user=owner, role=Role.OWNER, all_companies=True)
    first_company, first_specialist = companies[0].pk, specialists[0].pk
    clients = records // 20
    today = TODAY.date()
    with bare_tables(Client, Visit, Record, RecordService, ClientStats, WorkInterval), transaction.atomic():
        sql(
            """INSERT INTO clients_client (chain_id, name, phone, email, comment, created_at, name_search,
                   extra_phones, gender, importance, discount, source, source_note, sms_consent,
                   email_consent, custom, imported_visits, imported_spend)
               SELECT %s, 'Клиент ' || g, '+7' || (9000000000 + g), '', '', now(), 'клиент ' || g,
                   '[]', '', '', 0, '', '', true, true, '{}', 0, 0
               FROM generate_series(1, %s) g""",
            [chain.pk, clients],
        )
        low_client = Client.objects.filter(chain=chain).order_by("pk").values_list("pk", flat=True).first()
        # Record g: branch g % N, specialist (g / N) % SPECIALISTS of it, day g % days back from
        # today, hour 7 + (g / (N * SPECIALISTS)) % 9 UTC; of twenty, one no-show, one cancelled, one
        # to come, the rest completed.
        sql(
            """INSERT INTO scheduling_visit (chain_id, company_id, client_id, created_at)
               SELECT %s, %s + g %% %s, %s + g %% %s, now() FROM generate_series(0, %s - 1) g""",
            [chain.pk, first_company, branches, low_client, clients, records],
        )
        low_visit = sql_value("SELECT min(id) FROM scheduling_visit WHERE chain_id = %s", [chain.pk])
        sql(
            """INSERT INTO scheduling_record (chain_id, company_id, visit_id, client_id, specialist_id, start,
                   "end", block_start, block_end, status, source, comment, prepaid, overbooked, created_at,
                   updated_at, cancel_reason, cancel_comment, cancelled_by)
               SELECT %(chain)s, v.company_id, v.id, v.client_id,
                   %(spec)s + (v.company_id - %(company)s) * %(per)s + ((v.id - %(visit)s) / %(n)s) %% %(per)s,
                   t, t + interval '1 hour', t, t + interval '1 hour',
                   (ARRAY['completed','completed','completed','completed','completed','completed','completed',
                          'completed','completed','completed','completed','completed','completed','completed',
                          'completed','completed','no_show','cancelled','booked','completed'])
                       [1 + (v.id - %(visit)s) %% 20],
                   (ARRAY['admin','online','widget','admin','phone'])[1 + (v.id - %(visit)s) %% 5],
                   '', false, true, now(), now(), '', '', ''
               FROM scheduling_visit v,
                   LATERAL (SELECT ((%(today)s::date - ((v.id - %(visit)s) %% %(days)s)::int)::timestamp
                       + make_interval(hours => (7 + ((v.id - %(visit)s) / (%(n)s * %(per)s)) %% 9)::int))
                       AT TIME ZONE 'UTC' AS t) moment
               WHERE v.chain_id = %(chain)s""",
            {
                "chain": chain.pk,
                "spec": first_specialist,
                "company": first_company,
                "visit": low_visit,
                "n": branches,
                "today": today,
                "days": days,
                "per": SPECIALISTS,
            },
        )
        sql(
            """INSERT INTO scheduling_recordservice (chain_id, record_id, service_id, start, duration, price, position)
               SELECT r.chain_id, r.id, s.id, r.start, 60, 2000, 0
               FROM scheduling_record r JOIN catalog_service s ON s.company_id = r.company_id
               WHERE r.chain_id = %s""",
            [chain.pk],
        )
        # The cached first visit the overview's new / returning clients read (as the record events keep it).
        sql(
            """INSERT INTO clients_clientstats (client_id, chain_id, visits, no_shows, spend, first_visit, last_visit)
               SELECT client_id, %s, count(*), 0, 0, min(start), max(start) FROM scheduling_record
               WHERE chain_id = %s AND status = 'completed' GROUP BY client_id""",
            [chain.pk, chain.pk],
        )
        # Every specialist works 09:00–21:00 every day of every branch.
        sql(
            """INSERT INTO staff_workinterval (chain_id, company_id, specialist_id, date, start, "end")
               SELECT %s, m.company_id, m.specialist_id, %s::date - d, '09:00', '21:00'
               FROM staff_specialist_companies m JOIN tenancy_company c ON c.id = m.company_id,
                   generate_series(0, %s) d
               WHERE c.chain_id = %s""",
            [chain.pk, today, days, chain.pk],
        )
    sql("ANALYZE")
    print(f"  generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return chain, companies


def sql_value(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 200,000 clients and ~2M records")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--branches", type=int, help="PostgreSQL: a generated network of this many branches")
    parser.add_argument("--records", type=int, default=10_000_000, help="with --branches: this many records")
    parser.add_argument("--days", type=int, default=730, help="with --branches: over this many days back")
    parser.add_argument("--rebuild-facts", action="store_true", help="rebuild the daily facts even when present")
    parser.add_argument("--only", default="", help="with --clients: only the reports whose title has this")
    parser.add_argument("--clients", action="store_true", help="only the clients reports (retention, churn, …)")
    parser.add_argument("--money", action="store_true", help="only the money reports and the builder's revenue")
    parser.add_argument("--refresh", action="store_true", help="only the daily facts' refresh, before/after")
    parser.add_argument(
        "--client-days", action="store_true", help="rebuild the overview's client-day facts (ClientDay) first"
    )
    args = parser.parse_args()
    day = TODAY.date() - datetime.timedelta(days=1)
    month = measured_month()
    with scopes_disabled():
        if args.branches:
            if connection.vendor != "postgresql":
                sys.exit("--branches generates with PostgreSQL's generate_series: set DATABASE_URL")
            chain, companies = big_network(args.branches, args.records, args.days)
            owner = Membership.objects.filter(chain=chain).first().user
        else:
            chain, companies, owner = client_base(args.scale)
        if args.clients:
            clients_reports(chain, companies, owner, args.runs, args.only)
            return
        if args.client_days or not ClientDay.objects.filter(chain=chain).exists():
            build_client_days(chain)
        add_payments(chain)
        if args.money:
            money_reports(chain, companies, owner, args.runs, day)
            return
        periods = (month.year_before(), month.previous(), month)
        build_facts(chain, companies, periods, again=args.rebuild_facts)
        if args.refresh:
            measure_refresh(companies, periods, args.runs)
            return
    measure_overview(chain, companies, owner, args.runs, month, TODAY)
    if not args.branches:
        measure_builder(chain, companies, owner, args.runs, day)
        fill_rate(companies, owner, month, args.runs)


def money_reports(chain, companies, owner, runs, day):
    """Revenue and Average check for a year (the money facts against the ledger read they
    replace), the builder's revenue by specialist × month for a year (the facts' dataset against
    sale lines and visits), for a branch and the network, and the whole pages of the network."""
    year = Period(day.replace(day=1).replace(year=day.year - 1), day)
    with scopes_disabled():
        missing = not DayMoneyPart.objects.filter(chain=chain, date__gte=year.first, date__lte=year.last).exists()
        if missing or StaleDay.objects.filter(chain=chain, date__gte=year.first, date__lte=year.last).exists():
            build_facts(chain, companies, (year,), again=True)
        parts = DayMoneyPart.objects.filter(chain=chain, date__gte=year.first, date__lte=year.last).count()
        rows = Transaction.objects.filter(
            chain=chain, sale__isnull=False, occurred_at__date__gte=year.first, occurred_at__date__lte=year.last
        ).count()
    print(
        f"{connection.vendor}: money for {year.first} – {year.last}: {rows:,} money rows of sales, "
        f"{parts:,} DayMoneyPart rows, the network of {len(companies)} branches"
    )
    print(f"{'what':62} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    slow = max(3, runs // 5)  # the ledger read of a year takes seconds
    with scopes_disabled():
        for title, scope in (("a branch", companies[:1]), ("the network", companies)):
            f = Filters(companies=tuple(scope), period=year, chain=chain)
            for label, fn, n in (
                ("revenue: facts", lambda f=f: revenue.revenue_result(f, revenue.money_cells(f)), runs),
                ("revenue: ledger (before)", lambda f=f: revenue.revenue_result(f, revenue.ledger_cells(f)), slow),
                (
                    "average check: facts",
                    lambda f=f: average_check.average_result(f, *average_check.fact_figures(f)),
                    runs,
                ),
                (
                    "average check: ledger (before)",
                    lambda f=f: average_check.average_result(f, *average_check.ledger_figures(f)),
                    slow,
                ),
            ):
                row(f"{label}, a year, {title}", *timed(fn, n))
            for label, dataset, figure in (
                ("builder: revenue (facts) by specialist × month", "revenue", "revenue"),
                ("builder: sold for (sale lines) by specialist × month", "sale_lines", "amount"),
                ("builder: value (visits) by specialist × month", "visits", "value"),
            ):
                spec = engine.Spec(dataset, (figure,), ("month", "specialist"), engine.BAR)
                row(f"{label}, a year, {title}", *timed(lambda spec=spec, f=f: engine.run(spec, f), runs))
        saved = saved_report(companies[0], owner, "bench: revenue facts by specialist", "revenue", "revenue", year)
    with browser_for(owner) as browser:
        dates = {"first": year.first.isoformat(), "last": year.last.isoformat(), "scope": "network"}
        for key in ("revenue", "average-check"):
            path = reverse("analytics:report", kwargs={"company_id": companies[0].pk, "report_key": key})
            times, queries = measure(browser, path, dates, runs=runs)
            row(f"page: {key}, a year, the network", times, queries)
        path = reverse("analytics:builder_report", kwargs={"company_id": companies[0].pk, "saved_report_id": saved.pk})
        row("page: builder report, revenue by specialist × month, a branch", *timed(lambda: _get(browser, path), runs))


def clients_reports(chain, companies, owner, runs, only=""):
    """The clients reports of the analytics section: retention for 24 months (the issue's target:
    ≤ 500 ms), churn and new/returning/lost clients for 12 months (from the per-client facts; with
    a specialist filter, from the records), the report alone and the whole page, for the network
    and for one branch."""
    last = TODAY.date() - datetime.timedelta(days=1)
    months_back = (last.year * 12 + last.month - 1) - 23
    two_years = Period(datetime.date(months_back // 12, months_back % 12 + 1, 1), last)
    year = Period(two_years.first.replace(year=two_years.first.year + 1), last)
    with scopes_disabled():
        built = ClientMonth.objects.filter(chain=chain).exists() and ClientVisit.objects.filter(chain=chain).exists()
        if not built:
            # The generator bulk-creates records (no events): build the facts once, as the
            # rebuild command does.
            started = time.perf_counter()
            call_command("rebuild_client_facts", chain=chain.pk, stdout=io.StringIO())
            print(f"client facts built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        months = ClientMonth.objects.filter(chain=chain).count()
        visits = ClientVisit.objects.filter(chain=chain).count()
        category = ClientCategory.objects.filter(chain=chain).order_by("pk").first()
        specialist = Specialist.objects.filter(companies=companies[0]).order_by("pk").first()
    print(
        f"{connection.vendor}: clients reports, the network of {len(companies)} branches, "
        f"{months:,} client-month facts, {visits:,} client-visit facts, up to {last}"
    )
    print(f"{'what':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    network, branch = tuple(companies), (companies[0],)
    cases = [
        ("retention", two_years, network, {}, "retention, 24 monthly cohorts"),
        ("churn", year, network, {}, "churn, 12 months"),
        ("churn", year, branch, {}, "churn, 12 months, one branch"),
        ("clients", year, network, {}, "clients: new / returning / lost, 12 months"),
        ("clients", year, branch, {}, "clients, 12 months, one branch"),
        ("clients", year, network, {"client_category": category}, "clients, 12 months, a client category"),
        ("clients", Period(year.last.replace(day=1), year.last), network, {}, "clients, a month by day"),
        ("clients", year, branch, {"specialist": specialist}, "clients, 12 months, a specialist (records)"),
    ]
    with scopes_disabled():
        for key, period, scope, extra, title in cases:
            if only not in title:
                continue
            filters = Filters(companies=scope, period=period, chain=chain, now=TODAY, **extra)
            report = base.get(key)()
            print_row(f"report: {title}", *timed(lambda r=report, f=filters: r.build(f), max(3, runs // 4)))
        # The same figures read the way they were before the facts (the path a specialist or source
        # filter still takes), in the same process on the same data: the before/after under one load.
        filters = Filters(companies=network, period=year, chain=chain, now=TODAY)
        zones = {company.pk: company.tz for company in companies}
        months = retention.month_starts(year.first, year.last)
        for title, fn in (
            ("churn, 12 months, from the records", lambda: retention._churn_from_records(filters, zones, months)),
            ("clients, 12 months, from the records", lambda: clients_report._figures_from_records(filters)),
        ):
            print_row(title, *timed(fn, max(3, runs // 4)))
    with browser_for(owner) as browser:
        for key, period, title in (
            ("retention", two_years, "retention, 24 months"),
            ("churn", year, "churn, 12 months"),
            ("clients", year, "clients, 12 months"),
        ):
            path = reverse("analytics:report", kwargs={"company_id": companies[0].pk, "report_key": key})
            params = {"scope": "network", "first": period.first.isoformat(), "last": period.last.isoformat()}
            print_row(f"page: {title}, the network", *measure(browser, path, params, runs=max(3, runs // 4), warm=1))


if __name__ == "__main__":
    main()
