"""The demo network's loyalty: a cumulative discount with three steps, a bonus programme, and
cards whose bonuses came from the demo's checkouts."""

from frontdesk.core.scopes import scope
from frontdesk.loyalty import ledger
from frontdesk.loyalty.models import BonusOperation, Card, OperationKind, Programme, ProgrammeKind
from frontdesk.tenancy.demo import create_demo


def test_the_demo_has_a_three_step_discount_a_bonus_programme_and_cards_with_bonuses(db):
    demo = create_demo()
    with scope(demo.chain):
        club = Programme.objects.get(kind=ProgrammeKind.CUMULATIVE)
        assert club.tiers.count() == 3
        assert Programme.objects.filter(kind=ProgrammeKind.BONUS).exists()
        cards = list(Card.objects.all())
        assert len(cards) >= 10
        assert BonusOperation.objects.filter(kind=OperationKind.ACCRUAL).exists()
        assert all(ledger.balance(card) >= 0 for card in cards)
