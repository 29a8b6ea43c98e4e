"""Builders for technological-card tests: a colouring visit, the dye and the materials warehouse."""

from decimal import Decimal

from frontdesk.finance.tests.factories import make_visit
from frontdesk.scheduling.models import RecordService
from frontdesk.warehouse.models import TechCard, TechCardLine, Unit, WarehouseKind
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse


def materials_store(company):
    return warehouse(company, "Материалы", WarehouseKind.MATERIALS)


def material(chain, title, units_per_sale=60, purchase_price="420", unit=Unit.ML):
    """A material sold by the tube (or bottle) and written off by `unit`: no sale price."""
    return goods(
        chain,
        title,
        sale_unit=Unit.PIECE,
        writeoff_unit=unit,
        units_per_sale=Decimal(units_per_sale),
        purchase_price=Decimal(purchase_price),
        price=Decimal("0"),
    )


def stock(company, store, item, pieces, price):
    """Receive `pieces` sale units of `item` at `price` each."""
    return receive(company, store, supplier(company.chain), [ItemLine(item, pieces, price)])


def card(service, lines, specialist=None, duration=None):
    made = TechCard.objects.create(chain_id=service.chain_id, service=service, specialist=specialist, duration=duration)
    for item, quantity in lines:
        TechCardLine.objects.create(chain_id=service.chain_id, card=made, goods=item, quantity=Decimal(quantity))
    return made


def colouring_visit(company, hour=11):
    """A visit with one colouring (30 min) by its own specialist: (visit, record service)."""
    visit = make_visit(company, services=(("Окрашивание", 5000, 9000),), hour=hour)
    line = RecordService.objects.select_related("service", "record__specialist").get(record__visit=visit)
    return visit, line
