"""Real threads, each with its own database connection: two administrators check out two
colourings at the same moment and both need the last 60 ml of dye. With negative stock forbidden
exactly one checkout goes through; the other is refused whole (no sale, no money, no movement).
Run on SQLite and, with DATABASE_URL, on PostgreSQL."""

import pytest

from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import PaymentMethod, Sale, Transaction
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.testing.concurrency import race
from frontdesk.warehouse import checks
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import LineMaterial, StockRemain
from frontdesk.warehouse.tests.techcard_factories import card, colouring_visit, material, materials_store, stock

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_checkouts_using_the_last_dye_at_once_exactly_one_succeeds(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        store, dye = materials_store(company), material(tenant_a.chain, "Краска 6.0 60 мл")
        stock(company, store, dye, 1, "420")
        desk = make_cash_desk(company)
        visits = []
        for hour in (11, 15):
            visit, line = colouring_visit(company, hour=hour)
            card(line.service, [(dye, "60")])
            visits.append(visit)

    def attempt(i):
        with scope(tenant_a.chain):
            return checkout_visit(visits[i], payments=[Payment(desk, PaymentMethod.CASH, "5000")]).sale.pk

    outcomes = race(2, attempt, (WarehouseError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 1, outcomes
    with scopes_disabled():
        sale = Sale.objects.get()
        assert list(Transaction.objects.filter(sale__isnull=False).values_list("sale_id", flat=True)) == [sale.pk]
        row = StockRemain.unscoped.get(warehouse=store, goods=dye)
        assert row.quantity == 0 and row.value == 0
        assert list(LineMaterial.objects.values_list("sale_line__sale_id", "cost")) == [(sale.pk, row.value + 420)]
        assert checks.verify() == []
