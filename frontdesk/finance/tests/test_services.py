"""Accounts, manual income and expense, transfers and cash shifts, as a cashier sees them."""

from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.core.money import MoneySum
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import DEFAULT_ITEMS, PaymentItem, PaymentMethod, Transaction
from frontdesk.finance.services import (
    balance,
    close_shift,
    ensure_default_items,
    open_shift,
    record_expense,
    record_income,
    transfer_money,
)
from frontdesk.finance.tests.factories import item, make_bank_account, make_cash_desk

pytestmark = pytest.mark.django_db


def test_every_new_network_has_the_nine_default_payment_items(tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        codes = set(PaymentItem.objects.filter(chain=tenant.chain, is_archived=False).values_list("code", flat=True))
        assert codes == {code for code, _kind, _label in DEFAULT_ITEMS}
    ensure_default_items(tenant_a.chain)  # again: nothing doubles
    assert PaymentItem.objects.filter(chain=tenant_a.chain).count() == 10


def test_default_item_names_follow_the_readers_language_until_renamed(tenant_a):
    rent = item(tenant_a.chain, "rent")
    with translation.override("ru"):
        assert str(rent) == "Аренда"
    with translation.override("en"):
        assert str(rent) == "Rent"
    rent.title = "Аренда помещения"
    rent.save()
    with translation.override("en"):
        assert str(rent) == "Аренда помещения"


def test_income_and_expense_move_the_balance(tenant_a, amy):
    desk = make_cash_desk(tenant_a.company)
    record_income(desk, "5 000,50", item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH, user=amy)
    record_expense(desk, Decimal("1200"), item=item(tenant_a.chain, "utilities"), method=PaymentMethod.CASH)
    assert balance(desk) == Decimal("3800.50")
    assert Transaction.objects.filter(account=desk).count() == 2


def test_a_cash_desk_cannot_pay_out_more_than_it_holds(tenant_a):
    desk = make_cash_desk(tenant_a.company)
    record_income(desk, 1000, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH)
    with pytest.raises(FinanceError) as refused:
        record_expense(desk, 1000.01, item=item(tenant_a.chain, "rent"), method=PaymentMethod.CASH)
    with translation.override("en"):
        assert refused.value.text == "There is not enough money on “Касса”: 1,000.00 left."
    assert balance(desk) == Decimal("1000.00")


def test_an_account_allowed_below_zero_may_go_there(tenant_a):
    bank = make_bank_account(tenant_a.company, allow_negative=True)
    record_expense(bank, 300, item=item(tenant_a.chain, "rent"), method=PaymentMethod.TRANSFER)
    assert balance(bank) == Decimal("-300.00")


@pytest.mark.parametrize("amount", ["", "abc", "-5", "0", "NaN", "Infinity", None])
def test_a_bad_amount_is_refused_and_nothing_is_saved(tenant_a, amount):
    desk = make_cash_desk(tenant_a.company)
    with pytest.raises(FinanceError) as refused:
        record_income(desk, amount, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH)
    with translation.override("ru"):
        assert refused.value.text.startswith("Введите сумму")
    assert not Transaction.objects.exists()


def test_items_methods_and_archived_accounts_are_checked(tenant_a):
    desk = make_cash_desk(tenant_a.company)
    bank = make_bank_account(tenant_a.company)
    with translation.override("ru"), pytest.raises(FinanceError, match="Статья «Аренда»"):
        record_income(desk, 10, item=item(tenant_a.chain, "rent"), method=PaymentMethod.CASH)
    with pytest.raises(FinanceError):
        record_income(desk, 10, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CARD)
    with pytest.raises(FinanceError):
        record_income(bank, 10, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH)
    bank.is_archived = True
    bank.save()
    with pytest.raises(FinanceError):
        record_income(bank, 10, item=item(tenant_a.chain, "goods"), method=PaymentMethod.TRANSFER)
    assert not Transaction.objects.exists()


def test_a_transfer_moves_money_as_two_transactions(tenant_a):
    desk = make_cash_desk(tenant_a.company)
    bank = make_bank_account(tenant_a.company)
    record_income(desk, 7000, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH)
    moved = transfer_money(desk, bank, "5000", comment="Инкассация")
    assert (balance(desk), balance(bank)) == (Decimal("2000.00"), Decimal("5000.00"))
    assert sorted(moved.transactions.values_list("amount", flat=True)) == [Decimal("-5000.00"), Decimal("5000.00")]


def test_a_transfer_of_money_the_desk_has_not_got_leaves_both_accounts_alone(tenant_a):
    desk = make_cash_desk(tenant_a.company)
    bank = make_bank_account(tenant_a.company)
    record_income(desk, 100, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH)
    with pytest.raises(FinanceError):
        transfer_money(desk, bank, 101)
    with pytest.raises(FinanceError):
        transfer_money(desk, desk, 10)
    assert (balance(desk), balance(bank)) == (Decimal("100.00"), Decimal("0.00"))
    assert Transaction.objects.count() == 1


def test_a_shift_opens_once_and_closes_with_the_counted_discrepancy(tenant_a, amy):
    desk = make_cash_desk(tenant_a.company)
    record_income(desk, 1500, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH)
    shift = open_shift(desk, user=amy)
    assert shift.opening_balance == Decimal("1500.00")
    with pytest.raises(FinanceError):
        open_shift(desk)
    record_income(desk, 500, item=item(tenant_a.chain, "goods"), method=PaymentMethod.CASH)
    closed = close_shift(desk, "1950", user=amy)
    assert (closed.expected, closed.counted, closed.discrepancy) == (
        Decimal("2000.00"),
        Decimal("1950.00"),
        Decimal("-50.00"),
    )
    with pytest.raises(FinanceError):
        close_shift(desk, "10")
    assert open_shift(desk).opening_balance == Decimal("2000.00")


def test_bank_accounts_have_no_shifts(tenant_a):
    with pytest.raises(FinanceError):
        open_shift(make_bank_account(tenant_a.company))


def test_a_balance_is_exact_to_the_kopeck(tenant_a):
    # SQLite adds decimals as binary floats: 10.01 - 10.00 there is 0.00999999999999979 unless the
    # sum is taken in whole kopecks.
    desk = make_cash_desk(tenant_a.company)
    record_income(desk, Decimal("10.01"), item=item(tenant_a.chain, "services"), method=PaymentMethod.CASH)
    record_expense(desk, Decimal("10.00"), item=item(tenant_a.chain, "rent"), method=PaymentMethod.CASH)
    assert balance(desk) == Decimal("0.01")
    assert Transaction.objects.filter(account=desk).aggregate(s=MoneySum("amount"))["s"] == Decimal("0.01")
