"""Real threads, each with its own database connection (SQLite, and PostgreSQL with DATABASE_URL):
two administrators applying one count at once, a count applied while the till sells, two counts
of one warehouse started at once."""

from decimal import Decimal

import pytest

from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.testing.concurrency import race
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import (
    MovementKind,
    StockDocument,
    StockRemain,
    Stocktaking,
    StocktakingLine,
    StocktakingStatus,
)
from frontdesk.warehouse.services import ItemLine, MoveLine, move, receive
from frontdesk.warehouse.stocktaking import apply_count, set_counts, start_count
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _counted(tenant, quantity_in_stock, counted):
    company = tenant.company
    with scopes_disabled():
        store, item = warehouse(company), goods(tenant.chain)
        receive(company, store, supplier(tenant.chain), [ItemLine(item, quantity_in_stock, "500")])
        count = start_count(company, store)
        line = StocktakingLine.objects.get(stocktaking=count)
        set_counts(count, {line.pk: str(counted)})
    return company, store, item, count


def test_two_applies_of_one_count_at_once_adjust_the_stock_once(tenant_a):
    company, store, item, count = _counted(tenant_a, 10, 7)

    def attempt(i):
        with scope(tenant_a.chain):
            return apply_count(Stocktaking.objects.get(pk=count.pk)).document_id

    outcomes = race(2, attempt, (WarehouseError,))
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    (refused,) = [value for kind, value in outcomes if kind == "refused"]
    assert refused.warehouse_code == "count_closed"
    with scopes_disabled():
        assert StockDocument.objects.filter(kind=MovementKind.ADJUSTMENT).count() == 1
        assert StockRemain.unscoped.get(warehouse=store, goods=item).quantity == 7
        assert checks.verify() == []


def test_a_count_applied_while_the_till_sells_keeps_every_sale(tenant_a):
    """Whichever commits first, remains = counted + the sales after the count was entered."""
    company, store, item, count = _counted(tenant_a, 10, 8)

    def attempt(i):
        with scope(tenant_a.chain):
            if i == 0:
                return apply_count(Stocktaking.objects.get(pk=count.pk)).pk
            return move(MovementKind.SALE, company, [MoveLine(item, store, Decimal(-1))]).pk

    outcomes = race(4, attempt, (WarehouseError,))
    assert [kind for kind, _ in outcomes] == ["ok"] * 4, outcomes
    with scopes_disabled():
        assert StockRemain.unscoped.get(warehouse=store, goods=item).quantity == 8 - 3
        assert Stocktaking.objects.get(pk=count.pk).status == StocktakingStatus.APPLIED
        assert checks.verify() == []


def test_two_counts_of_one_warehouse_started_at_once_leave_one_open(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        store = warehouse(company)

    def attempt(i):
        with scope(tenant_a.chain):
            return start_count(company, store).pk

    outcomes = race(3, attempt, (WarehouseError,))
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused", "refused"], outcomes
    with scopes_disabled():
        assert Stocktaking.objects.filter(warehouse=store, status=StocktakingStatus.OPEN).count() == 1
