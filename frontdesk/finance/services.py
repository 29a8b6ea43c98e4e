"""Every change of the money goes through these functions: views, the demo and (later) the API
call them. Each runs in one database transaction that locks what it reads before deciding, so
two administrators at once can never overdraw a cash desk or take a visit's money twice; a
refusal raises FinanceError and leaves nothing half-saved."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdesk.core import money
from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_first, lock_rows
from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import (
    DEFAULT_ITEMS,
    TRANSFER_CODE,
    Account,
    AccountKind,
    CashShift,
    ItemKind,
    PaymentItem,
    PaymentMethod,
    Transaction,
    Transfer,
)

ZERO = Decimal("0.00")


# ---------------------------------------------------------------- amounts and items
def parse_amount(value, *, allow_zero: bool = False) -> Decimal:
    """An amount typed by a person (core.money.parse_amount); FinanceError says what is wrong."""
    try:
        return money.parse_amount(value, allow_zero=allow_zero)
    except money.AmountError as error:
        raise FinanceError(error.code) from None


def ensure_default_items(chain) -> None:
    """Give the network the nine default payment items (and the technical transfer item) it is
    missing. Safe to call again: the codes are unique per network."""
    chain_id = getattr(chain, "pk", chain)
    have = set(PaymentItem.unscoped.filter(chain_id=chain_id).exclude(code="").values_list("code", flat=True))
    rows = [
        PaymentItem(chain_id=chain_id, code=code, kind=kind, sort_order=order)
        for order, (code, kind, _label) in enumerate(DEFAULT_ITEMS)
        if code not in have
    ]
    if TRANSFER_CODE not in have:
        # Hidden from the lists: a transfer is neither income nor expense of the business.
        rows.append(
            PaymentItem(chain_id=chain_id, code=TRANSFER_CODE, kind=ItemKind.EXPENSE, sort_order=999, is_archived=True)
        )
    if rows:
        PaymentItem.unscoped.bulk_create(rows, ignore_conflicts=True)


def item_by_code(chain_id: int, code: str) -> PaymentItem:
    item = PaymentItem.unscoped.filter(chain_id=chain_id, code=code).first()
    if item is None:
        ensure_default_items(chain_id)
        item = PaymentItem.unscoped.get(chain_id=chain_id, code=code)
    return item


# ---------------------------------------------------------------- balances
def balance(account: Account) -> Decimal:
    """The account's balance: the sum of its transactions, never a stored number."""
    total = Transaction.objects.filter(account_id=account.pk).aggregate(total=MoneySum("amount"))["total"]
    return to_money(total or 0)


def balances(accounts) -> dict[int, Decimal]:
    ids = [a.pk for a in accounts]
    rows = Transaction.objects.filter(account_id__in=ids).values("account_id").annotate(total=MoneySum("amount"))
    found = {row["account_id"]: to_money(row["total"] or 0) for row in rows}
    return {pk: found.get(pk, ZERO) for pk in ids}


def lock_accounts(*accounts) -> dict[int, Account]:
    """Lock the accounts' rows in primary-key order (no deadlock between two transfers in opposite
    directions) and return them re-read. On SQLite the IMMEDIATE transaction already holds the
    write lock."""
    return lock_rows(Account.objects.filter(pk__in={getattr(a, "pk", a) for a in accounts}))


def _check_method(account: Account, method: str) -> None:
    if method not in PaymentMethod.values:
        raise FinanceError("method_for_account")
    if (method == PaymentMethod.CASH) != (account.kind == AccountKind.CASH):
        raise FinanceError("method_for_account")


def post_transaction(
    account: Account,
    amount: Decimal,
    *,
    method: str,
    item: PaymentItem,
    user=None,
    counterparty=None,
    comment: str = "",
    occurred_at: datetime.datetime | None = None,
    sale=None,
    transfer=None,
    reverses=None,
) -> Transaction:
    """Write one ledger line. The caller holds the account's lock (lock_accounts): money going out
    is checked against the balance read under that lock."""
    if account.is_archived:
        raise FinanceError("archived_account", account=account.title)
    _check_method(account, method)
    if amount < 0 and not account.allow_negative:
        available = balance(account)
        if available + amount < 0:
            raise FinanceError("insufficient", account=account.title, balance=available)
    return Transaction.objects.create(
        company_id=account.company_id,
        chain_id=account.chain_id,
        account=account,
        amount=amount,
        method=method,
        item=item,
        counterparty=counterparty,
        comment=(comment or "").strip()[:255],
        occurred_at=occurred_at or timezone.now(),
        sale=sale,
        transfer=transfer,
        reverses=reverses,
        created_by=user if getattr(user, "pk", None) else None,
    )


def _usable_item(item: PaymentItem, kind: str) -> PaymentItem:
    if item.is_archived:
        raise FinanceError("archived_item", item=str(item))
    if item.kind != kind:
        raise FinanceError("item_kind", item=str(item))
    return item


# ---------------------------------------------------------------- manual income, expense, transfer
def record_income(
    account: Account,
    amount,
    *,
    item: PaymentItem,
    method: str,
    user=None,
    counterparty=None,
    comment: str = "",
    occurred_at=None,
) -> Transaction:
    """Money that came in outside a checkout (a deposit, a rent-out): one positive transaction."""
    amount = parse_amount(amount)
    _usable_item(item, ItemKind.INCOME)
    with transaction.atomic():
        account = lock_accounts(account)[account.pk]
        return post_transaction(
            account,
            amount,
            method=method,
            item=item,
            user=user,
            counterparty=counterparty,
            comment=comment,
            occurred_at=occurred_at,
        )


def record_expense(
    account: Account,
    amount,
    *,
    item: PaymentItem,
    method: str,
    user=None,
    counterparty=None,
    comment: str = "",
    occurred_at=None,
) -> Transaction:
    """Money paid out (rent, salaries, goods). Refused when the account has not got it, unless
    the account may go below zero; concurrent expenses queue on the account's lock."""
    amount = parse_amount(amount)
    _usable_item(item, ItemKind.EXPENSE)
    with transaction.atomic():
        account = lock_accounts(account)[account.pk]
        return post_transaction(
            account,
            -amount,
            method=method,
            item=item,
            user=user,
            counterparty=counterparty,
            comment=comment,
            occurred_at=occurred_at,
        )


def _transfer_method(account: Account) -> str:
    return PaymentMethod.CASH if account.kind == AccountKind.CASH else PaymentMethod.TRANSFER


def transfer_money(from_account: Account, to_account: Account, amount, *, user=None, comment: str = "") -> Transfer:
    """Move money between two accounts of the network (cash collection to the bank, change money
    to a desk): one outgoing and one incoming transaction, both or neither."""
    amount = parse_amount(amount)
    if from_account.pk == to_account.pk:
        raise FinanceError("same_account")
    with transaction.atomic():
        locked = lock_accounts(from_account, to_account)
        source, target = locked[from_account.pk], locked[to_account.pk]
        if target.is_archived:
            raise FinanceError("archived_account", account=target.title)
        item = item_by_code(source.chain_id, TRANSFER_CODE)
        moved = Transfer.objects.create(
            company_id=source.company_id,
            chain_id=source.chain_id,
            from_account=source,
            to_account=target,
            amount=amount,
            comment=(comment or "").strip()[:255],
            created_by=user if getattr(user, "pk", None) else None,
        )
        now = timezone.now()
        common = {"item": item, "user": user, "comment": comment, "occurred_at": now, "transfer": moved}
        post_transaction(source, -amount, method=_transfer_method(source), **common)
        post_transaction(target, amount, method=_transfer_method(target), **common)
        return moved


# ---------------------------------------------------------------- cash shifts
def open_shift(account: Account, *, user=None) -> CashShift:
    """Open the cash desk's shift; its opening balance is the ledger's balance at that moment."""
    with transaction.atomic():
        account = lock_accounts(account)[account.pk]
        if account.kind != AccountKind.CASH:
            raise FinanceError("shift_cash_only")
        if account.is_archived:
            raise FinanceError("archived_account", account=account.title)
        if CashShift.objects.filter(account=account, closed_at__isnull=True).exists():
            raise FinanceError("shift_open", account=account.title)
        try:
            with transaction.atomic():
                return CashShift.objects.create(
                    company_id=account.company_id,
                    chain_id=account.chain_id,
                    account=account,
                    opening_balance=balance(account),
                    opened_by=user if getattr(user, "pk", None) else None,
                )
        except IntegrityError:
            raise FinanceError("shift_open", account=account.title) from None


def close_shift(account: Account, counted, *, user=None, comment: str = "") -> CashShift:
    """Close the open shift with the money counted in the drawer. The discrepancy (counted minus
    the ledger's balance) is recorded on the shift; the ledger itself is not changed."""
    counted = parse_amount(counted, allow_zero=True)
    with transaction.atomic():
        account = lock_accounts(account)[account.pk]
        shift = lock_first(CashShift.objects.filter(account=account, closed_at__isnull=True))
        if shift is None:
            raise FinanceError("shift_not_open", account=account.title)
        expected = balance(account)
        shift.closed_at = timezone.now()
        shift.closed_by = user if getattr(user, "pk", None) else None
        shift.expected = expected
        shift.counted = counted
        shift.discrepancy = counted - expected
        shift.comment = (comment or "").strip()[:255]
        shift.save()
        if shift.discrepancy:
            log_action(shift, code="cash_shift.discrepancy", changes={"discrepancy": [None, str(shift.discrepancy)]})
        return shift


@dataclass(frozen=True)
class Payment:
    """One part of a payment: this much, by this method, onto this account."""

    account: Account
    method: str
    amount: Decimal
