"""Real threads, each with its own database connection: two payouts to one employee at the same
moment never pay more than earned, and a payout is never counted twice. Run on SQLite and, with
DATABASE_URL, on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest

from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import Transaction
from frontdesk.payroll.errors import PayrollError
from frontdesk.payroll.models import Payout
from frontdesk.payroll.services import balances, close_period, ledger, pay_out
from frontdesk.payroll.tests.factories import desk_of, employee, scheme, service, sold
from frontdesk.testing.concurrency import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

OCT, OCT_END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)


def test_two_payouts_at_once_never_exceed_the_balance(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        plan = scheme(tenant_a.chain, service_percent=Decimal("40"))
        anna = employee(company, "Анна", plan, valid_from=OCT, valid_to=OCT_END)
        sold(company, anna, service(company, price=10000), datetime.date(2026, 10, 12))
        close_period(company, OCT, OCT_END)
        desk = desk_of(company)

    def attempt(i):
        with scope(tenant_a.chain):
            return pay_out(company, anna, desk, "3000", comment=f"Выплата {i}").pk

    outcomes = race(3, attempt, (PayrollError, FinanceError))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 2
    with scopes_disabled():
        assert Payout.objects.count() == 1
        assert Transaction.objects.filter(amount__lt=0).count() == 1
        owed = balances(company, [anna.pk])[anna.pk]
        assert owed == Decimal("1000.00") == ledger(company, anna)[-1].balance
