"""Stocktaking (инвентаризация): count a warehouse, see the discrepancy, apply it as one
`adjustment` document.

The rule for movements during a count (sales go on while people count): every time a counted
quantity is entered — typed or scanned — the line also records `book_at_count`, the warehouse's
quantity of the item at that moment, read under the remains' row lock (the lock a sale takes
too, so a sale is either wholly before the entry or wholly after it). Applying adjusts each
counted line by `counted − book_at_count`. Hence, for every counted item:

    remains after apply = counted + every movement after the count was entered

(a sale before the entry is already off the shelf and off the books; a sale after it is off the
books and stays off). Lines never counted are not adjusted. `book_at_start`, the quantity when
the count began, is kept for the record.

Guarantees:
- at most one open count per warehouse (a partial unique constraint; a second start is refused);
- all or nothing: a bad counted quantity anywhere in a submission saves none of it;
- a count is applied or cancelled once: the count's row is locked and re-checked first, so a
  second apply (a double click, two administrators) is refused with `count_closed` and writes
  nothing; applying takes the remains' locks through `services.move` after the count's lock, and
  entering counts takes them in the same order, so they never deadlock;
- the adjustment is one `StockDocument` of kind `adjustment` (surpluses at the average cost,
  shortages carry it — docs/warehouse.md), so the ledger still sums to the remains.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace as Plain

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from frontdesk.core.locking import lock_row, lock_rows
from frontdesk.core.money import to_money
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.forms import descendants, find_goods
from frontdesk.warehouse.models import (
    Goods,
    MovementKind,
    StockMove,
    StockRemain,
    Stocktaking,
    StocktakingLine,
    StocktakingStatus,
    Warehouse,
)
from frontdesk.warehouse.quantities import parse_quantity
from frontdesk.warehouse.services import ZERO, MoveLine, move, unit_cost


def start_count(company, warehouse: Warehouse, *, category=None, comment: str = "", user=None, now=None) -> Stocktaking:
    """Open a count of `warehouse` (a warehouse of `company`): a line for every item (of
    `category` and its sub-folders, when given) the warehouse has a remains row of, with its
    quantity now as `book_at_start`. Items found on the shelf later are added by scanning or
    typing them (`add_line`)."""
    if warehouse.company_id != company.pk:
        raise WarehouseError("warehouse_branch", warehouse=warehouse.title)
    if warehouse.is_archived:
        raise WarehouseError("warehouse_archived", warehouse=warehouse.title)
    now = now or timezone.now()
    remains = StockRemain.objects.filter(warehouse=warehouse, goods__is_archived=False)
    if category is not None:
        remains = remains.filter(goods__category_id__in=descendants(category))
    try:
        with transaction.atomic():
            count = Stocktaking.objects.create(
                chain_id=company.chain_id,
                company=company,
                warehouse=warehouse,
                category=category,
                comment=comment,
                started_at=now,
                started_by=user if getattr(user, "is_authenticated", False) else None,
            )
            StocktakingLine.objects.bulk_create(
                StocktakingLine(chain_id=company.chain_id, stocktaking=count, goods_id=goods_id, book_at_start=quantity)
                for goods_id, quantity in remains.order_by("goods__title", "goods_id").values_list(
                    "goods_id", "quantity"
                )
            )
    except IntegrityError:
        # The partial unique constraint: another count of this warehouse is open (perhaps one
        # started a moment ago by someone else).
        raise WarehouseError("count_open", warehouse=warehouse.title) from None
    return count


def _open(count: Stocktaking) -> Stocktaking:
    """The count's row, locked and re-read; refused unless it is still open."""
    locked = lock_row(Stocktaking.objects.all(), count.pk)
    if locked.status != StocktakingStatus.OPEN:
        raise WarehouseError("count_closed", status=StocktakingStatus(locked.status).label)
    return locked


def _book_now(warehouse_id: int, goods_ids) -> dict[int, Decimal]:
    """The warehouse's quantity of each item, its remains rows locked (in primary-key order, as
    every movement locks them); an item without a row has none."""
    rows = lock_rows(StockRemain.unscoped.filter(warehouse_id=warehouse_id, goods_id__in=list(goods_ids)))
    return {row.goods_id: row.quantity for row in rows.values()}


def _book_at(count: Stocktaking, goods: Goods) -> Decimal:
    """What the ledger held of `goods` in the count's warehouse when the count began."""
    total = StockMove.objects.filter(
        warehouse_id=count.warehouse_id, goods=goods, document__created_at__lte=count.started_at
    ).aggregate(q=Sum("quantity"))["q"]
    return total or ZERO


def add_line(count: Stocktaking, goods: Goods) -> StocktakingLine:
    """The count's line of `goods`, added (with the ledger's quantity at the count's start) when
    the item was not on the list. Call inside the transaction that holds the count's lock."""
    line = StocktakingLine.objects.filter(stocktaking=count, goods=goods).first()
    if line is None:
        line = StocktakingLine.objects.create(
            chain_id=count.chain_id, stocktaking=count, goods=goods, book_at_start=_book_at(count, goods)
        )
    return line


def set_counts(count: Stocktaking, values: dict[int, object], *, user=None, now=None) -> int:
    """Enter counted quantities, {line id: typed text}; a blank text takes the line's count back
    (not counted). Every value is read first and the first bad one raises with the item's name,
    so a submission is saved whole or not at all. Lines whose value did not change are left as
    they were (their `book_at_count` too). Returns how many lines changed."""
    now = now or timezone.now()
    with transaction.atomic():
        count = _open(count)
        lines = {
            line.pk: line
            for line in StocktakingLine.objects.filter(stocktaking=count, pk__in=list(values)).select_related("goods")
        }
        wanted: dict[int, Decimal | None] = {}
        for line_id, raw in values.items():
            line = lines.get(line_id)
            if line is None:
                continue
            text = "" if raw is None else str(raw).strip()
            if not text:
                wanted[line_id] = None
                continue
            try:
                wanted[line_id] = parse_quantity(text, allow_zero=True)
            except WarehouseError:
                raise WarehouseError("count_value", goods=line.goods.title) from None
        changed = [lines[i] for i, value in wanted.items() if value != lines[i].counted]
        if not changed:
            return 0
        book = _book_now(count.warehouse_id, {line.goods_id for line in changed})
        for line in changed:
            line.counted = wanted[line.pk]
            line.book_at_count = None if line.counted is None else book.get(line.goods_id, ZERO)
            line.counted_at = None if line.counted is None else now
        StocktakingLine.objects.bulk_update(changed, ["counted", "book_at_count", "counted_at"])
    return len(changed)


def scan(count: Stocktaking, text: str, *, user=None, now=None) -> StocktakingLine:
    """A barcode scanned (or an article typed) into the count: one more sale unit of that item
    counted — a bottle of 1,000 ml counts 1,000 ml; an opened one is typed. An item not on the
    list is added to it. Its `book_at_count` is the warehouse's quantity now."""
    now = now or timezone.now()
    with transaction.atomic():
        count = _open(count)
        goods = find_goods(text)
        line = add_line(count, goods)
        book = _book_now(count.warehouse_id, [goods.pk])
        line.counted = (line.counted or ZERO) + goods.units_per_sale
        line.book_at_count = book.get(goods.pk, ZERO)
        line.counted_at = now
        line.save(update_fields=["counted", "book_at_count", "counted_at"])
    line.goods = goods
    return line


def apply_count(count: Stocktaking, *, user=None, now=None) -> Stocktaking:
    """Apply the count: one `adjustment` document with a line of `counted − book_at_count` for
    every counted item whose figures differ (none when nothing differs), and the count closed.
    Refused (nothing written) when the count is no longer open."""
    now = now or timezone.now()
    with transaction.atomic():
        count = _open(count)
        warehouse = Warehouse.objects.get(pk=count.warehouse_id)
        lines = list(
            StocktakingLine.objects.filter(stocktaking=count, counted__isnull=False)
            .select_related("goods")
            .order_by("goods__title", "goods_id")
        )
        moves = [
            MoveLine(line.goods, warehouse, line.counted - line.book_at_count)
            for line in lines
            if line.counted != line.book_at_count
        ]
        document = None
        if moves:
            document = move(
                MovementKind.ADJUSTMENT,
                count.company,
                moves,
                reason=str(count),
                comment=count.comment,
                user=user,
                occurred_at=now,
            )
        count.status = StocktakingStatus.APPLIED
        count.finished_at = now
        count.finished_by = user if getattr(user, "is_authenticated", False) else None
        count.document = document
        count.save(update_fields=["status", "finished_at", "finished_by", "document"])
    return count


def cancel_count(count: Stocktaking, *, user=None, now=None) -> Stocktaking:
    """Close the count without changing any stock."""
    with transaction.atomic():
        count = _open(count)
        count.status = StocktakingStatus.CANCELLED
        count.finished_at = now or timezone.now()
        count.finished_by = user if getattr(user, "is_authenticated", False) else None
        count.save(update_fields=["status", "finished_at", "finished_by"])
    return count


@dataclass
class SheetLine:
    """A line as the count's page shows it: `book` is what the books held when the count was
    entered (now, for a line not counted yet); `moved_since` what moved after the count was
    entered; `difference` and `money` (at the current average cost) what applying would do."""

    line: StocktakingLine
    goods: Goods
    book: Decimal
    now: Decimal
    counted: Decimal | None
    difference: Decimal | None
    money: Decimal | None
    moved_since: Decimal


@dataclass
class Totals:
    counted: int
    not_counted: int
    surplus: Decimal
    shortage: Decimal
    surplus_value: Decimal
    shortage_value: Decimal

    @property
    def net_value(self) -> Decimal:
        return self.surplus_value + self.shortage_value


def sheet_rows(count: Stocktaking):
    """The count's lines sorted by the item's name, each with the warehouse's quantity and
    average cost now: one query for any slice of it."""
    remain = StockRemain.objects.filter(warehouse_id=count.warehouse_id, goods_id=OuterRef("goods_id"))
    return (
        StocktakingLine.objects.filter(stocktaking=count)
        .select_related("goods")
        .annotate(now=Subquery(remain.values("quantity")[:1]), average=Subquery(remain.values("average")[:1]))
        .order_by("goods__title", "goods_id")
    )


def sheet_line(row) -> SheetLine:
    now = row.now if row.now is not None else ZERO
    cost = unit_cost(StockRemain(average=row.average or ZERO), row.goods)
    if row.counted is None:
        return SheetLine(row, row.goods, now, now, None, None, None, ZERO)
    difference = row.counted - row.book_at_count
    return SheetLine(
        row,
        row.goods,
        row.book_at_count,
        now,
        row.counted,
        difference,
        to_money(cost * difference),
        now - row.book_at_count,
    )


def totals(count: Stocktaking) -> Totals:
    """What applying the count would do, over all its lines: one query reading plain values (a
    count of a large shop has 10,000 lines), money per line exactly as `sheet_line` shows it."""
    result = Totals(0, 0, ZERO, ZERO, ZERO, ZERO)
    average = StockRemain.objects.filter(warehouse_id=count.warehouse_id, goods_id=OuterRef("goods_id")).values(
        "average"
    )[:1]
    rows = (
        StocktakingLine.objects.filter(stocktaking=count)
        .annotate(average=Subquery(average))
        .values_list("counted", "book_at_count", "average", "goods__purchase_price", "goods__units_per_sale")
    )
    for counted, book, average, purchase, per_sale in rows:
        if counted is None:
            result.not_counted += 1
            continue
        result.counted += 1
        difference = counted - book
        if not difference:
            continue
        cost = unit_cost(Plain(average=average or ZERO), Plain(purchase_price=purchase, units_per_sale=per_sale))
        money = to_money(cost * difference)
        if difference > 0:
            result.surplus += difference
            result.surplus_value += money
        else:
            result.shortage += difference
            result.shortage_value += money
    return result
