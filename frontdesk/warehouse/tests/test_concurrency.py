"""Real threads, each with its own database connection: two administrators writing off the last
bottle at the same moment. Run on SQLite and, with DATABASE_URL, on PostgreSQL."""

from decimal import Decimal

import pytest

from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.testing.concurrency import race
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import StockMove, StockRemain
from frontdesk.warehouse.services import ItemLine, receive, transfer, write_off
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_spends_of_the_last_unit_at_once_exactly_one_succeeds(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        store, item = warehouse(company), goods(tenant_a.chain)
        receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 1, "500")])

    def attempt(i):
        with scope(tenant_a.chain):
            return write_off(company, store, [ItemLine(item, 1)], reason=f"Продажа {i}").pk

    outcomes = race(2, attempt, (WarehouseError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 1
    with scopes_disabled():
        row = StockRemain.unscoped.get(warehouse=store, goods=item)
        assert row.quantity == 0 and row.value == 0
        assert checks.verify() == []


def test_crossing_transfers_and_spends_never_deadlock_nor_overspend(tenant_a):
    first, second = tenant_a.companies
    with scopes_disabled():
        one, two = warehouse(first), warehouse(second)
        items = [goods(tenant_a.chain, f"Товар {n}") for n in range(3)]
        vendor = supplier(tenant_a.chain)
        receive(first, one, vendor, [ItemLine(item, 5, "100") for item in items])
        receive(second, two, vendor, [ItemLine(item, 5, "100") for item in reversed(items)])

    def attempt(i):
        with scope(tenant_a.chain):
            if i % 2:
                return transfer(first, one, two, [ItemLine(item, 2) for item in items]).pk
            return transfer(second, two, one, [ItemLine(item, 2) for item in reversed(items)]).pk

    outcomes = race(6, attempt, (WarehouseError,))
    assert [kind for kind, _ in outcomes].count("error") == 0, outcomes
    with scopes_disabled():
        assert checks.verify() == []
        for item in items:
            total = sum(StockRemain.unscoped.filter(goods=item).values_list("quantity", flat=True))
            assert total == Decimal(10)
            assert StockRemain.unscoped.filter(goods=item, quantity__lt=0).count() == 0
        assert StockMove.objects.count() >= 6
