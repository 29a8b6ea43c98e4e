"""Invariant 3 for bonuses under any sequence of accruals, redemptions, expiries, refund
reversals and manual corrections: the balance is the sum of the card's operations, equals what a
plain model expects (oldest-expiring bonuses spent first), never goes below zero, and a refused
operation changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.clients.models import Client
from frontdesk.core.money import MoneySum
from frontdesk.loyalty import ledger
from frontdesk.loyalty.errors import LoyaltyError
from frontdesk.loyalty.models import BonusOperation, Card, OperationKind, Tier
from frontdesk.loyalty.rules import tier_for

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("900"), places=2)
operations = st.one_of(
    # credit: amount, expires in N days from the test clock (None: never)
    st.tuples(st.just("credit"), amounts, st.one_of(st.none(), st.integers(1, 30))),
    st.tuples(st.just("redeem"), amounts),
    st.tuples(st.just("reverse"), amounts),  # a refund taking back bonuses: at most what is left
    st.tuples(st.just("adjust"), st.decimals(min_value=Decimal("-900"), max_value=Decimal("900"), places=2)),
    st.tuples(st.just("wait"), st.integers(1, 20)),  # days pass, then the daily job expires lots
)


class Model:
    """Lots [left, expires_day]; a debit takes from those that expire first, then the oldest."""

    def __init__(self):
        self.lots = []
        self.day = 0

    def balance(self):
        return sum((lot[0] for lot in self.lots), Decimal("0.00"))

    def credit(self, amount, expires_day):
        self.lots.append([amount, expires_day])

    def debit(self, amount):
        order = sorted(range(len(self.lots)), key=lambda i: (self.lots[i][1] is None, self.lots[i][1] or 0, i))
        for i in order:
            take = min(self.lots[i][0], amount)
            self.lots[i][0] -= take
            amount -= take

    def expire(self):
        for lot in self.lots:
            if lot[1] is not None and lot[1] <= self.day:
                lot[0] = Decimal("0.00")


@pytest.fixture
def card(tenant_a):
    client = Client.objects.create(chain=tenant_a.chain, name="Ирина", phone="+79001112233")
    return Card.objects.create(chain=tenant_a.chain, client=client, number="1000000001", referral_code="IRINA1")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operations, min_size=1, max_size=16))
def test_the_balance_is_the_ledger_sum_and_never_negative_after_any_sequence(card, ops):
    start = timezone.now()
    with transaction.atomic():
        model = Model()
        for op in ops:
            count = BonusOperation.objects.count()
            now = start + datetime.timedelta(days=model.day)
            kind = op[0]
            try:
                with transaction.atomic():
                    locked = ledger.lock_card(card)
                    if kind == "credit":
                        expires = None if op[2] is None else start + datetime.timedelta(days=model.day + op[2])
                        ledger.credit(locked, OperationKind.ACCRUAL, op[1], expires_at=expires)
                        model.credit(op[1], None if op[2] is None else model.day + op[2])
                    elif kind == "redeem":
                        ledger.expire_due(locked, now)
                        model.expire()
                        should_pass = op[1] <= model.balance()
                        try:
                            ledger.debit(locked, OperationKind.REDEMPTION, op[1])
                        except LoyaltyError:
                            assert not should_pass, "a payable redemption was refused"
                            raise
                        assert should_pass, "a redemption spent more than the balance"
                        model.debit(op[1])
                    elif kind == "reverse":
                        ledger.expire_due(locked, now)
                        model.expire()
                        taken = ledger.debit(locked, OperationKind.ACCRUAL_REVERSAL, op[1], cap=True)
                        expected = min(op[1], model.balance())
                        assert (-taken.amount if taken else Decimal("0.00")) == expected
                        model.debit(expected)
                    elif kind == "adjust":
                        ledger.expire_due(locked, now)
                        model.expire()
                        try:
                            ledger.adjust(locked, op[1], reason="property test")
                        except LoyaltyError:
                            assert op[1] == 0 or -op[1] > model.balance()
                            raise
                        if op[1] > 0:
                            model.credit(op[1], None)
                        else:
                            model.debit(-op[1])
                    elif kind == "wait":
                        model.day += op[1]
                        ledger.expire_due(locked, start + datetime.timedelta(days=model.day))
                        model.expire()
            except LoyaltyError:
                assert BonusOperation.objects.count() == count, "a refused operation left operations behind"
            total = BonusOperation.objects.filter(card=card).aggregate(s=MoneySum("amount"))["s"] or Decimal("0.00")
            assert ledger.balance(card) == total == model.balance()
            assert ledger.balance(card) >= 0
            assert sum((lot.left for lot in ledger.lots(card)), Decimal("0.00")) == total
        # The daily job twice in a row writes nothing the second time.
        locked = ledger.lock_card(card)
        far = start + datetime.timedelta(days=model.day + 400)
        ledger.expire_due(locked, far)
        assert ledger.expire_due(locked, far) == []
        assert ledger.balance(card) == sum((lot[0] for lot in model.lots if lot[1] is None), Decimal("0.00"))
        transaction.set_rollback(True)


@given(
    thresholds=st.lists(st.integers(0, 60), min_size=1, max_size=6, unique=True),
    value=st.integers(0, 80),
)
def test_the_step_reached_is_the_highest_threshold_not_above_the_value(thresholds, value):
    tiers = [Tier(threshold=Decimal(t), discount_services=Decimal(i + 1)) for i, t in enumerate(thresholds)]
    reached = tier_for(tiers, Decimal(value))
    below = [t for t in thresholds if t <= value]
    if not below:
        assert reached is None
    else:
        assert reached.threshold == max(below)
