"""The remains against the ledger: `StockRemain` must equal the sum of the `StockMove` lines per
(warehouse, item). Used by `manage.py verify_stock` and by the tests."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from frontdesk.core.money import MoneySum
from frontdesk.warehouse.models import StockMove, StockRemain

ZERO = Decimal("0")


def ledger_sums(chain_id: int | None = None) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """(warehouse id, goods id) -> (quantity, value) summed over the ledger."""
    moves = StockMove.unscoped.all()
    if chain_id is not None:
        moves = moves.filter(chain_id=chain_id)
    rows = moves.values("warehouse_id", "goods_id").annotate(q=Sum("quantity"), v=MoneySum("value"), n=Count("id"))
    return {(r["warehouse_id"], r["goods_id"]): (Decimal(r["q"]).quantize(Decimal("0.001")), r["v"]) for r in rows}


def verify(chain_id: int | None = None, *, fix: bool = False) -> list[tuple[tuple[int, int], dict]]:
    """Every remains row that differs from the ledger: [((warehouse id, goods id), {field: (stored,
    ledger)})]. With `fix`, the stored rows are set to the ledger's sums (call inside a transaction)."""
    want = ledger_sums(chain_id)
    remains = StockRemain.unscoped.all()
    if chain_id is not None:
        remains = remains.filter(chain_id=chain_id)
    wrong = []
    for row in remains:
        quantity, value = want.pop((row.warehouse_id, row.goods_id), (ZERO, ZERO))
        diff = {}
        if row.quantity != quantity:
            diff["quantity"] = (row.quantity, quantity)
        if row.value != value:
            diff["value"] = (row.value, value)
        if diff:
            wrong.append(((row.warehouse_id, row.goods_id), diff))
            if fix:
                row.quantity, row.value = quantity, value
                row.save(update_fields=["quantity", "value"])
    for key, (quantity, value) in want.items():  # lines without a remains row
        wrong.append((key, {"quantity": (None, quantity), "value": (None, value)}))
        if fix:
            chain = StockMove.unscoped.filter(warehouse_id=key[0]).values_list("chain_id", flat=True).first()
            StockRemain.unscoped.create(
                chain_id=chain, warehouse_id=key[0], goods_id=key[1], quantity=quantity, value=value
            )
    return wrong
