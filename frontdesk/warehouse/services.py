"""The only way stock changes: `move` writes a movement document with its lines and the remains
they change, in one transaction; `receive`, `write_off` and `transfer` are the front desk's
documents built on it (checkout's sales, technological cards and stocktaking will call `move`).

Guarantees of every call:
- all or nothing: a bad quantity, price or unit, an archived item or warehouse, a warehouse of
  another branch or network, or a spend below zero when the network forbids negative stock
  raises `WarehouseError` with the translated reason and writes nothing;
- the remains rows a movement touches are locked in primary-key order (`core.locking`), re-read
  and re-checked under the lock, so two spends of the last unit at once never both succeed and
  two movements over the same rows never deadlock;
- `StockRemain` equals the sum of the ledger lines after every commit (`manage.py verify_stock`);
- the cost follows the weighted average of docs/warehouse.md;
- `warehouse.stock_moved` is announced inside the transaction, and the document is in the event log.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_rows
from frontdesk.core.money import AmountError, parse_amount, to_money
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import (
    DIRECTION,
    Goods,
    MovementKind,
    StockDocument,
    StockMove,
    StockRemain,
    Unit,
    Warehouse,
    WarehouseSettings,
)
from frontdesk.warehouse.quantities import parse_quantity, to_writeoff_units
from frontdesk.warehouse.signals import stock_moved

ZERO = Decimal("0")
AVERAGE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class MoveLine:
    """One line for `move`: `quantity` write-off units (signed: + into the warehouse, − out).
    `value` is the cost of goods that arrive at a price of their own (a receipt); None costs the
    line at the weighted average. `pair` names the index of an outgoing line whose cost this
    incoming line carries (the two halves of a transfer). `price` is shown, never counted."""

    goods: Goods
    warehouse: Warehouse
    quantity: Decimal
    value: Decimal | None = None
    price: Decimal | None = None
    pair: int | None = None


@dataclass(frozen=True)
class ItemLine:
    """A line as the front desk types it: an item, a quantity in sale units (or in write-off
    units with `in_sale_units=False`) and, on a receipt, the price per that unit."""

    goods: Goods
    quantity: object
    price: object = None
    in_sale_units: bool = True


def negative_allowed(chain_id: int) -> bool:
    """The network's setting «stock may go negative» (off when never set)."""
    return bool(WarehouseSettings.unscoped.filter(chain_id=chain_id).values_list("allow_negative", flat=True).first())


def set_negative_allowed(chain, allowed: bool) -> WarehouseSettings:
    with transaction.atomic():
        row, _created = WarehouseSettings.unscoped.get_or_create(chain_id=chain.pk)
        if row.allow_negative != allowed:
            row.allow_negative = allowed
            row.save()
        return row


def shown(quantity: Decimal) -> str:
    """A quantity for a message: no trailing zeros ("2.5", "30")."""
    return format(quantity.normalize(), "f")


def unit_cost(remain: StockRemain, goods: Goods) -> Decimal:
    """The cost of one write-off unit now: the weighted average, or before any receipt the
    item's purchase price spread over its write-off units."""
    if remain.average > 0:
        return remain.average
    return (goods.purchase_price / goods.units_per_sale).quantize(AVERAGE_PLACES, rounding=ROUND_HALF_UP)


def _check(kind: str, company, lines: list[MoveLine]) -> None:
    if not lines:
        raise WarehouseError("no_lines")
    direction = DIRECTION[MovementKind(kind)]
    for line in lines:
        parse_quantity(line.quantity, allow_negative=True)
        if direction and (line.quantity > 0) != (direction > 0):
            raise WarehouseError("wrong_direction")
        warehouse = line.warehouse
        if warehouse.chain_id != company.chain_id or line.goods.chain_id != company.chain_id:
            raise WarehouseError("other_network")
        if warehouse.is_archived:
            raise WarehouseError("warehouse_archived", warehouse=warehouse.title)
        # A branch moves its own stock; only a transfer's incoming half may land in another branch.
        if warehouse.company_id != company.pk and not (kind == MovementKind.TRANSFER and line.quantity > 0):
            raise WarehouseError("warehouse_branch", warehouse=warehouse.title)
        if line.quantity > 0 and kind == MovementKind.RECEIPT and line.goods.is_archived:
            raise WarehouseError("goods_archived", goods=line.goods.title)
        if line.value is not None and line.value < 0:
            raise WarehouseError("bad_price")
        if line.pair is not None and not (
            0 <= line.pair < len(lines) and lines[line.pair].quantity < 0 < line.quantity
        ):
            raise WarehouseError("wrong_direction")


def _lock_remains(chain_id: int, keys: set[tuple[int, int]]) -> dict[tuple[int, int], StockRemain]:
    """The remains rows of `keys` (warehouse id, goods id), created when missing, locked in
    primary-key order and re-read."""
    # One condition per warehouse, not per pair: a stocktaking or a receipt of thousands of lines
    # made an OR of thousands of terms, deeper than SQLite parses ("Expression tree is too large").
    by_warehouse: dict[int, set[int]] = {}
    for warehouse_id, goods_id in keys:
        by_warehouse.setdefault(warehouse_id, set()).add(goods_id)
    match = Q()
    for warehouse_id, goods_ids in sorted(by_warehouse.items()):
        match |= Q(warehouse_id=warehouse_id, goods_id__in=sorted(goods_ids))
    found = set(StockRemain.unscoped.filter(match).values_list("warehouse_id", "goods_id"))
    missing = sorted(keys - found)
    if missing:
        # Two movements may create the same row at once: the second one's insert is skipped and
        # it locks the row the first one made.
        StockRemain.unscoped.bulk_create(
            [StockRemain(chain_id=chain_id, warehouse_id=w, goods_id=g) for w, g in missing], ignore_conflicts=True
        )
    locked = lock_rows(StockRemain.unscoped.filter(match))
    return {(row.warehouse_id, row.goods_id): row for row in locked.values()}


def _spend(remain: StockRemain, line: MoveLine, allow_negative: bool) -> Decimal:
    need = -line.quantity
    if not allow_negative and remain.quantity < need:
        raise WarehouseError(
            "insufficient",
            goods=line.goods.title,
            warehouse=line.warehouse.title,
            have=shown(max(remain.quantity, ZERO)),
            want=shown(need),
            unit=Unit(line.goods.writeoff_unit).label,  # lazy: shown in the reader's language
        )
    # The last units take what is left, so no kopeck stays behind at zero stock.
    value = remain.value if need == remain.quantity else to_money(unit_cost(remain, line.goods) * need)
    remain.quantity -= need
    remain.value -= value
    return -value


def _arrive(remain: StockRemain, line: MoveLine, value: Decimal | None) -> Decimal:
    if value is None:
        # Goods back at the average (a client's return, a surplus found): the average stays.
        average = unit_cost(remain, line.goods)
        value = to_money(average * line.quantity)
        if remain.average <= 0:
            remain.average = average
    elif remain.quantity > 0:
        remain.average = ((remain.value + value) / (remain.quantity + line.quantity)).quantize(
            AVERAGE_PLACES, rounding=ROUND_HALF_UP
        )
    else:
        # Nothing (or less than nothing) in stock: the new goods' own price is the average.
        remain.average = (value / line.quantity).quantize(AVERAGE_PLACES, rounding=ROUND_HALF_UP)
    remain.quantity += line.quantity
    remain.value += value
    return value


def move(
    kind: str,
    company,
    lines: list[MoveLine],
    *,
    supplier=None,
    supplier_document: str = "",
    reason: str = "",
    comment: str = "",
    sale=None,
    user=None,
    occurred_at: datetime.datetime | None = None,
) -> StockDocument:
    """Write one movement document of `kind` in `company` with `lines`; returns the document.
    Outgoing lines are costed first, then the incoming ones (a transfer's incoming half carries
    its outgoing half's cost). See the module's docstring for the guarantees."""
    _check(kind, company, lines)
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        allow_negative = negative_allowed(company.chain_id)
        remains = _lock_remains(company.chain_id, {(line.warehouse.pk, line.goods.pk) for line in lines})
        values: dict[int, Decimal] = {}
        order = [i for i, line in enumerate(lines) if line.quantity < 0] + [
            i for i, line in enumerate(lines) if line.quantity > 0
        ]
        for index in order:
            line = lines[index]
            remain = remains[(line.warehouse.pk, line.goods.pk)]
            if line.quantity < 0:
                values[index] = _spend(remain, line, allow_negative)
            else:
                own = -values[line.pair] if line.pair is not None else line.value
                values[index] = _arrive(remain, line, None if own is None else to_money(own))
        document = StockDocument.objects.create(
            chain_id=company.chain_id,
            company=company,
            kind=kind,
            occurred_at=occurred_at,
            supplier=supplier,
            supplier_document=supplier_document,
            reason=reason,
            comment=comment,
            sale=sale,
            value=to_money(sum(values.values(), ZERO)),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        moves = StockMove.objects.bulk_create(
            [
                StockMove(
                    chain_id=company.chain_id,
                    document=document,
                    warehouse=line.warehouse,
                    goods=line.goods,
                    quantity=line.quantity,
                    value=values[index],
                    price=line.price,
                    occurred_at=occurred_at,
                )
                for index, line in enumerate(lines)
            ]
        )
        StockRemain.unscoped.bulk_update(list(remains.values()), ["quantity", "value", "average"])
        log_action(
            document, code=f"stock.{kind}", changes={"lines": [None, len(lines)], "value": [None, str(document.value)]}
        )
        stock_moved.send(document=document, moves=moves)
    return document


def _price(raw) -> Decimal:
    try:
        return parse_amount(raw if raw not in (None, "") else "0", allow_zero=True)
    except AmountError:
        raise WarehouseError("bad_price") from None


def _quantity(line: ItemLine, sign: int) -> Decimal:
    quantity = parse_quantity(line.quantity)
    return sign * parse_quantity(to_writeoff_units(quantity, line.goods, in_sale_units=line.in_sale_units))


def receive(
    company,
    warehouse: Warehouse,
    supplier,
    lines: list[ItemLine],
    *,
    document_number: str = "",
    comment: str = "",
    user=None,
    occurred_at=None,
) -> StockDocument:
    """A receipt from a supplier (a finance counterparty): each line's quantity at its price per
    the unit it was typed in; the goods arrive at that cost and the average is recomputed."""
    if supplier is None:
        raise WarehouseError("supplier_required")
    moves = []
    for line in lines:
        quantity, price = _quantity(line, 1), _price(line.price)
        typed = parse_quantity(line.quantity)
        moves.append(MoveLine(line.goods, warehouse, quantity, value=to_money(typed * price), price=price))
    return move(
        MovementKind.RECEIPT,
        company,
        moves,
        supplier=supplier,
        supplier_document=document_number,
        comment=comment,
        user=user,
        occurred_at=occurred_at,
    )


def write_off(
    company, warehouse: Warehouse, lines: list[ItemLine], *, reason: str, comment: str = "", user=None, occurred_at=None
) -> StockDocument:
    """A manual write-off (damaged, expired, used in the salon) with its reason, at the average."""
    if not (reason or "").strip():
        raise WarehouseError("reason_required")
    moves = [MoveLine(line.goods, warehouse, _quantity(line, -1)) for line in lines]
    return move(
        MovementKind.WRITE_OFF,
        company,
        moves,
        reason=reason.strip(),
        comment=comment,
        user=user,
        occurred_at=occurred_at,
    )


def transfer(
    company,
    source: Warehouse,
    target: Warehouse,
    lines: list[ItemLine],
    *,
    comment: str = "",
    user=None,
    occurred_at=None,
) -> StockDocument:
    """Goods from a warehouse of this branch to another warehouse of the network (another branch's
    too), carrying their cost: the source's average leaves, the target's average takes it in."""
    if source.pk == target.pk:
        raise WarehouseError("same_warehouse")
    moves: list[MoveLine] = []
    for line in lines:
        quantity = _quantity(line, 1)
        moves.append(MoveLine(line.goods, source, -quantity))
        moves.append(MoveLine(line.goods, target, quantity, pair=len(moves) - 1))
    return move(MovementKind.TRANSFER, company, moves, comment=comment, user=user, occurred_at=occurred_at)
