"""What a client's programmes do at the cash desk and afterwards: steps, promotions, bonuses
accrued and taken back, statuses, referrals, the daily job."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from frontdesk.finance.checkout import refund_sale
from frontdesk.loyalty import ledger, rules, services
from frontdesk.loyalty.daily import expire_bonuses, grant_birthday_bonuses
from frontdesk.loyalty.errors import LoyaltyError
from frontdesk.loyalty.models import BonusOperation, Card, OperationKind, Referral, Tier
from frontdesk.loyalty.tests import factories as f

pytestmark = pytest.mark.django_db


def draft(company, person, *prices, service_id=None):
    lines = [
        SimpleNamespace(kind="service", price=Decimal(p), service_id=service_id, position=i)
        for i, p in enumerate(prices)
    ]
    subtotal = sum((line.price for line in lines), Decimal(0))
    return SimpleNamespace(company=company, client=person, lines=lines, subtotal=subtotal, total=subtotal, discount=0)


def settle(sale):
    """What the checkout's sale_settled does."""
    return services.settle_sale(sale)


def test_the_cumulative_discount_grows_exactly_at_each_threshold(tenant_a):
    company = tenant_a.company
    card = f.member(tenant_a.chain, [f.cumulative(tenant_a.chain)])
    expected = {
        0: None,
        1: None,
        2: Decimal("50.00"),
        3: Decimal("50.00"),
        4: Decimal("100.00"),
        5: Decimal("100.00"),
        6: Decimal("150.00"),
    }
    for visits in range(7):
        best = rules.best(rules.offers(draft(company, card.client, 1000)))
        assert (best.amount if best else None) == expected[visits], visits
        if best:
            assert "Клуб" in best.label and f"{visits} paid visits" in best.label
        settle(f.paid_visit(company, card.client))


def test_a_programme_of_other_branches_offers_nothing_here(tenant_a):
    elsewhere = f.cumulative(tenant_a.chain, steps=((0, 10),), all_branches=False)
    elsewhere.branches.set([tenant_a.companies[1]])
    card = f.member(tenant_a.chain, [elsewhere])
    assert rules.offers(draft(tenant_a.company, card.client, 1000)) == []
    assert rules.offers(draft(tenant_a.companies[1], card.client, 1000))[0].amount == Decimal("100.00")


def test_the_discount_lapses_after_days_without_visits(tenant_a):
    company = tenant_a.company
    card = f.member(tenant_a.chain, [f.cumulative(tenant_a.chain, steps=((1, 5),), lapse_days=30)])
    settle(f.paid_visit(company, card.client))
    assert rules.offers(draft(company, card.client, 1000))[0].amount == Decimal("50.00")
    later = timezone.now() + datetime.timedelta(days=31)
    assert rules.offers(draft(company, card.client, 1000), now=later) == []


def test_the_best_single_discount_wins_and_says_why(tenant_a):
    company = tenant_a.company
    club = f.cumulative(tenant_a.chain, steps=((0, 5),))
    promo = f.bonus(tenant_a.chain, title="Первый визит")
    promo.kind, promo.percent = "first_visit", Decimal("20")
    promo.save()
    card = f.member(tenant_a.chain, [club, promo])
    service = f.visit(company, card.client).records.first().lines.first().service
    found = rules.offers(draft(company, card.client, 1000, service_id=service.pk))
    assert sorted(o.amount for o in found) == [Decimal("50.00"), Decimal("200.00")]
    assert "first visit" in rules.best(found).label


def test_every_nth_visit_gives_the_cheapest_service_free(tenant_a):
    company = tenant_a.company
    nth = f.bonus(tenant_a.chain, title="Каждый третий")
    nth.kind, nth.nth = "every_nth", 3
    nth.save()
    card = f.member(tenant_a.chain, [nth])
    for _ in range(2):
        assert rules.offers(draft(company, card.client, 1000, 700, service_id=None)) == []
        settle(f.paid_visit(company, card.client))
    # Lines without a service do not qualify; a service line does.
    service = f.visit(company, card.client).records.first().lines.first().service
    offer = rules.best(rules.offers(draft(company, card.client, 1000, 700, service_id=service.pk)))
    assert offer.amount == Decimal("700.00") and "visit 3 is free" in offer.label


def test_bonuses_accrue_on_the_money_paid_and_a_refund_takes_them_back_in_proportion(tenant_a):
    company = tenant_a.company
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain)])
    sale = f.paid_visit(company, card.client, 2000)
    settle(sale)
    settle(sale)  # a second signal for the same payment writes nothing more
    assert ledger.balance(card) == Decimal("200.00")
    accrual = BonusOperation.objects.get(card=card, kind=OperationKind.ACCRUAL)
    assert accrual.sale == sale
    refund_sale(sale, Decimal("500"))
    settle(sale)
    assert ledger.balance(card) == Decimal("150.00")
    reversal = BonusOperation.objects.get(card=card, kind=OperationKind.ACCRUAL_REVERSAL)
    assert reversal.sale == sale and reversal.reverses == accrual


def test_a_refund_never_takes_the_balance_below_zero(tenant_a):
    company = tenant_a.company
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain)])
    sale = f.paid_visit(company, card.client, 1000)
    settle(sale)
    ledger.adjust(card, Decimal("-80"), reason="spent at the bar")
    refund_sale(sale)
    settle(sale)
    settle(sale)
    assert ledger.balance(card) == Decimal("0.00")


def test_a_not_combinable_programme_earns_nothing_on_a_discounted_check(tenant_a):
    company = tenant_a.company
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain, combinable=False)])
    settle(f.paid_visit(company, card.client, 1000, discount=100))
    assert ledger.balance(card) == 0
    settle(f.paid_visit(company, card.client, 1000))
    assert ledger.balance(card) == Decimal("100.00")


def test_statuses_follow_the_spend_and_bring_their_own_cashback(tenant_a):
    company = tenant_a.company
    programme = f.bonus(tenant_a.chain, basis="spend")
    Tier.objects.create(chain=tenant_a.chain, programme=programme, threshold=1500, name="Gold", accrual_percent=20)
    card = f.member(tenant_a.chain, [programme])
    settle(f.paid_visit(company, card.client, 1000))  # 10%: 100
    assert card.memberships.get().tier is None
    settle(f.paid_visit(company, card.client, 1000))  # spend before it was 1000: still 10%
    assert card.memberships.get().tier.name == "Gold"
    settle(f.paid_visit(company, card.client, 1000))  # Gold: 20%
    assert ledger.balance(card) == Decimal("400.00")


def test_a_welcome_bonus_is_credited_once(tenant_a):
    programme = f.bonus(tenant_a.chain, welcome_bonus=Decimal("300"))
    card = f.member(tenant_a.chain, [programme])
    services.issue_card(card.client, programmes=[programme])
    assert ledger.balance(card) == Decimal("300.00")


def test_a_card_is_issued_automatically_on_the_first_paid_visit(tenant_a):
    f.bonus(tenant_a.chain, auto_issue=True)
    person = f.client(tenant_a.chain)
    settle(f.paid_visit(tenant_a.company, person, 1000))
    card = Card.objects.get(client=person)
    assert card.issued_via == "auto" and ledger.balance(card) == Decimal("100.00")


def test_both_sides_of_a_referral_are_rewarded_once_on_the_first_paid_visit(tenant_a):
    programme = f.bonus(tenant_a.chain, referrer_bonus=Decimal("500"), newcomer_bonus=Decimal("200"))
    friend = f.member(tenant_a.chain, [programme], phone="+79005550009")
    newcomer = f.client(tenant_a.chain, "+79005550010", "Новенькая")
    with pytest.raises(LoyaltyError):
        services.refer(friend.client, friend.referral_code)
    services.refer(newcomer, friend.referral_code.lower())
    newcomer.refresh_from_db()
    assert newcomer.referrer == friend.client
    settle(f.paid_visit(tenant_a.company, newcomer, 1000))
    settle(f.paid_visit(tenant_a.company, newcomer, 1000))
    assert ledger.balance(friend) == Decimal("500.00")
    assert BonusOperation.objects.filter(card__client=newcomer, kind=OperationKind.REFERRAL).get().amount == 200
    assert Referral.objects.get().rewarded_at is not None


def test_a_newcomer_discount_is_offered_on_the_first_visit_only(tenant_a):
    programme = f.bonus(tenant_a.chain, newcomer_discount=Decimal("15"))
    friend = f.member(tenant_a.chain, [programme], phone="+79005550009")
    newcomer = f.client(tenant_a.chain, "+79005550010")
    services.refer(newcomer, friend.referral_code)
    assert rules.best(rules.offers(draft(tenant_a.company, newcomer, 1000))).amount == Decimal("150.00")
    settle(f.paid_visit(tenant_a.company, newcomer, 1000))
    assert rules.offers(draft(tenant_a.company, newcomer, 1000)) == []


def test_the_daily_job_expires_bonuses_and_credits_birthdays_once(tenant_a):
    programme = f.bonus(tenant_a.chain, bonus_lifetime_days=30, birthday_bonus=Decimal("250"))
    card = f.member(tenant_a.chain, [programme])
    settle(f.paid_visit(tenant_a.company, card.client, 1000))
    assert ledger.balance(card) == Decimal("100.00")
    later = timezone.now() + datetime.timedelta(days=31)
    assert expire_bonuses(later) == 1
    assert expire_bonuses(later) == 0
    assert ledger.balance(card) == 0
    today = timezone.localdate()
    card.client.birthday = today.replace(year=1990)
    card.client.save()
    assert grant_birthday_bonuses(today) == 1
    assert grant_birthday_bonuses(today) == 0
    call_command("loyalty_daily", stdout=io.StringIO())
    assert ledger.balance(card) == Decimal("250.00")


def test_a_programme_that_takes_every_client_joins_an_existing_card_on_a_paid_visit(tenant_a):
    card = f.member(tenant_a.chain, [f.cumulative(tenant_a.chain)])
    cashback = f.bonus(tenant_a.chain, auto_issue=True)
    settle(f.paid_visit(tenant_a.company, card.client, 1000))
    assert cashback in card.programmes.all()
    assert ledger.balance(card) == Decimal("100.00")


def test_accrued_bonuses_and_a_new_status_are_told_to_the_client_once(tenant_a):
    from frontdesk.notifications.models import Message

    programme = f.bonus(tenant_a.chain, basis="spend")
    Tier.objects.create(chain=tenant_a.chain, programme=programme, threshold=500, name="Gold", accrual_percent=20)
    card = f.member(tenant_a.chain, [programme])
    sale = f.paid_visit(tenant_a.company, card.client, 1000)  # the checkout's sale_settled
    sent = Message.objects.filter(client=card.client)
    assert {"loyalty_bonus_accrued", "loyalty_status_changed"} <= set(sent.values_list("event", flat=True))
    count = sent.count()
    settle(sale)  # the same payment settled again writes no second message
    assert sent.count() == count


def test_a_certificate_bought_at_the_counter_counts_once_when_it_pays_for_a_visit(tenant_a):
    from frontdesk.finance.checkout import CounterLine, sell_at_counter
    from frontdesk.finance.models import LineKind, PaymentMethod
    from frontdesk.finance.services import Payment

    company = tenant_a.company
    programme = f.cumulative(tenant_a.chain, steps=((3000, 5),))
    programme.basis = "spend"
    programme.save()
    card = f.member(tenant_a.chain, [programme], company=company)
    person = card.client
    sell_at_counter(
        company,
        client=person,
        lines=[CounterLine(LineKind.CERTIFICATE, "gift", "Подарок", "5000")],
        payments=[Payment(f.desk(company), PaymentMethod.CASH, "5000")],
    )
    assert rules.standing(person, programme).value == 0  # nothing was consumed yet
    f.paid_visit(company, person, 2000)
    assert rules.standing(person, programme).value == Decimal("2000.00")
