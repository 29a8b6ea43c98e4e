"""Real threads, each with its own database connection: two administrators paying the same visit
at once, and many cashiers spending from one desk."""

from decimal import Decimal

import pytest

from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod, Sale, Transaction
from frontdesk.finance.services import Payment, balance, record_expense, record_income
from frontdesk.finance.tests.factories import item, make_bank_account, make_cash_desk, make_visit
from frontdesk.testing.concurrency import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_administrators_checking_out_one_visit_take_the_money_once(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        desk = make_cash_desk(company)
        bank = make_bank_account(company)
        visit = make_visit(company, [("Стрижка", 3000, 3000)])

    def attempt(i):
        with scope(company.chain):
            return checkout_visit(
                visit,
                payments=[Payment(desk, PaymentMethod.CASH, "1000"), Payment(bank, PaymentMethod.CARD, "2000")],
            ).sale.pk

    outcomes = race(6, attempt, (FinanceError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 1 and kinds.count("refused") == 5
    with scopes_disabled():
        assert Sale.objects.count() == 1
        assert (balance(desk), balance(bank)) == (Decimal("1000.00"), Decimal("2000.00"))


def test_concurrent_expenses_never_overdraw_a_cash_desk(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        desk = make_cash_desk(company)
        record_income(desk, 1000, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH)
        rent = item(tenant_a.chain, "rent")

    def attempt(i):
        with scope(company.chain):
            return record_expense(desk, 300, item=rent, method=PaymentMethod.CASH).pk

    outcomes = race(8, attempt, (FinanceError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 3
    with scopes_disabled():
        assert balance(desk) == Decimal("100.00")
        assert Transaction.objects.filter(account=desk).count() == 4
