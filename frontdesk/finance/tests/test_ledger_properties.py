"""Invariant 3 under any sequence of money operations: every account's balance is the sum of
its transactions and equals what a plain model of the operations expects; no cash desk goes below
zero unless it may; a refused operation changes nothing."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.core.money import MoneySum
from frontdesk.finance.checkout import checkout_visit, pay_sale, refund_sale
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod, Sale, Transaction, Transfer
from frontdesk.finance.services import Payment, balance, record_expense, record_income, transfer_money
from frontdesk.finance.tests.factories import item, make_bank_account, make_cash_desk, make_visit

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("4000"), places=2)
small = st.one_of(st.just(Decimal("0")), amounts)
ACCOUNTS = 3  # a strict cash desk, a strict bank account, a bank account with an overdraft
VISITS = 3
operations = st.one_of(
    st.tuples(st.just("income"), st.integers(0, ACCOUNTS - 1), amounts),
    st.tuples(st.just("expense"), st.integers(0, ACCOUNTS - 1), amounts),
    st.tuples(st.just("transfer"), st.integers(0, ACCOUNTS - 1), st.integers(0, ACCOUNTS - 1), amounts),
    st.tuples(st.just("checkout"), st.integers(0, VISITS - 1), small, small),
    st.tuples(st.just("pay"), st.integers(0, VISITS - 1), amounts, st.integers(0, 1)),
    st.tuples(st.just("refund"), st.integers(0, VISITS - 1), st.one_of(st.none(), amounts)),
)


@pytest.fixture
def books(tenant_a):
    company = tenant_a.company
    accounts = [
        make_cash_desk(company),
        make_bank_account(company, "Сбербанк"),
        make_bank_account(company, "Овердрафт", allow_negative=True),
    ]
    visits = [make_visit(company, [("Услуга", 2500, 2500)], hour=10 + n) for n in range(VISITS)]
    return tenant_a.chain, accounts, visits


def _method(account):
    return PaymentMethod.CASH if account.kind == "cash" else PaymentMethod.TRANSFER


def _apply(op, chain, accounts, visits, model):
    """Run one operation; update the model with what an accepted one must have done."""
    kind = op[0]
    if kind == "income":
        account = accounts[op[1]]
        record_income(account, op[2], item=item(chain, "goods"), method=_method(account))
        model[account.pk] += op[2]
    elif kind == "expense":
        account = accounts[op[1]]
        try:
            record_expense(account, op[2], item=item(chain, "rent"), method=_method(account))
        except FinanceError:
            assert not account.allow_negative and model[account.pk] < op[2], "a payable expense was refused"
            raise
        model[account.pk] -= op[2]
    elif kind == "transfer":
        source, target = accounts[op[1]], accounts[op[2]]
        try:
            transfer_money(source, target, op[3])
        except FinanceError:
            assert source.pk == target.pk or (not source.allow_negative and model[source.pk] < op[3])
            raise
        model[source.pk] -= op[3]
        model[target.pk] += op[3]
    elif kind == "checkout":
        desk, bank = accounts[0], accounts[1]
        visit = visits[op[1]]
        exists = Sale.objects.filter(visit=visit).exists()
        try:
            checkout_visit(
                visit, payments=[Payment(desk, PaymentMethod.CASH, op[2]), Payment(bank, PaymentMethod.CARD, op[3])]
            )
        except FinanceError:
            assert exists or op[2] + op[3] > Decimal("2500"), "a valid checkout was refused"
            raise
        assert not exists, "a visit was checked out twice"
        model[desk.pk] += op[2]
        model[bank.pk] += op[3]
    elif kind == "pay":
        sale = Sale.objects.filter(visit=visits[op[1]]).first()
        if sale is None:
            return
        account = accounts[op[3]]
        method = PaymentMethod.CASH if op[3] == 0 else PaymentMethod.CARD
        pay_sale(sale, [Payment(account, method, op[2])])
        model[account.pk] += op[2]
    elif kind == "refund":
        sale = Sale.objects.filter(visit=visits[op[1]]).first()
        if sale is None:
            return
        for refund in refund_sale(sale, op[2]):
            assert refund.reverses.account_id == refund.account_id and refund.reverses.method == refund.method
            model[refund.account_id] += refund.amount
        if op[2] is not None:
            assert -sum(r.amount for r in Transaction.objects.filter(sale=sale, amount__lt=0)) >= op[2]


def _check(accounts, model):
    for account in accounts:
        total = Transaction.objects.filter(account=account).aggregate(s=MoneySum("amount"))["s"] or Decimal(0)
        assert balance(account) == total == model[account.pk]
        if not account.allow_negative:
            assert balance(account) >= 0
    for sale in Sale.objects.all():
        money = Transaction.objects.filter(sale=sale)
        assert sale.paid == (money.aggregate(s=MoneySum("amount"))["s"] or 0)
        assert sale.refunded == -(money.filter(amount__lt=0).aggregate(s=MoneySum("amount"))["s"] or 0)
        assert sale.paid >= 0 and sale.paid + sale.refunded <= sale.total
    for moved in Transfer.objects.all():
        assert sum(moved.transactions.values_list("amount", flat=True)) == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operations, min_size=1, max_size=14))
def test_balances_are_the_sum_of_transactions_after_any_sequence(books, ops):
    chain, accounts, visits = books
    with transaction.atomic():  # each example starts from the same empty books
        model = {account.pk: Decimal("0.00") for account in accounts}
        for op in ops:
            count = Transaction.objects.count()
            try:
                _apply(op, chain, accounts, visits, model)
            except FinanceError:
                assert Transaction.objects.count() == count, "a refused operation left transactions behind"
            _check(accounts, model)
        transaction.set_rollback(True)
