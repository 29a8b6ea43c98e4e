"""The demo network has a catalogue of goods and materials with stock in every branch, a past
stocktaking applied, and a few goods below their minimum."""

from frontdesk.catalog.models import Service
from frontdesk.core.scopes import scope
from frontdesk.tenancy.demo import create_demo
from frontdesk.warehouse import checks
from frontdesk.warehouse.low_stock import low_rows
from frontdesk.warehouse.models import (
    Goods,
    LineMaterial,
    MovementKind,
    StockDocument,
    StockMove,
    StockRemain,
    Stocktaking,
    TechCard,
    Warehouse,
)


def test_the_demo_has_goods_and_materials_in_stock_in_every_branch(db):
    demo = create_demo()
    with scope(demo.chain):
        assert Goods.objects.filter(title__icontains="Оксидант").exists()
        for company in demo.companies:
            assert {w.title for w in Warehouse.objects.filter(company=company)} == {"Товары", "Материалы"}
            assert StockDocument.objects.filter(company=company, kind=MovementKind.RECEIPT).count() == 2
        # Sales at checkout empty a shelf now and then; most goods stay in stock in every branch.
        goods = Goods.objects.count()
        for company in demo.companies:
            in_stock = StockRemain.objects.filter(warehouse__company=company, quantity__gt=0).count()
            assert in_stock >= goods // 2, company
        assert checks.verify(demo.chain.pk) == []
        (count,) = Stocktaking.objects.all()
        assert count.status == "applied" and count.document.kind == MovementKind.ADJUSTMENT
        assert sorted(count.document.moves.values_list("quantity", flat=True)) == [-2, 1]
        for company in demo.companies:
            assert 2 <= len(low_rows([company])) <= 4
        # Every branch's colouring and manicure services have cards with materials; whatever a
        # checkout wrote off by them is mirrored, costed, per sale line of a carded service. (The
        # analytics history's past sales are bulk-written without events: they write nothing off.)
        carded = TechCard.objects.filter(lines__isnull=False).values("service_id")
        assert set(Service.objects.filter(pk__in=carded).values_list("company_id", flat=True)) == {
            c.pk for c in demo.companies
        }
        consumed = StockMove.objects.filter(document__kind=MovementKind.CONSUMPTION)
        assert LineMaterial.objects.count() == consumed.count()
        assert not LineMaterial.objects.exclude(sale_line__service_id__in=carded).exists()


def test_the_demo_sells_goods_at_the_counter_and_with_visits_and_stock_follows(db):
    from frontdesk.finance.models import LineKind, SaleLine

    demo = create_demo()
    with scope(demo.chain):
        sold = SaleLine.objects.filter(kind=LineKind.GOODS)
        assert sold.filter(sale__visit__isnull=True).exists(), "counter sales of goods"
        assert sold.filter(sale__visit__isnull=False, seller__isnull=False).exists(), "goods added to visits"
        sales = set(sold.values_list("sale_id", flat=True))
        documents = set(StockDocument.objects.filter(kind=MovementKind.SALE).values_list("sale_id", flat=True))
        assert sales == documents
        assert not StockRemain.objects.filter(quantity__lt=0).exists()
        assert checks.verify(demo.chain.pk) == []
