"""Builders for warehouse tests."""

from decimal import Decimal

from frontdesk.finance.models import Counterparty
from frontdesk.warehouse.models import Goods, Unit, Warehouse, WarehouseKind


def supplier(chain, name="ООО «Проф Косметикс»"):
    found, _created = Counterparty.objects.get_or_create(chain=chain, name=name)
    return found


def goods(chain, title="Шампунь 250 мл", **extra):
    extra.setdefault("purchase_price", Decimal("500"))
    extra.setdefault("price", Decimal("1100"))
    return Goods.objects.create(chain=chain, title=title, **extra)


def dye(chain):
    return goods(
        chain,
        "Краска 6.0 60 мл",
        sale_unit=Unit.PIECE,
        writeoff_unit=Unit.ML,
        units_per_sale=Decimal("60"),
        purchase_price=Decimal("420"),
        price=Decimal("0"),
    )


def warehouse(company, title="Товары", kind=WarehouseKind.GOODS):
    return Warehouse.objects.create(chain_id=company.chain_id, company=company, title=title, kind=kind)
