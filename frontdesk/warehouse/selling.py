"""Goods at checkout: the warehouse sells its goods through finance's counter and visit checkout,
and the stock follows the sale.

- `GoodsProducts` (a finance `ProductProvider`, not listed: found by name, article or a scanned
  barcode) offers the branch's goods that have a sale price — the branch's own price when it set
  one, else the network's — with their VAT and what the branch's sale warehouse holds.
- When a sale settles (`finance.sale_settled`, kinds "checkout" and "counter"), every goods line
  leaves the branch's sale warehouse in one `sale` document (`StockDocument.sale`), inside the
  sale's transaction: when the network forbids negative stock and there is not enough, the
  refusal («Not enough … : N in stock») rolls the whole sale back — no money, no loyalty, no stock.
- When a refund brings units back (`finance.lines_returned`), a `client_return` document puts them
  into the warehouse they left, at the cost they left at (their share of the sale's movement
  value), so a sale and its return cancel out to the kopeck.

See docs/warehouse.md, «Goods at checkout»."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from frontdesk.core.money import to_money
from frontdesk.finance.means import Product, ProductProvider, register_products
from frontdesk.finance.models import LineKind, SaleLine, Transaction
from frontdesk.finance.signals import lines_returned, sale_settled
from frontdesk.tenancy.models import Company
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import (
    Barcode,
    Goods,
    GoodsPrice,
    MovementKind,
    StockMove,
    StockRemain,
    Unit,
    Warehouse,
    WarehouseKind,
    goods_search,
)
from frontdesk.warehouse.quantities import to_writeoff_units
from frontdesk.warehouse.services import MoveLine, move, shown

ZERO = Decimal("0")


def sale_warehouse(company) -> Warehouse | None:
    """The warehouse a branch sells from: its first goods warehouse that is not archived."""
    return (
        Warehouse.unscoped.filter(company_id=company.pk, kind=WarehouseKind.GOODS, is_archived=False)
        .order_by("id")
        .first()
    )


def _for_sale(company):
    """The network's goods on sale in the branch: not archived, with a sale price above zero (the
    branch's own or the network's), annotated with `sale_price` and `in_stock` (write-off units
    in the branch's goods warehouses). One query however many rows are read."""
    branch_price = GoodsPrice.unscoped.filter(company_id=company.pk, goods=OuterRef("pk")).values("price")[:1]
    stock = (
        StockRemain.unscoped.filter(
            goods=OuterRef("pk"),
            warehouse__company_id=company.pk,
            warehouse__kind=WarehouseKind.GOODS,
            warehouse__is_archived=False,
        )
        .values("goods")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    quantity = DecimalField(max_digits=14, decimal_places=3)
    return (
        Goods.unscoped.filter(chain_id=company.chain_id, is_archived=False)
        .annotate(
            sale_price=Coalesce(Subquery(branch_price), "price"),
            in_stock=Coalesce(Subquery(stock, output_field=quantity), ZERO, output_field=quantity),
        )
        .filter(sale_price__gt=0)
        .order_by("title", "id")
    )


def _product(goods) -> Product:
    in_sale_units = (goods.in_stock / goods.units_per_sale).quantize(Decimal("0.001"))
    unit = str(Unit(goods.sale_unit).label)
    return Product(
        kind=LineKind.GOODS,
        ref=str(goods.pk),
        title=goods.title,
        price=to_money(goods.sale_price),
        quantity_allowed=True,
        unit=unit,
        vat=goods.vat,
        code=goods.article,
        note=f"{shown(in_sale_units)} {unit}",
    )


class GoodsProducts(ProductProvider):
    """The branch's goods for the counter and the visit checkout. Each call is one query."""

    kind = LineKind.GOODS
    listed = False

    def products(self, company) -> list[Product]:
        return [_product(goods) for goods in _for_sale(company)]

    def find_many(self, company, refs) -> dict[str, Product]:
        ids = [int(ref) for ref in refs if str(ref).isdigit()]
        return {str(g.pk): _product(g) for g in _for_sale(company).filter(pk__in=ids)} if ids else {}

    def find(self, company, ref: str) -> Product | None:
        return self.find_many(company, [ref]).get(str(ref))

    def search(self, company, text: str, limit: int = 20) -> list[Product]:
        match = goods_search(company.chain_id, text)
        return [_product(goods) for goods in _for_sale(company).filter(match)[:limit]]

    def find_by_code(self, company, code: str) -> Product | None:
        goods = (
            _for_sale(company)
            .filter(pk__in=Barcode.unscoped.filter(chain_id=company.chain_id, code=code.strip()).values("goods_id"))
            .first()
        )
        return _product(goods) if goods is not None else None


def _goods_of(lines, chain_id: int) -> dict[int, Goods]:
    ids = {int(line.ref) for line in lines if str(line.ref).isdigit()}
    return Goods.unscoped.filter(chain_id=chain_id).in_bulk(ids)


def money_taken_at(sale):
    """When the sale's money was taken (a checkout entered afterwards is dated so), or None (not
    paid yet: now). Stock leaving with a sale is dated so."""
    return Transaction.objects.filter(sale_id=sale.pk).aggregate(at=Max("occurred_at"))["at"]


def take_sold_goods(sale, kind: str) -> None:
    """Listens to `finance.sale_settled`: on a checkout or a counter sale, its goods lines leave the
    branch's sale warehouse as one `sale` document at the weighted average (`services.move`: the
    remains locked in key order, re-read, refused when there is not enough and stock may not go
    negative). A goods item gone from the catalogue or archived is refused too. Raising rolls
    the sale back. A fixed number of queries whatever the number of lines."""
    if kind not in ("checkout", "counter"):
        return
    lines = list(SaleLine.unscoped.filter(sale_id=sale.pk, kind=LineKind.GOODS).order_by("position", "id"))
    if not lines:
        return
    company = Company.objects.get(pk=sale.company_id)
    goods = _goods_of(lines, sale.chain_id)
    store = sale_warehouse(company)
    if store is None:
        raise WarehouseError("no_sale_warehouse")
    moves = []
    for line in lines:
        item = goods.get(int(line.ref)) if str(line.ref).isdigit() else None
        if item is None:
            raise WarehouseError("no_goods", text=line.title)
        if item.is_archived:
            raise WarehouseError("goods_archived", goods=item.title)
        quantity = to_writeoff_units(line.quantity, item, in_sale_units=True)
        moves.append(MoveLine(item, store, -quantity))
    move(
        MovementKind.SALE,
        company,
        moves,
        sale=sale,
        user=sale.created_by if sale.created_by_id else None,
        occurred_at=money_taken_at(sale),
    )


def bring_back_returned_goods(sale, returns) -> None:
    """Listens to `finance.lines_returned`: the goods units given back come into the warehouse they
    were sold from as a `client_return` document, each carrying its share of the cost it left at
    (the sale's moves of the item less what earlier returns brought back; the last unit back
    takes exactly what is left). Lines sold before the warehouse counted them (no sale move)
    bring nothing back. A fixed number of queries whatever the number of lines."""
    goods_lines = [(line, quantity) for line, quantity in returns if line.kind == LineKind.GOODS]
    if not goods_lines:
        return
    out: dict[int, list] = {}  # goods id → [warehouse id, units still out, value still out]
    for goods_id, warehouse_id, document_kind, quantity, value in StockMove.unscoped.filter(
        document__sale_id=sale.pk, document__kind__in=[MovementKind.SALE, MovementKind.CLIENT_RETURN]
    ).values_list("goods_id", "warehouse_id", "document__kind", "quantity", "value"):
        row = out.setdefault(goods_id, [warehouse_id, ZERO, ZERO])
        if document_kind == MovementKind.SALE:
            row[0] = warehouse_id
        row[1] -= quantity
        row[2] -= value
    goods = _goods_of([line for line, _q in goods_lines], sale.chain_id)
    coming: dict[int, Decimal] = {}
    for line, quantity in goods_lines:
        item = goods.get(int(line.ref)) if str(line.ref).isdigit() else None
        if item is not None and item.pk in out:
            coming[item.pk] = coming.get(item.pk, ZERO) + to_writeoff_units(quantity, item, in_sale_units=True)
    if not coming:
        return
    stores = Warehouse.unscoped.in_bulk({out[pk][0] for pk in coming})
    company = Company.objects.get(pk=sale.company_id)
    moves = []
    for goods_id, units in coming.items():
        warehouse_id, units_out, value_out = out[goods_id]
        units = min(units, units_out)
        if units <= 0:
            continue
        value = value_out if units == units_out else to_money(value_out * units / units_out)
        store = stores[warehouse_id]
        if store.is_archived:
            store = sale_warehouse(company) or store
        moves.append(MoveLine(goods[goods_id], store, units, value=max(value, ZERO)))
    if moves:
        move(MovementKind.CLIENT_RETURN, company, moves, sale=sale)


def register() -> None:
    """Called from the warehouse's AppConfig.ready."""
    register_products(GoodsProducts())
    sale_settled.listen(take_sold_goods)
    lines_returned.listen(bring_back_returned_goods)
