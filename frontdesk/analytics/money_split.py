"""The ONE split of sales' money over what was sold, shared by the daily money facts
(`facts.compute`: `DayMoney`, `DayMoneyPart`) and the ledger read of the money reports
(`sale_money.shares`), so a report read from the facts and one read from the ledger cannot
disagree by a kopeck.

A sale holds lines of several kinds and is paid in parts, so its money is split over its lines
**in proportion to the lines' prices**, kopeck-exact, the rounding remainder on the largest line
(`payments.receipts.allocate`, the fiscal receipt's rule). A money row takes the split of the
sale's money after it minus the split before it (rows in time order), so the parts of a row add
up to the row, the kinds add up to the revenue, and a sale paid in parts ends split exactly as if
paid at once. A sale with no lines keeps its money whole, on no line.

A sale's **first payment** is its first positive money row in time order: its check belongs to
that row's local date (the overview's count).

Imports nothing of analytics: `facts` and `sale_money` both build on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from frontdesk.finance.models import SaleLine, Transaction
from frontdesk.payments.receipts import allocate

ZERO = Decimal("0.00")


class Line(NamedTuple):
    kind: str  # finance LineKind
    price: Decimal  # the line's sum (SaleLine.amount: unit price × quantity)
    specialist_id: int | None  # the line's record's specialist (None for goods, certificates, abonements)
    category: str | None  # the title of the service's category


class Row(NamedTuple):
    sale_id: int
    amount: Decimal  # positive: a payment; negative: a refund
    method: str  # finance PaymentMethod
    company_id: int
    client_id: int | None
    moment: object  # occurred_at (aware)


def rows_of_sales(sales, condition: Q | None = None) -> Iterator[Row]:
    """Every money row of these sales (a subquery of sale ids; `condition` narrows the sales, e.g.
    to a client category's), ordered by sale and time — the order `walk` needs. One query, run
    when the rows are first iterated."""
    rows = (
        Transaction.objects.filter(condition or Q(), sale_id__in=sales)
        .order_by("sale_id", "occurred_at", "id")
        .values_list("sale_id", "amount", "method", "company_id", "sale__client_id", "occurred_at")
    )
    return (Row(*values) for values in rows)


def lines_of_sales(sales) -> dict[int, list[Line]]:
    """{sale id: [Line]} in the lines' order, for these sales (a subquery of sale ids). One query."""
    lines: dict[int, list[Line]] = defaultdict(list)
    for sale_id, *line in (
        SaleLine.objects.filter(sale_id__in=sales)
        .order_by("sale_id", "position", "id")
        .values_list("sale_id", "kind", "amount", "record_service__record__specialist_id", "service__category__title")
    ):
        lines[sale_id].append(Line(*line))
    return lines


def walk(rows: Iterable[Row]) -> Iterator[tuple[Row, Decimal, bool]]:
    """(row, the sale's money before it, whether it is the sale's first payment) for rows ordered
    by sale and time (`rows_of_sales`). Every row of a sale must pass, also those outside the
    dates a caller keeps: a row's split and "first" depend on the rows before it."""
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    first_paid: set[int] = set()
    for row in rows:
        before = paid[row.sale_id]
        paid[row.sale_id] = before + row.amount
        first = row.amount > 0 and row.sale_id not in first_paid
        if first:
            first_paid.add(row.sale_id)
        yield row, before, first


def split_row(before: Decimal, amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """The parts of one money row over the lines: the split of the sale's money after the row
    minus the split before it. The parts add up to the row, and the rows of a sale add up to the
    split of its whole money — a sale paid in parts ends split exactly as if paid at once."""
    if len(weights) == 1:
        return [amount]
    if not before:  # the sale's first money (most sales have one row): nothing to subtract
        return allocate(amount, weights)
    return [
        after - earlier
        for after, earlier in zip(allocate(before + amount, weights), allocate(before, weights), strict=True)
    ]


def parts(row: Row, before: Decimal, lines: list[Line]) -> list[tuple[Line | None, Decimal]]:
    """[(line, its part of the row)] — every line, a part of 0 included; a sale with no lines:
    [(None, the whole row)]."""
    if not lines:
        return [(None, row.amount)]
    return list(zip(lines, split_row(before, row.amount, [line.price for line in lines]), strict=True))
