"""Real threads, each with its own database connection: many cashiers spending one card's
bonuses at once never spend more than the card has (SQLite and PostgreSQL alike)."""

from decimal import Decimal

import pytest
from django.db import transaction

from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.loyalty import ledger
from frontdesk.loyalty.errors import LoyaltyError
from frontdesk.loyalty.models import BonusOperation, Card, OperationKind
from frontdesk.testing.concurrency import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_simultaneous_redemptions_never_spend_more_than_the_balance(tenant_a):
    with scopes_disabled():
        client = Client.objects.create(chain=tenant_a.chain, name="Ольга", phone="+79001110001")
        card = Card.objects.create(chain=tenant_a.chain, client=client, number="2000000001", referral_code="OLGA01")
        with transaction.atomic():
            ledger.credit(ledger.lock_card(card), OperationKind.ACCRUAL, Decimal("1000"))

    def attempt(i):
        with scope(tenant_a.chain), transaction.atomic():
            locked = ledger.lock_card(card)
            return ledger.debit(locked, OperationKind.REDEMPTION, Decimal("300"), company=tenant_a.company).pk

    outcomes = race(8, attempt, (LoyaltyError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 3 and kinds.count("refused") == 5
    with scopes_disabled():
        assert ledger.balance(card) == Decimal("100.00")
        assert BonusOperation.objects.filter(card=card, kind=OperationKind.REDEMPTION).count() == 3


def test_simultaneous_checkouts_paid_with_one_cards_bonuses_never_overspend(tenant_a):
    """Six visits of one client checked out at once, each paying 300 in bonuses from a card with
    1000: three go through, three are refused and leave nothing behind."""
    from frontdesk.finance.checkout import MeansUse, checkout_visit
    from frontdesk.finance.errors import FinanceError
    from frontdesk.finance.means import MeansError
    from frontdesk.finance.models import Sale
    from frontdesk.loyalty.tests import factories as f

    company = tenant_a.company
    with scopes_disabled():
        programme = f.bonus(tenant_a.chain, welcome_bonus=Decimal("1000"), redeem_percent=100, accrual_percent=0)
        card = f.member(tenant_a.chain, [programme])
        visits = [f.visit(company, card.client, 1000) for _ in range(6)]

    def attempt(i):
        with scope(tenant_a.chain):
            return checkout_visit(visits[i], means=[MeansUse("bonus", "", "300")]).sale.pk

    outcomes = race(6, attempt, (MeansError, FinanceError))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 3 and kinds.count("refused") == 3
    with scopes_disabled():
        assert Sale.objects.filter(client=card.client).count() == 3
        assert ledger.balance(card) == Decimal("100.00")


def test_simultaneous_checkouts_use_one_referral_discount_once(tenant_a):
    """Four visits of a referrer checked out at once, each with the one referral discount waiting:
    one sale gets it, the others are refused and leave nothing behind."""
    from frontdesk.finance.checkout import checkout_visit
    from frontdesk.finance.models import Sale
    from frontdesk.loyalty import services
    from frontdesk.loyalty.models import Referral
    from frontdesk.loyalty.tests import factories as f

    company = tenant_a.company
    with scopes_disabled():
        programme = f.bonus(tenant_a.chain, referrer_discount=Decimal("10"), accrual_percent=0)
        friend = f.member(tenant_a.chain, [programme], phone="+79005550040")
        newcomer = f.client(tenant_a.chain, "+79005550041", "Новенькая")
        services.refer(newcomer, friend.referral_code)
        f.paid_visit(company, newcomer, 1000)
        referral = Referral.objects.get()
        visits = [f.visit(company, friend.client, 1000) for _ in range(4)]

    def attempt(i):
        with scope(tenant_a.chain):
            sale = checkout_visit(
                visits[i], discount=Decimal("100"), discount_source=f"loyalty:referrer:{referral.pk}"
            ).sale
            return sale.pk

    outcomes = race(4, attempt, (LoyaltyError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 1 and kinds.count("refused") == 3
    with scopes_disabled():
        [sale] = Sale.objects.filter(client=friend.client)
        assert Referral.objects.get().discount_sale == sale and sale.discount == Decimal("100.00")
