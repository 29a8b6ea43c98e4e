"""Real threads, each with its own database connection: two administrators sell the last bottle
at the same moment — one at the counter, one adding it to a visit's checkout. With negative stock
forbidden exactly one sale goes through; the other is refused whole (no sale, no money). Run on
SQLite and, with DATABASE_URL, on PostgreSQL."""

import pytest

from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.checkout import CounterLine, checkout_visit, sell_at_counter
from frontdesk.finance.models import LineKind, PaymentMethod, Sale, Transaction
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.testing.concurrency import race
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import StockRemain
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_checkouts_selling_the_last_bottle_at_once_exactly_one_succeeds(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        store, item = warehouse(company), goods(tenant_a.chain)
        receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 1, "500")])
        desk = make_cash_desk(company)
        visit = make_visit(company, [("Стрижка", 2500, 2500)])
    bottle = CounterLine(LineKind.GOODS, str(item.pk), item.title, "1100", 1)

    def attempt(i):
        with scope(tenant_a.chain):
            if i == 0:
                return sell_at_counter(
                    company, client=None, lines=[bottle], payments=[Payment(desk, PaymentMethod.CASH, "1100")]
                ).sale.pk
            return checkout_visit(
                visit, products=[bottle], payments=[Payment(desk, PaymentMethod.CASH, "3600")]
            ).sale.pk

    outcomes = race(2, attempt, (WarehouseError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 1, outcomes
    with scopes_disabled():
        assert Sale.objects.count() == 1
        sale = Sale.objects.get()
        assert list(Transaction.objects.values_list("sale_id", flat=True)) == [sale.pk]
        row = StockRemain.unscoped.get(warehouse=store, goods=item)
        assert row.quantity == 0 and row.value == 0
        assert checks.verify() == []
