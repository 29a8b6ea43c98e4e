"""Finance reports benchmark (issue 7): a network of 5 branches, each with a cash desk and a bank
account, and about 2 million ledger transactions over two years (scale 1), generated once in
resumable chunks and kept in the benchmarks' own database. Prints p50/p95 of whole report
requests (warm, one process) and their SQL query counts.

    .venv/bin/python bench/finance.py                  # SQLite, full size
    .venv/bin/python bench/finance.py --scale 0.1      # ~200,000 transactions
    DATABASE_URL=postgres://… .venv/bin/python bench/finance.py

Generation is day by day, a few weeks per database transaction; interrupted, it resumes after
the last day written.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from _setup import django_setup, percentile

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F, Max, Value  # noqa: E402
from django.db.models.functions import Least  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from frontdesk.accounts.models import Membership, User  # noqa: E402
from frontdesk.accounts.permissions import Role  # noqa: E402
from frontdesk.core.scopes import scopes_disabled  # noqa: E402
from frontdesk.finance.models import (  # noqa: E402
    Account,
    AccountKind,
    BalanceCheckpoint,
    CashShift,
    PaymentItem,
    Transaction,
)
from frontdesk.finance.services import ensure_default_items  # noqa: E402
from frontdesk.tenancy.models import Chain, Company  # noqa: E402

TZ = ZoneInfo("Europe/Moscow")
BRANCHES = 5
DAYS = 730
FULL = 2_000_000
DAYS_PER_CHUNK = 20
FIRST_DAY = datetime.date(2025, 1, 12)
LAST_DAY = FIRST_DAY + datetime.timedelta(days=DAYS - 1)  # 2027-01-11
WRITTEN = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)


def chain_name(scale: float) -> str:
    return f"Finance benchmark ×{scale:g}"


def setup_network(scale: float):
    chain, _ = Chain.objects.get_or_create(name=chain_name(scale))
    ensure_default_items(chain)
    companies = list(Company.unscoped.filter(chain=chain).order_by("pk"))
    if not companies:
        companies = [
            Company.unscoped.create(chain=chain, name=f"Филиал {n}", timezone="Europe/Moscow", onboarded=True)
            for n in range(BRANCHES)
        ]
        for company in companies:
            Account.objects.create(company=company, chain=chain, title="Касса", kind=AccountKind.CASH)
            Account.objects.create(company=company, chain=chain, title="Расчётный счёт", kind=AccountKind.BANK)
    owner_email = f"bench-finance-{chain.pk}@example.com"
    owner = User.objects.filter(email=owner_email).first()
    if owner is None:
        owner = User.objects.create_user(email=owner_email, password="bench", name="Bench owner", language="en")
        Membership.objects.create(chain=chain, user=owner, role=Role.OWNER, all_companies=True)
    return chain, companies, owner


def _day(company, accounts, items, day, per_day, rng):
    """One branch's day: visits paid in cash and by card, some goods, a few expenses, the shift."""
    desk, bank = accounts
    opened = datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ)
    rows = []
    for _ in range(per_day):
        moment = opened + datetime.timedelta(seconds=rng.randint(0, 12 * 3600))
        roll = rng.random()
        if roll < 0.90:  # a payment: services mostly, goods sometimes
            item = items["services"] if rng.random() < 0.85 else items["goods"]
            cash = rng.random() < 0.4
            amount = Decimal(rng.randrange(500, 8000, 50))
            account, method = (desk, "cash") if cash else (bank, rng.choice(("card", "card", "card", "online")))
        elif roll < 0.93:  # a refund of a service
            item, amount = items["services"], -Decimal(rng.randrange(500, 3000, 50))
            account, method = (desk, "cash") if rng.random() < 0.4 else (bank, "card")
        else:  # an expense
            item = items[rng.choice(("salaries", "rent", "purchases", "utilities", "taxes", "advertising"))]
            amount = -Decimal(rng.randrange(1000, 30000, 100))
            account, method = (desk, "cash") if rng.random() < 0.3 else (bank, "transfer")
        rows.append(
            Transaction(
                company=company,
                chain_id=company.chain_id,
                account=account,
                amount=amount,
                method=method,
                item=item,
                occurred_at=moment,
            )
        )
    closed = opened + datetime.timedelta(hours=12, minutes=5)
    shift = CashShift(
        company=company,
        chain_id=company.chain_id,
        account=desk,
        opened_at=opened - datetime.timedelta(minutes=5),
        opening_balance=Decimal(0),
        closed_at=closed,
        expected=Decimal(0),
        counted=Decimal(0),
        discrepancy=Decimal(rng.choice((0, 0, 0, 0, -100, 50))),
    )
    return rows, shift


def generate(chain, companies, total: int, seed=7):
    accounts = {
        c.pk: (
            Account.objects.get(company=c, kind=AccountKind.CASH),
            Account.objects.get(company=c, kind=AccountKind.BANK),
        )
        for c in companies
    }
    items = {i.code: i for i in PaymentItem.objects.filter(chain=chain).exclude(code="")}
    per_day = max(1, round(total / DAYS / len(companies)))
    last = Transaction.objects.filter(chain=chain).aggregate(last=Max("occurred_at"))["last"]
    day = FIRST_DAY if last is None else last.astimezone(TZ).date() + datetime.timedelta(days=1)
    if day > LAST_DAY:
        return
    print(f"generating {per_day * len(companies)} transactions a day from {day} (resumable)", file=sys.stderr)
    started, written = time.perf_counter(), 0
    while day <= LAST_DAY:
        with transaction.atomic():
            rows, shifts = [], []
            for _ in range(DAYS_PER_CHUNK):
                if day > LAST_DAY:
                    break
                for company in companies:
                    rng = random.Random(f"{seed}-{company.pk}-{day.isoformat()}")
                    more, shift = _day(company, accounts[company.pk], items, day, per_day, rng)
                    rows += more
                    shifts.append(shift)
                day += datetime.timedelta(days=1)
            made = Transaction.objects.bulk_create(rows, batch_size=5000)
            # As if each was written when it happened (bulk_create stamps them all "now"): the
            # report's balance checkpoints only trust rows written some minutes ago.
            # The timeline may run past today: those rows count as written an hour before the run.
            Transaction.objects.filter(pk__gte=min(t.pk for t in made)).update(
                created_at=Least(F("occurred_at"), Value(WRITTEN))
            )
            CashShift.objects.bulk_create(shifts, batch_size=5000)
        written += len(rows)
        rate = written / max(time.perf_counter() - started, 0.001)
        print(f"  up to {day}: {written:,} written ({rate:,.0f}/s)", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(browser, path, params, runs=30, warm=3):
    for _ in range(warm):
        browser.get(path, params())
    times, queries = [], 0
    for _ in range(runs):
        query = params()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = browser.get(path, query)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        assert b"report-errors" not in response.content
        queries = len(captured)
    return times, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1 = about 2 million transactions")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with scopes_disabled():
        chain, companies, owner = setup_network(args.scale)
        generate(chain, companies, int(FULL * args.scale))
        count = Transaction.objects.filter(chain=chain).count()
    print(f"{connection.vendor}: {count:,} transactions, {len(companies)} branches, {DAYS} days")
    company = companies[0]
    rng = random.Random(1)

    def a_day(**extra):
        # A random day of the last year: the opening balance sums everything before it.
        return lambda: {"day": (LAST_DAY - datetime.timedelta(days=rng.randint(0, 364))).isoformat(), **extra}

    def a_month(**extra):
        def params():
            first = (LAST_DAY - datetime.timedelta(days=rng.randint(31, 364))).replace(day=1)
            last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            return {"first": first.isoformat(), "last": last.isoformat(), **extra}

        return params

    def url(name):
        return reverse(f"finance:{name}", kwargs={"company_id": company.pk})

    cases = [
        ("cash report, a day, one branch", url("report_cash"), a_day()),
        ("cash report, a day, the network (5 branches)", url("report_cash"), a_day(scope="network")),
        ("by payment item, a month, one branch", url("report_items"), a_month()),
        ("by payment item, a month, the network", url("report_items"), a_month(scope="network")),
        ("by payment method, a month, the network", url("report_methods"), a_month(scope="network")),
        ("cash report as Excel, a day, one branch", url("report_cash"), a_day(format="xlsx")),
    ]
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        browser = Browser()
        browser.force_login(owner, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
        # The first read of a month builds its balance checkpoints (finance.checkpoints): timed
        # apart, then every month of the year is warm for the figures below.
        with scopes_disabled():
            BalanceCheckpoint.objects.filter(chain=chain).delete()
        firsts = {"": [], "network": []}
        for months_back in range(13):
            day = (LAST_DAY.replace(day=15) - datetime.timedelta(days=30 * months_back)).isoformat()
            for scope in firsts:
                started = time.perf_counter()
                browser.get(url("report_cash"), {"day": day, "scope": scope})
                firsts[scope].append((time.perf_counter() - started) * 1000)
        print(
            "first read of a month (builds its checkpoints), p50 ms: "
            f"one branch {statistics.median(firsts['']):.0f}, the network {statistics.median(firsts['network']):.0f}"
        )
        print(f"{'request':50} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for title, path, params in cases:
            times, queries = measure(browser, path, params, runs=args.runs)
            print(f"{title:50} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
