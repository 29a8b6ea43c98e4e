"""Money reports benchmark (issue 14): a network of 3 branches with a year of sales — visits of a
service (a goods line on every fifth), goods and certificates at the counter — paid in one or two
parts by cash and card, 3 % refunded, and a client pool; generated once in the benchmarks' own
database. Prints p50/p95 of whole report requests (warm, one process) and their SQL query counts.

    .venv/bin/python bench/analytics_money.py                 # SQLite, ~100 sales a branch a day
    .venv/bin/python bench/analytics_money.py --scale 0.3
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics_money.py

Records are bulk-written (no record events), so `ClientStats` is empty here: the promotions
report's "new clients" read nothing; its money still does.
"""

import argparse
import datetime
import random
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

from _setup import bench_owner, browser_for, print_row
from clients import measure  # sets Django up
from django.db import connection, transaction
from django.urls import reverse

from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.clients.models import Client
from frontdesk.core.scopes import scopes_disabled
from frontdesk.finance.models import (
    Account,
    AccountKind,
    LineKind,
    PaymentItem,
    Sale,
    SaleLine,
    Transaction,
)
from frontdesk.finance.services import ensure_default_items
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.models import Chain, Company

BRANCHES, SPECIALISTS, CLIENTS = 3, 8, 6000
PER_DAY = 100  # sales a branch a day at scale 1
LAST_DAY = datetime.date(2026, 11, 30)
FIRST_DAY = LAST_DAY - datetime.timedelta(days=364)
TZ = ZoneInfo("Europe/Moscow")


@transaction.atomic
def setup_network(scale):
    chain, _ = Chain.objects.get_or_create(name=f"Money benchmark ×{scale:g}")
    ensure_default_items(chain)
    companies = list(Company.unscoped.filter(chain=chain).order_by("pk"))
    if not companies:
        for n in range(BRANCHES):
            company = Company.unscoped.create(chain=chain, name=f"Филиал {n}", timezone="Europe/Moscow", onboarded=True)
            Account.objects.create(company=company, chain=chain, title="Касса", kind=AccountKind.CASH)
            category = ServiceCategory.objects.create(company=company, chain=chain, title="Волосы")
            Service.objects.create(
                company=company,
                chain=chain,
                category=category,
                title="Стрижка",
                duration=60,
                price_min=2000,
                price_max=6000,
            )
            for s in range(SPECIALISTS):
                Specialist.objects.create(chain=chain, name=f"Мастер {n}-{s}").companies.add(company)
            companies.append(company)
        Client.objects.bulk_create(
            [Client(chain=chain, name=f"Клиент {n}", phone=f"+7901{n:07d}") for n in range(CLIENTS)], batch_size=2000
        )
    return chain, companies, bench_owner(chain, f"bench-money-{chain.pk}@example.com")


def generate(chain, companies, per_day):
    if Sale.objects.filter(chain=chain).exists():
        return
    clients = list(Client.objects.filter(chain=chain).values_list("pk", flat=True))
    items = {i.code: i for i in PaymentItem.objects.filter(chain=chain).exclude(code="")}
    print(f"generating {per_day * len(companies)} sales a day for a year", file=sys.stderr)
    for company in companies:
        desk = Account.objects.get(company=company)
        service = Service.objects.get(company=company)
        specialists = list(Specialist.objects.filter(companies=company).values_list("pk", flat=True))
        day = FIRST_DAY
        while day <= LAST_DAY:
            with transaction.atomic():
                _month(chain, company, desk, service, specialists, clients, items, day, per_day)
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            print(f"  {company.name}: up to {day}", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _month(chain, company, desk, service, specialists, clients, items, first, per_day):
    rng = random.Random(f"{company.pk}-{first}")
    plans = []  # (moment, kind, client, specialist, price)
    day = first
    while day.month == first.month and day <= LAST_DAY:
        for _ in range(per_day):
            moment = datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ) + datetime.timedelta(
                minutes=rng.randint(0, 12 * 60)
            )
            roll = rng.random()
            kind = "visit" if roll < 0.85 else (LineKind.GOODS if roll < 0.95 else LineKind.CERTIFICATE)
            plans.append(
                (moment, kind, rng.choice(clients), rng.choice(specialists), Decimal(rng.randrange(1000, 6000, 100)))
            )
        day += datetime.timedelta(days=1)
    common = {"company": company, "chain": chain}
    visits = Visit.objects.bulk_create([Visit(client_id=p[2], **common) for p in plans if p[1] == "visit"])
    records = Record.objects.bulk_create(
        [
            Record(
                visit=visit,
                client_id=p[2],
                specialist_id=p[3],
                start=p[0],
                end=p[0] + datetime.timedelta(hours=1),
                block_start=p[0],
                block_end=p[0] + datetime.timedelta(hours=1),
                status=RecordStatus.COMPLETED,
                overbooked=True,
                **common,
            )
            for visit, p in zip(visits, [p for p in plans if p[1] == "visit"], strict=True)
        ]
    )
    lines = RecordService.objects.bulk_create(
        [RecordService(chain=chain, record=r, service=service, start=r.start, duration=60, price=2000) for r in records]
    )
    line_of = iter(lines)
    visit_of = iter(visits)
    sales, sale_lines, money = [], [], []
    for _moment, kind, client, _spec, price in plans:
        goods = kind == "visit" and rng.random() < 0.2
        total = price + (Decimal(800) if goods else 0)
        sales.append(
            Sale(
                client_id=client,
                subtotal=total,
                total=total,
                paid=total,
                visit=next(visit_of) if kind == "visit" else None,
                **common,
            )
        )
    Sale.objects.bulk_create(sales)
    for sale, (moment, kind, _client, _spec, price) in zip(sales, plans, strict=True):
        if kind == "visit":
            record_service = next(line_of)
            sale_lines.append(
                SaleLine(
                    chain=chain,
                    sale=sale,
                    kind=LineKind.SERVICE,
                    title="Стрижка",
                    price=price,
                    record_service=record_service,
                    service=service,
                    position=0,
                )
            )
            if sale.total > price:
                sale_lines.append(
                    SaleLine(
                        chain=chain, sale=sale, kind=LineKind.GOODS, title="Шампунь", price=Decimal(800), position=1
                    )
                )
        else:
            sale_lines.append(SaleLine(chain=chain, sale=sale, kind=kind, title=str(kind), price=price, position=0))
        item = items["services" if kind == "visit" else ("goods" if kind == LineKind.GOODS else "certificates")]
        parts = [sale.total] if rng.random() < 0.8 else [sale.total - 500, Decimal(500)]
        for n, part in enumerate(parts):
            money.append(
                Transaction(
                    account=desk,
                    amount=part,
                    method="cash" if n else rng.choice(("cash", "card")),
                    item=item,
                    sale=sale,
                    occurred_at=moment,
                    **common,
                )
            )
        if rng.random() < 0.03:
            money.append(
                Transaction(
                    account=desk,
                    amount=-Decimal(500),
                    method="cash",
                    item=item,
                    sale=sale,
                    occurred_at=moment + datetime.timedelta(days=1),
                    **common,
                )
            )
    SaleLine.objects.bulk_create(sale_lines, batch_size=5000)
    Transaction.objects.bulk_create(money, batch_size=5000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help=f"1 = {PER_DAY} sales a branch a day")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with scopes_disabled():
        chain, companies, owner = setup_network(args.scale)
        generate(chain, companies, max(1, round(PER_DAY * args.scale)))
        sales = Sale.objects.filter(chain=chain).count()
        rows = Transaction.objects.filter(chain=chain).count()
    print(f"{connection.vendor}: {sales:,} sales, {rows:,} money rows, {len(companies)} branches, a year")
    month = {"first": LAST_DAY.replace(day=1).isoformat(), "last": LAST_DAY.isoformat()}
    year = {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
    cases = [
        ("revenue, a month, one branch", "revenue", month),
        ("revenue, a month, the network", "revenue", {**month, "scope": "network"}),
        ("revenue, a year, the network", "revenue", {**year, "scope": "network"}),
        ("average check, a year, one branch", "average-check", year),
        ("LTV, a year, the network", "ltv", {**year, "scope": "network"}),
        ("promotions, a month, the network", "promotions", {**month, "scope": "network"}),
        ("revenue as Excel, a month, one branch", "revenue", {**month, "format": "xlsx"}),
    ]
    with browser_for(owner) as browser:
        print(f"{'request':44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for title, key, params in cases:
            path = reverse("analytics:report", args=[companies[0].pk, key])
            print_row(title, *measure(browser, path, params, runs=args.runs, warm=1), width=44)


if __name__ == "__main__":
    main()
