"""Stocktaking, price tags and low stock at a large shop's size (issue 15): one branch whose
«Товары» holds 10,000 goods (one receipt through the services), a count of all of them with
every tenth item typed (a tenth of those short), then applied. Prints the time of each step and
p50/p95 of whole requests of the count's page, the low-stock list and a price-tag sheet, with the
SQL query count of one request. Each run makes a new count (the network and its stock are kept
in the benchmarks' own database).

    .venv/bin/python bench/stocktaking.py                 # SQLite, 10,000 goods
    .venv/bin/python bench/stocktaking.py --goods 1000
    DATABASE_URL=postgres://… .venv/bin/python bench/stocktaking.py
"""

import argparse
import os
import random
import time
from decimal import Decimal

from _setup import bench_owner, browser_for, django_setup, measure_get, print_row
from warehouse import make_goods

django_setup()

from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402

from frontdesk.core.scopes import scope, scopes_disabled  # noqa: E402
from frontdesk.finance.models import Counterparty  # noqa: E402
from frontdesk.tenancy.models import Chain, Company  # noqa: E402
from frontdesk.warehouse.models import (  # noqa: E402
    Barcode,
    Goods,
    MinimumStock,
    Stocktaking,
    StocktakingLine,
    StocktakingStatus,
    Warehouse,
)
from frontdesk.warehouse.quantities import ean13  # noqa: E402
from frontdesk.warehouse.services import ItemLine, receive  # noqa: E402
from frontdesk.warehouse.stocktaking import apply_count, scan, set_counts, start_count  # noqa: E402


def setup(goods_count: int):
    chain, _ = Chain.objects.get_or_create(name=f"Stocktaking benchmark {goods_count}")
    company = Company.unscoped.filter(chain=chain).first() or Company.unscoped.create(
        chain=chain, name="Филиал", timezone="Europe/Moscow", onboarded=True
    )
    store = Warehouse.objects.filter(company=company).first() or Warehouse.objects.create(
        chain=chain, company=company, title="Товары"
    )
    if not Goods.objects.filter(chain=chain).exists():
        rng = random.Random(5)
        goods = make_goods(chain, goods_count, seed=5)
        Barcode.objects.bulk_create(
            [Barcode(chain=chain, goods=item, code=ean13(f"2{n:011d}")) for n, item in enumerate(goods)],
            batch_size=2000,
        )
        vendor = Counterparty.objects.create(chain=chain, name="Поставщик")
        started = time.perf_counter()
        receive(company, store, vendor, [ItemLine(item, rng.randint(1, 12), item.purchase_price) for item in goods])
        print(f"receipt of {goods_count:,} lines: {time.perf_counter() - started:.1f} s")
        MinimumStock.objects.bulk_create(
            [MinimumStock(chain=chain, warehouse=store, goods=item, quantity=Decimal(6)) for item in goods],
            batch_size=2000,
        )
    Stocktaking.objects.filter(warehouse=store, status=StocktakingStatus.OPEN).update(
        status=StocktakingStatus.CANCELLED
    )
    return chain, company, store


def timed(title, fn):
    started = time.perf_counter()
    result = fn()
    print(f"{title:58} {(time.perf_counter() - started) * 1000:8.1f} ms", flush=True)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--goods", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with scopes_disabled():
        chain, company, store = setup(args.goods)
        owner = bench_owner(chain, f"bench-stocktaking-{chain.pk}@example.com")
    print(f"{connection.vendor}: {args.goods:,} goods in one warehouse; load {os.getloadavg()[0]:.1f}")
    with scope(chain):
        count = timed(f"start a count of {args.goods:,} goods", lambda: start_count(company, store))
        lines = list(StocktakingLine.objects.filter(stocktaking=count).values_list("pk", "book_at_start"))
        typed = {pk: str(max(book - (1 if n % 10 == 0 else 0), 0)) for n, (pk, book) in enumerate(lines[::10])}
        page = dict(list(typed.items())[:50])
        timed("save one page of counts (50 lines)", lambda: set_counts(count, page))
        timed(f"save {len(typed):,} counts at once", lambda: set_counts(count, typed))
        code = Barcode.objects.filter(goods__chain=chain).values_list("code", flat=True).first()
        timed("scan one barcode", lambda: scan(count, code))
    with browser_for(owner) as browser:
        print(f"{'request':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        path = reverse("warehouse:stocktaking", kwargs={"company_id": company.pk, "stocktaking_id": count.pk})
        print_row("the count's page (first 50 lines, totals of all)", *measure_get(browser, path, dict, args.runs))
        path = reverse("warehouse:low_stock", kwargs={"company_id": company.pk})
        print_row("low-stock list of the branch", *measure_get(browser, path, dict, max(3, args.runs // 4)))
        path = reverse("warehouse:price_tags", kwargs={"company_id": company.pk})
        with scopes_disabled():
            some = list(Goods.objects.filter(chain=chain).order_by("pk").values_list("pk", flat=True)[:210])
        times = []
        for _ in range(max(3, args.runs // 4)):
            started = time.perf_counter()
            response = browser.post(path, {"goods": some})
            times.append((time.perf_counter() - started) * 1000)
            assert response["Content-Type"] == "application/pdf"
        print_row("price tags: 210 goods, 10 A4 pages (POST)", times, 0)
    with scope(chain):
        applied = timed("apply the count (one adjustment document)", lambda: apply_count(count))
        with scopes_disabled():
            lines = applied.document.moves.count() if applied.document else 0
        print(f"  adjustment lines: {lines:,}")


if __name__ == "__main__":
    main()
