"""The demo's warehouse: a realistic catalogue of goods for sale and materials, «Товары» and
«Материалы» in every branch, receipts from two suppliers, a few write-offs and a transfer —
an applied stocktaking with a shortage and a surplus, and minimums that leave a few goods low —
all through the same services as the front desk. Runs before the money step, so that the visits
it checks out can sell goods (about one in six adds a bottle or two, sold by the visit's
specialist) and write off the materials of the colouring and manicure services by their
technological cards (the analytics history's bulk-written past sales write nothing off); after it, a step sells goods at the counter over the past two weeks."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdesk.catalog.models import Service
from frontdesk.finance.checkout import CounterLine, sell_at_counter
from frontdesk.finance.demo import register_demo_products
from frontdesk.finance.models import Account, AccountKind, Counterparty, PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.tenancy.demo import register_demo_step
from frontdesk.warehouse.models import Goods, GoodsCategory, MinimumStock, TechCard, Unit, Warehouse, WarehouseKind
from frontdesk.warehouse.quantities import ean13
from frontdesk.warehouse.selling import GoodsProducts
from frontdesk.warehouse.services import ItemLine, receive, transfer, write_off
from frontdesk.warehouse.stocktaking import apply_count, set_counts, start_count
from frontdesk.warehouse.techcards import set_card_lines

# Goods whose minimum is set above what was received, so the low-stock list has something on it.
LOW = {"MS-200", "GL-NUDE", "OX-6-1000"}

# (category, name, article, sale unit, write-off unit, units per sale, purchase, price, for sale)
CATALOGUE = [
    ("Уход за волосами", "Шампунь увлажняющий 250 мл", "SH-250", Unit.PIECE, Unit.PIECE, 1, 540, 1150, True),
    ("Уход за волосами", "Шампунь для окрашенных волос 1000 мл", "SH-1000", Unit.BOTTLE, Unit.ML, 1000, 1450, 0, False),
    ("Уход за волосами", "Маска восстанавливающая 200 мл", "MS-200", Unit.PIECE, Unit.PIECE, 1, 780, 1690, True),
    ("Уход за волосами", "Кондиционер 300 мл", "CN-300", Unit.PIECE, Unit.PIECE, 1, 610, 1290, True),
    ("Уход за волосами", "Масло для кончиков 50 мл", "OL-50", Unit.PIECE, Unit.PIECE, 1, 690, 1490, True),
    ("Окрашивание", "Краска для волос 6.0 тёмно-русый 60 мл", "CL-60-6.0", Unit.PIECE, Unit.ML, 60, 420, 0, False),
    (
        "Окрашивание",
        "Краска для волос 8.1 светло-русый пепельный 60 мл",
        "CL-60-8.1",
        Unit.PIECE,
        Unit.ML,
        60,
        420,
        0,
        False,
    ),
    ("Окрашивание", "Оксидант 6% 1000 мл", "OX-6-1000", Unit.BOTTLE, Unit.ML, 1000, 560, 0, False),
    ("Окрашивание", "Оксидант 9% 1000 мл", "OX-9-1000", Unit.BOTTLE, Unit.ML, 1000, 560, 0, False),
    ("Окрашивание", "Обесцвечивающая пудра 500 г", "BL-500", Unit.PACK, Unit.GRAM, 500, 1290, 0, False),
    ("Маникюр", "Гель-лак нюдовый 10 мл", "GL-NUDE", Unit.PIECE, Unit.PIECE, 1, 390, 890, True),
    ("Маникюр", "Лак для ногтей красный 12 мл", "NP-RED", Unit.PIECE, Unit.PIECE, 1, 260, 590, True),
    ("Маникюр", "Масло для кутикулы 15 мл", "CT-15", Unit.PIECE, Unit.PIECE, 1, 210, 490, True),
    ("Маникюр", "Базовое покрытие 10 мл", "BS-10", Unit.PIECE, Unit.ML, 10, 450, 0, False),
    ("Расходники", "Перчатки нитриловые (100 шт.)", "GV-100", Unit.PACK, Unit.PIECE, 100, 690, 0, False),
    ("Расходники", "Фольга для окрашивания 100 м", "FL-100", Unit.PIECE, Unit.METRE, 100, 540, 0, False),
    ("Расходники", "Полотенца одноразовые (50 шт.)", "TW-50", Unit.PACK, Unit.PIECE, 50, 380, 0, False),
]


@register_demo_step(43)
def demo_warehouse(demo) -> None:
    rng = random.Random(20261207)
    chain = demo.chain
    suppliers = [
        Counterparty.objects.create(chain=chain, name="ООО «Проф Косметикс»", inn="7701234567"),
        Counterparty.objects.create(chain=chain, name="ИП Смирнова (расходники)", inn="772345678901"),
    ]
    categories = {}
    goods = []
    for number, (category, title, article, sale_unit, unit, per_sale, cost, price, for_sale) in enumerate(CATALOGUE):
        if category not in categories:
            categories[category] = GoodsCategory.objects.create(chain=chain, title=category)
        item = Goods.objects.create(
            chain=chain,
            title=title,
            article=article,
            category=categories[category],
            sale_unit=sale_unit,
            writeoff_unit=unit,
            units_per_sale=Decimal(per_sale),
            purchase_price=Decimal(cost),
            price=Decimal(price),
        )
        item.barcodes.create(chain=chain, code=ean13(f"46000{number:07d}"))
        goods.append((item, for_sale))
    # Before the journal's first day (two weeks back), so the visits have stock to sell.
    start = timezone.now() - datetime.timedelta(days=30)
    for company in demo.companies:
        shop = Warehouse.objects.create(chain=chain, company=company, title="Товары", kind=WarehouseKind.GOODS)
        materials = Warehouse.objects.create(
            chain=chain, company=company, title="Материалы", kind=WarehouseKind.MATERIALS
        )
        for warehouse, wanted in ((shop, True), (materials, False)):
            # Materials come with a month of what the technological cards use on top.
            lines = [
                ItemLine(item, rng.randint(4, 12) + FOR_CARDS.get(item.article, 0), item.purchase_price)
                for item, for_sale in goods
                if for_sale == wanted
            ]
            receive(
                company,
                warehouse,
                suppliers[0] if wanted else suppliers[1],
                lines,
                document_number=f"ТН-{company.pk}{rng.randint(100, 999)}",
                user=demo.owner,
                occurred_at=start,
            )
            for item, for_sale in goods:
                if for_sale == wanted:
                    MinimumStock.objects.create(
                        chain=chain,
                        warehouse=warehouse,
                        goods=item,
                        quantity=(15 if item.article in LOW else 3) * item.units_per_sale,
                    )
        damaged = next(item for item, for_sale in goods if for_sale)
        write_off(
            company,
            shop,
            [ItemLine(damaged, 1)],
            reason="Повреждена упаковка",
            user=demo.admin,
            occurred_at=start + datetime.timedelta(days=5),
        )
    _technological_cards(demo, [item for item, for_sale in goods if not for_sale])
    first, *others = demo.companies
    _past_stocktaking(demo, first, start + datetime.timedelta(days=10))
    if others:
        source = Warehouse.objects.get(company=first, kind=WarehouseKind.GOODS)
        target = Warehouse.objects.get(company=others[0], kind=WarehouseKind.GOODS)
        item = next(item for item, for_sale in goods if for_sale)
        transfer(
            first, source, target, [ItemLine(item, 2)], user=demo.owner, occurred_at=start + datetime.timedelta(days=7)
        )


# (service, {article: amount in write-off units}) — the demo's technological cards; the money step
# that follows checks the journal's past visits out, writing off the materials of those with a card.
CARDS = [
    ("Окрашивание в один тон", {"CL-60-6.0": 60, "OX-6-1000": 60, "GV-100": 2, "TW-50": 2}),
    ("Окрашивание корней", {"CL-60-8.1": 30, "OX-6-1000": 30, "GV-100": 2, "TW-50": 1}),
    ("Маникюр с покрытием гель-лаком", {"BS-10": "0.5", "GV-100": 2, "TW-50": 1}),
]
# What the demo's materials warehouses get on top (in sale units) for the cards: a month of work.
FOR_CARDS = {"CL-60-6.0": 12, "CL-60-8.1": 8, "OX-6-1000": 2, "BS-10": 4, "GV-100": 2, "TW-50": 3}


def _technological_cards(demo, materials: list[Goods]) -> None:
    """The default cards of the colouring and manicure services in every branch (their materials
    came with the first delivery, `FOR_CARDS`)."""
    by_article = {item.article: item for item in materials}
    for title, lines in CARDS:
        for service in Service.objects.filter(title=title, is_archived=False):
            card = TechCard.objects.create(chain=demo.chain, service=service)
            set_card_lines(card, {by_article[article].pk: amount for article, amount in lines.items()})


def _past_stocktaking(demo, company, when) -> None:
    """A count of the first branch's «Товары» ten days into the history: one item two short, one
    found one over, the rest as on the books; applied by the administrator."""
    shop = Warehouse.objects.get(company=company, kind=WarehouseKind.GOODS)
    count = start_count(company, shop, comment="Плановая инвентаризация", user=demo.admin, now=when)
    lines = sorted(count.lines.all(), key=lambda line: (-line.book_at_start, line.pk))  # the shortage where most is
    counts = {line.pk: line.book_at_start for line in lines}
    counts[lines[0].pk] -= 2
    counts[lines[-1].pk] += 1
    set_counts(count, {pk: str(value) for pk, value in counts.items()}, user=demo.admin, now=when)
    apply_count(count, user=demo.admin, now=when + datetime.timedelta(hours=2))


def _on_sale(company) -> list:
    return GoodsProducts().products(company)


@register_demo_products
def goods_for_a_visit(visit, rng: random.Random) -> list[CounterLine]:
    """About one visit in six buys a product the specialist recommended (and sold)."""
    if rng.random() > 0.17:
        return []
    offered = _on_sale(visit.company)
    if not offered:
        return []
    product = rng.choice(offered)
    seller = visit.records.order_by("start").values_list("specialist_id", flat=True).first()
    quantity = 2 if rng.random() < 0.15 else 1
    return [CounterLine(product.kind, product.ref, product.title, product.price, quantity, seller, product.vat)]


@register_demo_step(51)
def demo_counter_sales(demo) -> None:
    """A dozen sales at the counter in every branch over the past two weeks, by cash or card."""
    rng = random.Random(20261208)
    now = timezone.now()
    for company in demo.companies:
        offered = _on_sale(company)
        accounts = {a.kind: a for a in Account.objects.filter(company=company)}
        if not offered or len(accounts) < 2:
            continue
        for n in range(12):
            chosen = rng.sample(offered, k=min(len(offered), rng.choice((1, 1, 2))))
            lines = [
                CounterLine(p.kind, p.ref, p.title, p.price, rng.choice((1, 1, 1, 2)), None, p.vat) for p in chosen
            ]
            total = sum((p.price * line.quantity for p, line in zip(chosen, lines, strict=True)), Decimal(0))
            cash = rng.random() < 0.5
            account = accounts[AccountKind.CASH if cash else AccountKind.BANK]
            when = (now - datetime.timedelta(days=13 - n, hours=rng.randint(0, 6))).replace(second=0, microsecond=0)
            try:
                sell_at_counter(
                    company,
                    client=None,
                    lines=lines,
                    payments=[Payment(account, PaymentMethod.CASH if cash else PaymentMethod.CARD, total)],
                    user=demo.admin,
                    occurred_at=min(when, now),
                )
            except ValidationError:
                continue  # sold out: the shelf is empty
