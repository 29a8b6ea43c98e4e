"""Technological cards: the materials a service uses, written off when a visit is checked out.

- A card belongs to a service (network-wide) and lists materials with an amount in each one's
  write-off unit. Variants for a specialist, for a length of the service, or both, override the
  default; `pick_card` takes the most specific that matches (specialist + length > specialist >
  length > default).
- Before payment the administrator may type the actual amounts of a visit's materials
  (`plan_materials`): a service line with such a plan is written off by it instead of its card.
- When a visit's sale settles (`finance.sale_settled`, kind "checkout") `consume_for_sale` writes
  one `consumption` document out of the branch's materials warehouse for every service line,
  inside the sale's transaction, and records each line's materials and their cost
  (`LineMaterial`). Not enough stock while the network forbids negative stock: the refusal names
  the material and what is left and rolls the whole checkout back. No materials warehouse in the
  branch: nothing is written off and the checkout goes on.
- After payment `correct_materials` writes the difference as one more `consumption` document
  (more used: out at the average; less used: back at the cost it left at) and its `LineMaterial`
  rows, so a line's cost is always the sum of its rows = minus the sum of its movements.
- A refund leaves the materials spent (they were used on the client, as in YCLIENTS); the
  administrator corrects them on the sale when something really came back.

Payroll and analytics read the cost per sale line with `material_costs` (one query).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, Q, Sum
from django.utils.translation import gettext as _

from frontdesk.catalog.models import Service
from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row
from frontdesk.core.money import to_money
from frontdesk.finance.models import LineKind, Sale, SaleLine
from frontdesk.finance.signals import sale_settled
from frontdesk.scheduling.models import RecordService, RecordStatus, Visit
from frontdesk.staff.models import Specialist
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import (
    Goods,
    LineMaterial,
    MovementKind,
    PlannedMaterial,
    StockDocument,
    StockRemain,
    TechCard,
    TechCardLine,
    Warehouse,
    WarehouseKind,
)
from frontdesk.warehouse.quantities import parse_quantity
from frontdesk.warehouse.selling import money_taken_at
from frontdesk.warehouse.services import MoveLine, move

ZERO = Decimal("0")


@dataclass(frozen=True)
class ServiceLine:
    """What picks a card: the service, who did it and how long it was booked for."""

    key: int  # the record service's (before payment) or the sale line's (after) id
    service_id: int
    specialist_id: int | None
    duration: int | None


def materials_warehouse(company) -> Warehouse | None:
    """The warehouse a branch's work uses materials from: its first materials warehouse that is
    not archived, or None (then nothing is written off)."""
    return (
        Warehouse.unscoped.filter(company_id=company.pk, kind=WarehouseKind.MATERIALS, is_archived=False)
        .order_by("id")
        .first()
    )


def materials(chain_id: int):
    """The goods a card may list: not archived, and either without a sale price (a dye, gloves)
    or kept in some materials warehouse of the network (a shampoo used at the basin)."""
    in_materials = StockRemain.unscoped.filter(chain_id=chain_id, warehouse__kind=WarehouseKind.MATERIALS).values(
        "goods_id"
    )
    return Goods.unscoped.filter(chain_id=chain_id, is_archived=False).filter(Q(price=0) | Q(pk__in=in_materials))


def pick_card(cards: list[TechCard], specialist_id: int | None, duration: int | None) -> TechCard | None:
    """The most specific of a service's cards for a line: specialist + length, then specialist,
    then length, then the default; None when none matches."""
    rank = {}
    for card in cards:
        if card.specialist_id is not None and card.specialist_id != specialist_id:
            continue
        if card.duration is not None and card.duration != duration:
            continue
        rank[(card.specialist_id is not None, card.duration is not None)] = card
    for key in ((True, True), (True, False), (False, True), (False, False)):
        if key in rank:
            return rank[key]
    return None


def cards_by_service(chain_id: int, service_ids) -> dict[int, list[TechCard]]:
    """The cards of `service_ids` with their lines and materials: two queries."""
    cards = TechCard.unscoped.filter(chain_id=chain_id, service_id__in=set(service_ids)).prefetch_related(
        Prefetch("lines", queryset=TechCardLine.unscoped.select_related("goods").order_by("id"))
    )
    found: dict[int, list[TechCard]] = defaultdict(list)
    for card in cards:
        found[card.service_id].append(card)
    return found


def _amounts(chain_id: int, lines: list[ServiceLine], plans: dict[int, list[PlannedMaterial]]):
    """{line key: {goods: amount}} — the typed plan of a line when it has one, else its card."""
    cards = cards_by_service(chain_id, {line.service_id for line in lines})
    result: dict[int, dict[Goods, Decimal]] = {}
    for line in lines:
        if line.key in plans:
            result[line.key] = {row.goods: row.quantity for row in plans[line.key] if row.quantity > 0}
            continue
        card = pick_card(cards.get(line.service_id, []), line.specialist_id, line.duration)
        result[line.key] = {row.goods: row.quantity for row in card.lines.all()} if card else {}
    return result


def _plans(chain_id: int, record_service_ids) -> dict[int, list[PlannedMaterial]]:
    plans: dict[int, list[PlannedMaterial]] = defaultdict(list)
    for row in PlannedMaterial.unscoped.filter(
        chain_id=chain_id, record_service_id__in=set(record_service_ids)
    ).select_related("goods"):
        plans[row.record_service_id].append(row)
    return plans


def _visit_lines(visit) -> list[RecordService]:
    return list(
        RecordService.unscoped.filter(record__visit_id=visit.pk)
        .exclude(record__status__in=RecordStatus.LOST)
        .select_related("service", "record")
        .order_by("record__start", "record_id", "position")
    )


def visit_materials(visit) -> list[tuple[RecordService, dict[Goods, Decimal], bool]]:
    """Per service line of a visit not yet paid: (the line, {material: amount}, typed?) — the
    amounts the checkout will write off. Five queries however many lines and materials."""
    rows = _visit_lines(visit)
    lines = [ServiceLine(r.pk, r.service_id, r.record.specialist_id, r.duration) for r in rows]
    plans = _plans(visit.chain_id, [r.pk for r in rows])
    amounts = _amounts(visit.chain_id, lines, plans)
    return [(row, amounts[row.pk], row.pk in plans) for row in rows]


def _read_amounts(typed: dict, goods: dict[int, Goods]) -> dict[int, Decimal]:
    cleaned = {}
    for goods_id, raw in typed.items():
        item = goods.get(goods_id)
        if item is None:
            raise WarehouseError("not_a_material")
        try:
            cleaned[goods_id] = parse_quantity(str(raw).strip() or "0", allow_zero=True)
        except WarehouseError:
            raise WarehouseError("material_amount", goods=item.title) from None
    return cleaned


def plan_materials(visit, amounts: dict[int, dict[int, object]], *, user=None) -> None:
    """Set the actual amounts of a visit's materials before payment: `amounts` = {record service
    id: {goods id: amount in write-off units}}, the whole list of each named line (a zero takes a
    material out; a line named with nothing goes back to its card). All or nothing: a line not of
    this visit, a goods item that is not a material, a bad amount, or a visit already checked out
    is refused with the reason and nothing is saved."""
    with transaction.atomic():
        # The visit's row is what checkout locks: a plan typed while the sale is being written
        # waits for it and then sees the sale.
        visit = lock_row(Visit.unscoped.filter(chain_id=visit.chain_id), visit.pk)
        if Sale.unscoped.filter(visit_id=visit.pk).exists():
            raise WarehouseError("visit_paid")
        known = {row.pk for row in _visit_lines(visit)}
        if set(amounts) - known:
            raise WarehouseError("not_a_visit_sale")
        wanted = {goods_id for typed in amounts.values() for goods_id in typed}
        goods = materials(visit.chain_id).in_bulk(wanted) if wanted else {}
        cleaned = {key: _read_amounts(typed, goods) for key, typed in amounts.items()}
        PlannedMaterial.unscoped.filter(chain_id=visit.chain_id, record_service_id__in=list(cleaned)).delete()
        PlannedMaterial.unscoped.bulk_create(
            [
                PlannedMaterial(chain_id=visit.chain_id, record_service_id=key, goods_id=goods_id, quantity=quantity)
                for key, typed in cleaned.items()
                for goods_id, quantity in typed.items()
            ]
        )


def _record(document: StockDocument, keys: list[int]) -> None:
    """The `LineMaterial` mirror of each of the document's moves, `keys[i]` the sale line of the
    i-th move (moves are written in the order of their lines)."""
    moves = list(document.moves.order_by("id"))
    LineMaterial.unscoped.bulk_create(
        [
            LineMaterial(
                chain_id=document.chain_id,
                sale_line_id=key,
                goods_id=row.goods_id,
                move=row,
                quantity=-row.quantity,
                cost=-row.value,
            )
            for key, row in zip(keys, moves, strict=True)
        ]
    )


def consume_for_sale(sale, kind: str) -> None:
    """Listens to `finance.sale_settled`: at a visit's checkout every service line's materials
    (its typed plan, else its card) leave the branch's materials warehouse as one `consumption`
    document at the weighted average (`services.move`: locked, re-read, refused when not enough
    and stock may not go negative — the refusal rolls the checkout back), and each line's
    materials and cost are recorded. No materials warehouse or no materials: nothing happens.
    A fixed number of queries however many lines and materials."""
    if kind != "checkout" or not sale.visit_id:
        return
    sold = list(
        SaleLine.unscoped.filter(sale_id=sale.pk, kind=LineKind.SERVICE, record_service__isnull=False)
        .select_related("record_service__record")
        .order_by("position", "id")
    )
    if not sold:
        return
    lines = [
        ServiceLine(
            s.pk,
            s.service_id or s.record_service.service_id,
            s.record_service.record.specialist_id,
            s.record_service.duration,
        )
        for s in sold
    ]
    by_record = {s.record_service_id: s.pk for s in sold}
    plans = {by_record[key]: rows for key, rows in _plans(sale.chain_id, by_record).items()}
    amounts = _amounts(sale.chain_id, lines, plans)
    if not any(amounts.values()):
        return
    company = sale.company
    store = materials_warehouse(company)
    if store is None:
        return
    moves, keys = [], []
    for line in lines:
        for item, quantity in amounts[line.key].items():
            moves.append(MoveLine(item, store, -quantity))
            keys.append(line.key)
    document = move(
        MovementKind.CONSUMPTION,
        company,
        moves,
        sale=sale,
        user=sale.created_by if sale.created_by_id else None,
        occurred_at=money_taken_at(sale),
    )
    _record(document, keys)


@dataclass
class UsedMaterial:
    """A material a sold line used so far: its amount, cost and the warehouse it came from."""

    goods: Goods
    quantity: Decimal = ZERO
    cost: Decimal = ZERO
    warehouse_id: int | None = None


def sale_materials(sale) -> dict[int, dict[int, UsedMaterial]]:
    """{service line id: {goods id: what it used}} of a sale: one query."""
    used: dict[int, dict[int, UsedMaterial]] = defaultdict(dict)
    for row in (
        LineMaterial.unscoped.filter(chain_id=sale.chain_id, sale_line__sale_id=sale.pk)
        .select_related("goods", "move")
        .order_by("id")
    ):
        entry = used[row.sale_line_id].setdefault(row.goods_id, UsedMaterial(row.goods))
        entry.quantity += row.quantity
        entry.cost += row.cost
        entry.warehouse_id = row.move.warehouse_id
    return used


def correct_materials(sale, amounts: dict[int, dict[int, object]], *, user=None) -> StockDocument | None:
    """Correct what a paid visit's service lines used: `amounts` = {sale line id: {goods id: the
    actual amount in write-off units}} (materials not named stay as they are; zero takes one
    back). The differences are one `consumption` document — more used leaves at the average,
    less used comes back at the cost it left at (the line's cost of the item shared by amount, the
    last unit taking what is left) — and the lines' `LineMaterial` rows follow it. Returns the
    document, or None when nothing differs. All or nothing, under the sale's row lock (a second
    correction at the same moment reads the first one's rows)."""
    with transaction.atomic():
        sale = lock_row(Sale.unscoped.filter(chain_id=sale.chain_id), sale.pk)
        if not sale.visit_id:
            raise WarehouseError("not_a_visit_sale")
        service_lines = set(
            SaleLine.unscoped.filter(sale_id=sale.pk, kind=LineKind.SERVICE).values_list("pk", flat=True)
        )
        if set(amounts) - service_lines:
            raise WarehouseError("not_a_visit_sale")
        used = sale_materials(sale)
        wanted = {goods_id for typed in amounts.values() for goods_id in typed}
        goods = materials(sale.chain_id).in_bulk(wanted) if wanted else {}
        for line_used in used.values():
            for goods_id, entry in line_used.items():
                goods.setdefault(goods_id, entry.goods)  # an item archived since may still be corrected
        cleaned = {key: _read_amounts(typed, goods) for key, typed in amounts.items()}
        company = sale.company
        stores = Warehouse.unscoped.filter(chain_id=sale.chain_id, is_archived=False).in_bulk(
            {e.warehouse_id for line_used in used.values() for e in line_used.values()}
        )
        fallback = None
        moves, keys = [], []
        for key, typed in cleaned.items():
            for goods_id, actual in typed.items():
                entry = used.get(key, {}).get(goods_id) or UsedMaterial(goods[goods_id])
                difference = actual - entry.quantity
                if difference == 0:
                    continue
                # Back where it came from; the branch's materials warehouse if that one is archived.
                store = stores.get(entry.warehouse_id)
                if store is None:
                    fallback = fallback or materials_warehouse(company)
                    store = fallback
                if store is None:
                    raise WarehouseError("no_materials_warehouse")
                if difference > 0:
                    moves.append(MoveLine(entry.goods, store, -difference))
                else:
                    back = -difference
                    value = entry.cost if back == entry.quantity else to_money(entry.cost * back / entry.quantity)
                    moves.append(MoveLine(entry.goods, store, back, value=max(value, ZERO)))
                keys.append(key)
        if not moves:
            return None
        document = move(
            MovementKind.CONSUMPTION,
            company,
            moves,
            sale=sale,
            reason=_("Correction of the visit's materials"),
            user=user,
        )
        _record(document, keys)
        return document


def material_costs(sale_line_ids) -> dict[int, Decimal]:
    """The cost of materials of each sale line (the sum of its `LineMaterial` rows, corrections
    included; lines that used nothing are left out). One query — payroll and analytics read it."""
    rows = (
        LineMaterial.unscoped.filter(sale_line_id__in=list(sale_line_ids))
        .values("sale_line_id")
        .annotate(total=Sum("cost"))
    )
    return {row["sale_line_id"]: to_money(row["total"]) for row in rows}


def register() -> None:
    """Called from the warehouse's AppConfig.ready, after `selling.register`."""
    sale_settled.listen(consume_for_sale)


def add_card(company, service_id, specialist_id=None, duration="") -> TechCard:
    """A new card of a branch's service: the default, or a variant for one of the branch's
    specialists and/or a length in minutes. A combination that has a card already is refused."""
    service = Service.unscoped.filter(company_id=company.pk, is_archived=False, pk=service_id).first()
    if service is None:
        raise WarehouseError("card_service")
    specialist = None
    if specialist_id:
        specialist = Specialist.unscoped.filter(chain_id=company.chain_id, companies=company, pk=specialist_id).first()
        if specialist is None:
            raise WarehouseError("card_specialist")
    length = None
    if str(duration or "").strip():
        text = str(duration).strip()
        if not text.isdigit() or not 0 < int(text) <= 24 * 60:
            raise WarehouseError("card_length")
        length = int(text)
    with transaction.atomic():
        taken = TechCard.unscoped.filter(service=service, specialist=specialist, duration=length).exists()
        if taken:
            raise WarehouseError("card_exists")
        return TechCard.objects.create(
            chain_id=company.chain_id, service=service, specialist=specialist, duration=length
        )


def set_card_lines(card: TechCard, amounts: dict[int, object]) -> None:
    """Set a card's materials: `amounts` = {goods id: amount in write-off units}, the whole list
    (a zero or a blank takes a material off; a material not named is taken off too). All or
    nothing: a goods item that is not a material or a bad amount is refused with its name."""
    with transaction.atomic():
        card = lock_row(TechCard.unscoped.filter(chain_id=card.chain_id), card.pk)
        current = {
            line.goods_id: line.goods for line in TechCardLine.unscoped.filter(card=card).select_related("goods")
        }
        goods = materials(card.chain_id).in_bulk(set(amounts))
        for goods_id, item in current.items():
            goods.setdefault(goods_id, item)  # archived since: its amount may still change
        cleaned = {key: value for key, value in _read_amounts(amounts, goods).items() if value > 0}
        TechCardLine.unscoped.filter(card=card).delete()
        TechCardLine.unscoped.bulk_create(
            [
                TechCardLine(chain_id=card.chain_id, card=card, goods_id=goods_id, quantity=quantity)
                for goods_id, quantity in cleaned.items()
            ]
        )
        log_action(card, code="techcard.lines", changes={"lines": [len(current), len(cleaned)]})
