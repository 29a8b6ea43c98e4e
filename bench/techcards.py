"""Technological cards benchmark (issue 15): a visit's checkout with 3 goods and a service whose
technological card lists 5 materials, through the whole stack — the checkout page's POST as the
front desk sends it (the service's price, three goods lines, cash), which writes the sale, takes
the money, sells the goods out of «Товары» and writes the 5 materials off «Материалы» by the card.
Prints p50/p95 of the POST and its SQL query count. The catalogue is `--goods` items (10,000 by
default, as in bench/warehouse.py) in a network of its own in the benchmarks' database.

    .venv/bin/python bench/techcards.py                  # SQLite
    DATABASE_URL=postgres://… .venv/bin/python bench/techcards.py
"""

import argparse
import datetime
import os
import time
import zoneinfo
from decimal import Decimal

from _setup import bench_owner, browser_for, django_setup, print_row

django_setup()

from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from warehouse import make_goods  # noqa: E402

from frontdesk.catalog.models import Service, ServiceCategory  # noqa: E402
from frontdesk.core.scopes import scopes_disabled  # noqa: E402
from frontdesk.finance.models import Account, AccountKind, Counterparty  # noqa: E402
from frontdesk.scheduling.availability import Segment  # noqa: E402
from frontdesk.scheduling.models import Record  # noqa: E402
from frontdesk.scheduling.services import book_visit  # noqa: E402
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval  # noqa: E402
from frontdesk.tenancy.models import Chain, Company  # noqa: E402
from frontdesk.warehouse.models import Goods, TechCard, Unit, Warehouse, WarehouseKind  # noqa: E402
from frontdesk.warehouse.services import ItemLine, receive  # noqa: E402
from frontdesk.warehouse.techcards import set_card_lines  # noqa: E402

MATERIALS = 5
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")  # the branch's zone: its shift is 9:00–21:00 there
SOLD = 3


def setup(goods_count: int):
    chain, created = Chain.objects.get_or_create(name=f"Technological cards benchmark {goods_count}")
    company = Company.unscoped.filter(chain=chain).first() or Company.unscoped.create(
        chain=chain, name="Филиал", timezone="Europe/Moscow", onboarded=True
    )
    shop, _ = Warehouse.objects.get_or_create(chain=chain, company=company, title="Товары", kind=WarehouseKind.GOODS)
    store, _ = Warehouse.objects.get_or_create(
        chain=chain, company=company, title="Материалы", kind=WarehouseKind.MATERIALS
    )
    if not Goods.objects.filter(chain=chain).exists():
        make_goods(chain, goods_count, seed=5)
        for n in range(MATERIALS):
            Goods.objects.create(
                chain=chain,
                title=f"Материал {n}",
                sale_unit=Unit.PIECE,
                writeoff_unit=Unit.ML,
                units_per_sale=Decimal(1000),
                purchase_price=Decimal(600),
                price=Decimal(0),
            )
    materials = list(Goods.objects.filter(chain=chain, price=0).order_by("pk")[:MATERIALS])
    sold = list(Goods.objects.filter(chain=chain, price__gt=0).order_by("pk")[:SOLD])
    supplier, _ = Counterparty.objects.get_or_create(chain=chain, name="Поставщик")
    # Plenty for every run: a thousand bottles of each material and goods item.
    receive(company, store, supplier, [ItemLine(item, 1000, "600") for item in materials])
    receive(company, shop, supplier, [ItemLine(item, 1000, "500") for item in sold])
    category, _ = ServiceCategory.objects.get_or_create(company=company, chain=chain, title="Окрашивание")
    service, made = Service.objects.get_or_create(
        company=company,
        chain=chain,
        category=category,
        title="Окрашивание в один тон",
        defaults={"duration": 30, "price_min": Decimal(5000), "price_max": Decimal(5000)},
    )
    if made:
        card = TechCard.objects.create(chain=chain, service=service)
        set_card_lines(card, {item.pk: 30 for item in materials})
    specialist, made = Specialist.objects.get_or_create(chain=chain, name="Мастер")
    if made:
        specialist.companies.add(company)
        SpecialistService.objects.create(chain=chain, specialist=specialist, service=service)
    desk = Account.objects.filter(company=company, kind=AccountKind.CASH).first() or Account.objects.create(
        chain=chain, company=company, title="Касса", kind=AccountKind.CASH
    )
    owner = bench_owner(chain, f"bench-techcards-{chain.pk}@example.com")
    return company, service, specialist, desk, sold, owner


def visits(company, service, specialist, count: int):
    """`count` booked visits of the service, 30 minutes apart on days far ahead (a shift each day)."""
    made = []
    # The day after the last one booked by an earlier run (each run books days of its own).
    last = Record.objects.filter(specialist=specialist).aggregate(at=Max("start"))["at"]
    day = max(
        datetime.date(2031, 1, 1),
        last.astimezone(MOSCOW).date() + datetime.timedelta(days=1) if last else datetime.date(2031, 1, 1),
    )
    while len(made) < count:
        WorkInterval.objects.get_or_create(
            company=company,
            chain_id=company.chain_id,
            specialist=specialist,
            date=day,
            defaults={"start": datetime.time(9), "end": datetime.time(21)},
        )
        for slot in range(20):
            if len(made) == count:
                break
            start = datetime.datetime.combine(day, datetime.time(9), tzinfo=MOSCOW) + datetime.timedelta(
                minutes=30 * slot
            )
            records = book_visit(
                company=company,
                segments=[Segment(service.pk, specialist.pk)],
                start=start,
                client=None,
                now=start - datetime.timedelta(days=1),
            )
            made.append(records[0].visit)
        day += datetime.timedelta(days=1)
    return made


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--goods", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    warm = 3
    with scopes_disabled():
        company, service, specialist, desk, sold, owner = setup(args.goods)
        booked = [
            (visit, visit.records.get().lines.get()) for visit in visits(company, service, specialist, args.runs + warm)
        ]
    print(
        f"{connection.vendor}: {args.goods:,} goods, a card of {MATERIALS} materials, {SOLD} goods sold per checkout; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    times, queries = [], 0
    with browser_for(owner) as browser:
        for n, (visit, line) in enumerate(booked):
            url = reverse("finance:checkout", kwargs={"company_id": company.pk, "visit_id": visit.pk})
            data = {
                f"price_{line.pk}": "5000",
                "pl_key": [f"goods:{item.pk}" for item in sold],
                "pl_title": [item.title for item in sold],
                "pl_qty": ["1"] * SOLD,
                "pl_seller": [str(specialist.pk)] * SOLD,
                "amount_cash": str(5000 + sum(item.price for item in sold)),
                "account_cash": str(desk.pk),
            }
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = browser.post(url, data)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 302, (response.status_code, response.content[:2000])
            if n >= warm:
                times.append(elapsed)
                queries = len(captured)
    print(f"{'request':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    print_row(f"checkout POST: {SOLD} goods + a {MATERIALS}-material card", times, queries)


if __name__ == "__main__":
    main()
