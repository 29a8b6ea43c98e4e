"""Warehouse benchmark (issue 15): a network of 5 branches with two warehouses each, 10,000 goods
and about 2 million stock movements (scale 1), generated once with set-based inserts
(bulk_create of documents and lines in chunks, then the remains in one INSERT … SELECT over the
ledger) and kept in the benchmarks' own database. Prints p50/p95 of whole requests of a
warehouse's remains page (first page, sorted by name, with value) and of the reports (remains of
a warehouse today and on a past day, movements of a month, turnover and purchases of a month,
goods sales of a month), each with its SQL query count.

    .venv/bin/python bench/warehouse.py                  # SQLite, full size
    .venv/bin/python bench/warehouse.py --scale 0.01     # ~20,000 movements
    DATABASE_URL=postgres://… .venv/bin/python bench/warehouse.py

Interrupted, generation resumes after the last chunk written.
"""

import argparse
import datetime
import random
import statistics
import time
from decimal import Decimal

from _setup import django_setup, measure_get, percentile

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from frontdesk.accounts.models import Membership, User  # noqa: E402
from frontdesk.accounts.permissions import Role  # noqa: E402
from frontdesk.core.scopes import scopes_disabled  # noqa: E402
from frontdesk.tenancy.models import Chain, Company  # noqa: E402
from frontdesk.warehouse.models import (  # noqa: E402
    Goods,
    MovementKind,
    StockDocument,
    StockMove,
    StockRemain,
    Warehouse,
    WarehouseKind,
    WarehouseSettings,
)

BRANCHES = 5
GOODS = 10_000
FULL = 2_000_000
LINES_PER_DOCUMENT = 10
DOCUMENTS_PER_CHUNK = 2_000
START = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)


def make_goods(chain, count: int, *, seed: int) -> list[Goods]:
    """`count` goods named like a salon's («Маска 00042»), articles A00000…, random prices
    (also bench/stocktaking.py's catalogue)."""
    rng = random.Random(seed)
    words = ["Шампунь", "Маска", "Кондиционер", "Краска", "Оксидант", "Лак", "Гель-лак", "Масло", "Перчатки"]
    return Goods.objects.bulk_create(
        [
            Goods(
                chain=chain,
                title=f"{rng.choice(words)} {n:05d}",
                article=f"A{n:05d}",
                purchase_price=Decimal(rng.randint(100, 3000)),
                price=Decimal(rng.randint(300, 6000)),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def setup_network(scale: float):
    chain, _ = Chain.objects.get_or_create(name=f"Warehouse benchmark ×{scale:g}")
    WarehouseSettings.unscoped.get_or_create(chain=chain, defaults={"allow_negative": True})
    companies = list(Company.unscoped.filter(chain=chain).order_by("pk"))
    if not companies:
        companies = [
            Company.unscoped.create(chain=chain, name=f"Филиал {n}", timezone="Europe/Moscow", onboarded=True)
            for n in range(BRANCHES)
        ]
        for company in companies:
            for title, kind in (("Товары", WarehouseKind.GOODS), ("Материалы", WarehouseKind.MATERIALS)):
                Warehouse.objects.create(chain=chain, company=company, title=title, kind=kind)
    if not Goods.objects.filter(chain=chain).exists():
        make_goods(chain, GOODS, seed=3)
    owner_email = f"bench-warehouse-{chain.pk}@example.com"
    owner = User.objects.filter(email=owner_email).first()
    if owner is None:
        owner = User.objects.create_user(email=owner_email, password="bench", name="Bench owner", language="en")
        Membership.objects.create(chain=chain, user=owner, role=Role.OWNER, all_companies=True)
    return chain, companies, owner


def generate(chain, companies, total: int, seed=11):
    """Documents of 10 lines: receipts (+, at a price) and write-offs (−, at a rough average)."""
    goods = list(Goods.objects.filter(chain=chain).values_list("pk", "purchase_price"))
    stores = {c.pk: list(Warehouse.objects.filter(company=c).values_list("pk", flat=True)) for c in companies}
    written = StockMove.objects.filter(chain=chain).count()
    started = time.perf_counter()
    chunk = 0
    while written < total:
        rng = random.Random(seed + written)
        with transaction.atomic():
            documents = []
            for n in range(DOCUMENTS_PER_CHUNK):
                company = rng.choice(companies)
                receipt = rng.random() < 0.4
                documents.append(
                    StockDocument(
                        chain=chain,
                        company=company,
                        kind=MovementKind.RECEIPT if receipt else MovementKind.WRITE_OFF,
                        occurred_at=START + datetime.timedelta(minutes=(written // LINES_PER_DOCUMENT + n) * 5),
                        reason="" if receipt else "Бенчмарк",
                    )
                )
            StockDocument.objects.bulk_create(documents, batch_size=1000)
            lines = []
            for document in documents:
                store = rng.choice(stores[document.company_id])
                sign = 1 if document.kind == MovementKind.RECEIPT else -1
                for pk, cost in rng.sample(goods, LINES_PER_DOCUMENT):
                    quantity = Decimal(rng.randint(1, 10) * (3 if sign > 0 else 1))
                    lines.append(
                        StockMove(
                            chain=chain,
                            document=document,
                            warehouse_id=store,
                            goods_id=pk,
                            quantity=sign * quantity,
                            value=sign * quantity * cost,
                            occurred_at=document.occurred_at,
                        )
                    )
            StockMove.objects.bulk_create(lines, batch_size=2000)
        written += len(lines)
        chunk += 1
        if chunk % 10 == 0:
            rate = written / max(time.perf_counter() - started, 0.001)
            print(f"  {written:,} movements ({rate:,.0f}/s)", flush=True)
    rebuild_remains(chain)


def rebuild_remains(chain):
    """The remains from the ledger in one set-based statement (what verify_stock checks)."""
    with transaction.atomic():
        StockRemain.unscoped.filter(chain=chain).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {StockRemain._meta.db_table} (chain_id, warehouse_id, goods_id, quantity, value, average)
                SELECT chain_id, warehouse_id, goods_id, SUM(quantity), SUM(value),
                       CASE WHEN SUM(quantity) > 0 THEN ROUND(SUM(value) / SUM(quantity), 6) ELSE 0 END
                FROM {StockMove._meta.db_table} WHERE chain_id = %s GROUP BY chain_id, warehouse_id, goods_id""",
                [chain.pk],
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1 = about 2 million movements")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--turnover", action="store_true", help="also the turnover report (slower)")
    args = parser.parse_args()
    with scopes_disabled():
        chain, companies, owner = setup_network(args.scale)
        generate(chain, companies, int(FULL * args.scale))
        moves = StockMove.objects.filter(chain=chain).count()
        remains = StockRemain.unscoped.filter(chain=chain).count()
        store = Warehouse.objects.filter(company=companies[0], kind=WarehouseKind.GOODS).get()
    print(
        f"{connection.vendor}: {moves:,} movements, {remains:,} remains rows, {len(companies)} branches, {GOODS:,} goods"
    )
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    path = reverse("warehouse:remains", kwargs={"company_id": companies[0].pk, "warehouse_id": store.pk})
    # The ledger's last month (the generator's moments run from START on, five minutes apart).
    with scopes_disabled():
        latest = StockMove.objects.filter(chain=chain).latest("occurred_at").occurred_at
    last = latest.astimezone(companies[0].tz).date()
    first = last.replace(day=1)
    month = {"first": first.isoformat(), "last": last.isoformat()}
    reports = {
        name: reverse(f"warehouse:{name}", kwargs={"company_id": companies[0].pk})
        for name in ("reports", "report_movements", "report_turnover", "report_purchases", "report_sales")
    }
    cases = [
        ("remains of a warehouse, first page by name", path, lambda: {}),
        ("remains of a warehouse, page 40", path, lambda: {"page": 40}),
        ("remains, search by name", path, lambda: {"q": "Маска"}),
        ("report: remains of a warehouse today, page 1", reports["reports"], lambda: {"warehouse": store.pk}),
        (
            "report: remains of a warehouse 30 days back",
            reports["reports"],
            lambda: {"warehouse": store.pk, "day": (last - datetime.timedelta(days=30)).isoformat()},
        ),
        ("report: movements of a month, page 1", reports["report_movements"], lambda: month),
        (
            "report: movements of a month, whole network",
            reports["report_movements"],
            lambda: {**month, "scope": "network"},
        ),
        ("report: purchases of a month", reports["report_purchases"], lambda: month),
        ("report: goods sales of a month", reports["report_sales"], lambda: month),
    ]
    if args.turnover:  # reads every remains row and the month's lines per item and day
        cases.append(("report: turnover of a month", reports["report_turnover"], lambda: month))
    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        browser = Browser()
        browser.force_login(owner, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
        print(f"{'request':52} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for title, url, params in cases:
            times, queries = measure_get(browser, url, params, runs=args.runs)
            print(f"{title:52} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}", flush=True)


if __name__ == "__main__":
    main()
