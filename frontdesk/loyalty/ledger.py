"""The bonus ledger of a card: the only code that writes `BonusOperation` rows.

Guarantees (DESIGN.md invariant 3):
- the balance is the sum of the card's operations, never a stored number;
- it never goes below zero: every operation that takes bonuses away runs with the card's row
  locked (`lock_card`), re-reads the balance and takes at most what is there;
- bonuses are spent oldest-expiring first (FIFO over "lots": every positive operation is a lot),
  and a lot's expiry writes off exactly what is left of it, once (a unique key per lot).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row
from frontdesk.core.money import MoneySum, to_money
from frontdesk.loyalty.errors import LoyaltyError
from frontdesk.loyalty.models import BonusOperation, Card, OperationKind, ProgrammeKind

ZERO = Decimal("0.00")


def lock_card(card) -> Card:
    """Lock the card's row until the end of the transaction (SQLite: the transaction already
    holds the write lock). Every change of the balance goes through here first: two cashiers
    spending one balance at once are served one after the other, and the second sees the first."""
    return lock_row(Card.objects, getattr(card, "pk", card))


def balance(card) -> Decimal:
    total = BonusOperation.objects.filter(card=card).aggregate(total=MoneySum("amount"))["total"]
    return to_money(total or 0)


def balances(card_ids) -> dict[int, Decimal]:
    rows = (
        BonusOperation.objects.filter(card_id__in=list(card_ids))
        .values("card_id")
        .annotate(total=MoneySum("amount"))
        .values_list("card_id", "total")
    )
    return {card_id: to_money(total or 0) for card_id, total in rows}


@dataclass
class Lot:
    operation: BonusOperation
    left: Decimal

    @property
    def expires_at(self):
        return self.operation.expires_at


def lots(card) -> list[Lot]:
    """What is left of every positive operation, replaying the ledger in order: a debit takes
    from the lots that expire first (then the oldest); an expiry empties its own lot."""
    operations = list(BonusOperation.objects.filter(card=card).order_by("created_at", "id"))
    open_lots: list[Lot] = []
    by_id: dict[int, Lot] = {}
    for op in operations:
        if op.amount > 0:
            lot = Lot(op, op.amount)
            open_lots.append(lot)
            by_id[op.pk] = lot
            continue
        if op.kind == OperationKind.EXPIRY and op.reverses_id in by_id:
            lot = by_id[op.reverses_id]
            lot.left = max(lot.left + op.amount, ZERO)
            continue
        need = -op.amount
        far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
        for lot in sorted(open_lots, key=lambda lot: (lot.expires_at or far, lot.operation.pk)):
            if need <= 0:
                break
            take = min(lot.left, need)
            lot.left -= take
            need -= take
    return [lot for lot in open_lots if lot.left > 0]


def spendable(card, now=None) -> Decimal:
    """The balance less the lots already past their expiry that the daily job has not yet written
    off: what the client may spend now."""
    now = now or timezone.now()
    overdue = sum((lot.left for lot in lots(card) if lot.expires_at and lot.expires_at <= now), ZERO)
    return max(balance(card) - overdue, ZERO)


def _write(card, kind, amount, **fields) -> BonusOperation:
    return BonusOperation.objects.create(
        chain_id=card.chain_id, card=card, kind=kind, amount=to_money(amount), **fields
    )


def expire_due(card, now=None) -> list[BonusOperation]:
    """Write off what is left of the card's lots past their expiry. The caller holds the card's
    lock. Idempotent: a lot expires once (its key), and an emptied lot has nothing left."""
    now = now or timezone.now()
    written = []
    for lot in lots(card):
        if lot.expires_at and lot.expires_at <= now:
            written.append(
                _write(
                    card,
                    OperationKind.EXPIRY,
                    -lot.left,
                    reverses=lot.operation,
                    programme_id=lot.operation.programme_id,
                    key=f"expiry:{lot.operation.pk}",
                )
            )
    return written


def credit(card, kind, amount, *, programme=None, company=None, sale=None, user=None, reason="", key="", **extra):
    """Add bonuses to the card (a lot that expires after the programme's lifetime, if it has one).
    Returns the operation, or None when `key` was already written (a retried job)."""
    amount = to_money(amount)
    if amount <= 0:
        raise LoyaltyError("amount_positive")
    if key and BonusOperation.objects.filter(key=key).exists():
        return None
    expires_at = extra.pop("expires_at", None)
    if expires_at is None and programme is not None and programme.bonus_lifetime_days:
        expires_at = timezone.now() + datetime.timedelta(days=programme.bonus_lifetime_days)
    return _write(
        card,
        kind,
        amount,
        programme=programme,
        company=company,
        sale=sale,
        created_by=user if getattr(user, "pk", None) else None,
        reason=reason[:255],
        key=key,
        expires_at=expires_at,
        **extra,
    )


def debit(card, kind, amount, *, company=None, sale=None, user=None, reason="", cap=False, **extra):
    """Take bonuses from the card; the caller holds its lock. Expired lots are written off first,
    so what is spent was really there. `cap=True` takes at most the balance (a refund taking back
    bonuses already spent); otherwise more than the balance is refused."""
    amount = to_money(amount)
    if amount <= 0:
        raise LoyaltyError("amount_positive")
    expire_due(card)
    available = balance(card)
    if amount > available:
        if not cap:
            raise LoyaltyError("insufficient", balance=available)
        amount = available
    if amount <= 0:
        return None
    return _write(
        card,
        kind,
        -amount,
        company=company,
        sale=sale,
        created_by=user if getattr(user, "pk", None) else None,
        reason=reason[:255],
        **extra,
    )


def adjust(card, amount, *, reason: str, user=None, company=None) -> BonusOperation:
    """A manual correction by someone with the right (checked by the view): positive adds, negative
    takes away (never below zero). The reason is required and kept on the operation."""
    reason = (reason or "").strip()
    if not reason:
        raise LoyaltyError("reason_required")
    amount = to_money(amount)
    if amount == 0:
        raise LoyaltyError("amount_positive")
    with transaction.atomic():
        card = lock_card(card)
        if amount > 0:
            programme = bonus_programme_of(card)
            op = credit(
                card, OperationKind.MANUAL, amount, programme=programme, company=company, user=user, reason=reason
            )
        else:
            op = debit(card, OperationKind.MANUAL, -amount, company=company, user=user, reason=reason)
        log_action(card, code="loyalty.bonus_adjusted", changes={"bonuses": [None, str(amount)], "reason": reason})
        return op


def bonus_programme_of(card, company_id=None):
    """The card's bonus programme (the one whose lifetime its manual and welcome bonuses take)."""
    programmes = [p for p in card.programmes.all() if p.kind == ProgrammeKind.BONUS and p.is_active]
    if company_id is not None:
        programmes = [p for p in programmes if p.valid_in(company_id)]
    return programmes[0] if programmes else None
