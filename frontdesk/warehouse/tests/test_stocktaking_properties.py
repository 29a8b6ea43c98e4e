"""The stocktaking rule under any sequence of receipts, sales and counts (typed, scanned, taken
back) during an open count: after applying, every counted item holds exactly its last count plus
what moved after that count was entered, every item not counted holds what it held, the ledger
sums to the remains — and when the network forbids negative stock, a count whose rule would take
an item below zero is refused whole."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import Barcode, MovementKind, StockDocument, StockRemain, StocktakingStatus
from frontdesk.warehouse.services import ItemLine, MoveLine, move, receive, set_negative_allowed
from frontdesk.warehouse.stocktaking import apply_count, scan, set_counts, start_count
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db

ITEMS = 3
steps = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(0, ITEMS - 1), st.integers(1, 6)),
        st.tuples(st.just("sell"), st.integers(0, ITEMS - 1), st.integers(1, 6)),
        st.tuples(st.just("count"), st.integers(0, ITEMS - 1), st.integers(0, 12)),
        st.tuples(st.just("scan"), st.integers(0, ITEMS - 1), st.just(1)),
        st.tuples(st.just("uncount"), st.integers(0, ITEMS - 1), st.just(0)),
    ),
    max_size=20,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(st.integers(0, 8), min_size=ITEMS, max_size=ITEMS), steps=steps, negative=st.booleans())
def test_after_apply_remains_are_the_counts_plus_what_moved_after_them(tenant_a, before, steps, negative):
    with transaction.atomic():  # each example starts from an empty ledger
        _run(tenant_a, before, steps, negative)
        transaction.set_rollback(True)


def _run(tenant_a, before, steps, negative):
    company = tenant_a.company
    set_negative_allowed(tenant_a.chain, negative)
    store, vendor = warehouse(company), supplier(tenant_a.chain)
    items = [goods(tenant_a.chain, f"Товар {n}") for n in range(ITEMS)]
    for n, item in enumerate(items):
        Barcode.objects.create(chain=tenant_a.chain, goods=item, code=f"CODE-{n}")
        if before[n]:
            receive(company, store, vendor, [ItemLine(item, before[n], "100")])
    count = start_count(company, store)
    lines = {line.goods_id: line.pk for line in count.lines.all()}
    book = {n: Decimal(before[n]) for n in range(ITEMS)}
    counted: dict[int, Decimal] = {}  # the last count entered of each item
    since: dict[int, Decimal] = {}  # what moved after it was entered
    for kind, n, quantity in steps:
        item = items[n]
        if kind in ("receive", "sell"):
            change = Decimal(quantity if kind == "receive" else -quantity)
            if book[n] + change < 0 and not negative:
                with pytest.raises(WarehouseError):
                    move(MovementKind.SALE, company, [MoveLine(item, store, change)])
                continue
            if kind == "receive":
                receive(company, store, vendor, [ItemLine(item, quantity, "120")])
            else:
                move(MovementKind.SALE, company, [MoveLine(item, store, change)])
            book[n] += change
            if n in counted:
                since[n] += change
        elif kind == "scan":
            scan(count, f"CODE-{n}")
            counted[n] = counted.get(n, Decimal(0)) + 1
            since[n] = Decimal(0)
            lines.setdefault(item.pk, None)
        else:
            line_id = lines.get(item.pk)
            if line_id is None:  # not on the list yet (nothing in stock at the start): scan adds it
                continue
            if kind == "count":
                set_counts(count, {line_id: str(quantity)})
                # The page sends every line's count with each save: a count saved again unchanged
                # keeps the moment it was entered (set_counts leaves such a line as it was).
                if counted.get(n) != Decimal(quantity):
                    counted[n], since[n] = Decimal(quantity), Decimal(0)
            else:
                set_counts(count, {line_id: ""})
                counted.pop(n, None)
                since.pop(n, None)
        if kind == "scan":
            lines = {line.goods_id: line.pk for line in count.lines.all()}

    expected = {n: counted[n] + since[n] if n in counted else book[n] for n in range(ITEMS)}
    documents = StockDocument.objects.count()
    if not negative and any(value < 0 for value in expected.values()):
        with pytest.raises(WarehouseError) as refused:
            apply_count(count)
        assert refused.value.warehouse_code == "insufficient"
        assert StockDocument.objects.count() == documents
        count.refresh_from_db()
        assert count.status == StocktakingStatus.OPEN
        expected = book
    else:
        apply_count(count)
        assert StockDocument.objects.count() - documents <= 1
    for n, item in enumerate(items):
        row = StockRemain.unscoped.filter(warehouse=store, goods=item).first()
        assert (row.quantity if row else Decimal(0)) == expected[n], (n, counted, since, book)
    assert checks.verify() == []
