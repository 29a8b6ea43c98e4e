"""The referrer's reward as a discount: granted when the newcomer pays the first visit, offered at
the referrer's next checkout as one discount among the others (with its reason), used once by the
sale that applies it, given back when that sale is refunded whole, and shown on the cards."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from frontdesk.finance.checkout import checkout_visit, refund_sale
from frontdesk.finance.models import PaymentMethod, Sale, SaleStatus
from frontdesk.finance.services import Payment
from frontdesk.loyalty import rules, services
from frontdesk.loyalty.errors import LoyaltyError
from frontdesk.loyalty.models import Referral
from frontdesk.loyalty.tests import factories as f
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def _draft(company, person, price=1000):
    line = SimpleNamespace(kind="service", price=Decimal(price), service_id=None, position=0)
    return SimpleNamespace(
        company=company, client=person, lines=[line], subtotal=line.price, total=line.price, discount=0
    )


def _recommended(tenant, percent="10", **fields):
    """A referrer with a card, and a newcomer who came on the referrer's code and paid the first visit."""
    programme = f.bonus(tenant.chain, referrer_discount=Decimal(percent), **fields)
    friend = f.member(tenant.chain, [programme], phone="+79005550030")
    newcomer = f.client(tenant.chain, "+79005550031", "Новенькая")
    services.refer(newcomer, friend.referral_code)
    return programme, friend, newcomer


def _referral_offer(company, person, price=1000):
    return [o for o in rules.offers(_draft(company, person, price)) if o.source.startswith(rules.REFERRER_SOURCE)]


def _check_out_with_offer(company, person, price=1000):
    """The referrer's visit checked out as the desk does it: the best offer applied, the rest paid in cash."""
    visit = f.visit(company, person, price)
    offer = rules.best(rules.offers(_draft(company, person, price)))
    total = Decimal(price) - offer.amount
    return checkout_visit(
        visit,
        discount=offer.amount,
        discount_source=offer.source,
        discount_label=offer.label,
        payments=[Payment(f.desk(company), PaymentMethod.CASH, total)],
    ).sale


def test_the_referrer_gets_the_discount_once_the_newcomer_pays_the_first_visit(tenant_a):
    company = tenant_a.company
    _programme, friend, newcomer = _recommended(tenant_a)
    assert _referral_offer(company, friend.client) == []  # not before the newcomer pays
    f.paid_visit(company, newcomer, 1000)
    f.paid_visit(company, newcomer, 1000)  # a second visit grants nothing more
    referral = Referral.objects.get()
    assert referral.referrer_discount == Decimal("10.00") and referral.discount_waiting
    [offer] = _referral_offer(company, friend.client, 2000)
    assert offer.amount == Decimal("200.00")
    assert offer.label == "Referral reward: 10% (recommended Новенькая)"
    assert offer.source == f"loyalty:referrer:{referral.pk}"
    assert _referral_offer(company, newcomer) == []  # the newcomer is not the one rewarded


def test_the_referral_discount_is_used_once_by_the_sale_that_applies_it(tenant_a):
    company = tenant_a.company
    _programme, friend, newcomer = _recommended(tenant_a)
    f.paid_visit(company, newcomer, 1000)
    sale = _check_out_with_offer(company, friend.client, 1000)
    assert (sale.discount, sale.discount_label) == (Decimal("100.00"), "Referral reward: 10% (recommended Новенькая)")
    referral = Referral.objects.get()
    assert referral.discount_sale == sale and not referral.discount_waiting
    assert _referral_offer(company, friend.client) == []
    # The same discount typed into a second checkout (an offer read before the first was saved):
    # refused, and nothing of that checkout is saved.
    second = f.visit(company, friend.client, 1000)
    with pytest.raises(LoyaltyError, match="already been used"):
        checkout_visit(
            second,
            discount=Decimal("100"),
            discount_source=f"loyalty:referrer:{referral.pk}",
            payments=[Payment(f.desk(company), PaymentMethod.CASH, Decimal("900"))],
        )
    assert not Sale.objects.filter(visit=second).exists()


def test_a_refund_of_the_whole_sale_gives_the_referral_discount_back(tenant_a):
    company = tenant_a.company
    _programme, friend, newcomer = _recommended(tenant_a)
    f.paid_visit(company, newcomer, 1000)
    sale = _check_out_with_offer(company, friend.client, 1000)
    refund_sale(sale, Decimal("100"))  # part of it: still used
    assert _referral_offer(company, friend.client) == []
    refund_sale(sale)
    sale.refresh_from_db()
    assert sale.status == SaleStatus.REFUNDED
    [offer] = _referral_offer(company, friend.client)
    assert offer.amount == Decimal("100.00")
    again = _check_out_with_offer(company, friend.client, 1000)
    assert again.discount == Decimal("100.00") and Referral.objects.get().discount_sale == again


def test_a_bigger_discount_wins_and_the_referral_discount_keeps_waiting(tenant_a):
    company = tenant_a.company
    _programme, friend, newcomer = _recommended(tenant_a)
    f.paid_visit(company, newcomer, 1000)
    club = f.cumulative(tenant_a.chain, steps=((0, 15),))
    services.issue_card(friend.client, programmes=[club])
    best = rules.best(rules.offers(_draft(company, friend.client)))
    assert best.source == f"loyalty:{club.pk}" and best.amount == Decimal("150.00")
    _check_out_with_offer(company, friend.client, 1000)
    assert Referral.objects.get().discount_waiting
    assert len(_referral_offer(company, friend.client)) == 1


def test_a_referral_discount_of_a_programme_of_other_branches_is_not_offered_here(tenant_a):
    company = tenant_a.company
    _programme, friend, newcomer = _recommended(tenant_a, all_branches=False)
    _programme.branches.add(company)
    f.paid_visit(company, newcomer, 1000)
    from frontdesk.tenancy.models import Company

    other = Company.objects.create(chain=tenant_a.chain, name="Второй филиал")
    assert _referral_offer(other, friend.client) == []
    assert len(_referral_offer(company, friend.client)) == 1


def test_the_cards_show_the_waiting_discount_until_it_is_used(tenant_a, amy):
    company = tenant_a.company
    programme, friend, newcomer = _recommended(tenant_a)
    programme.referrer_discount = Decimal("12.5")
    programme.save()
    f.paid_visit(company, newcomer, 1000)
    http = client_for(amy)
    client_card = f"/c/{company.pk}/clients/{friend.client.pk}/"
    card_page = f"/c/{company.pk}/loyalty/cards/{friend.pk}/"
    for url in (client_card, card_page):
        page = http.get(url).content.decode()
        assert "A 12.5% referral discount waiting" in page
        assert "Новенькая" in page and "12.5% discount waiting" in page
    visit = f.visit(company, friend.client, 2000)
    checkout = http.get(f"/c/{company.pk}/finance/checkout/{visit.pk}/").content.decode()
    assert "Referral reward: 12.5% (recommended Новенькая)" in checkout and 'value="250.00"' in checkout
    line = visit.records.get().lines.get()
    response = http.post(
        f"/c/{company.pk}/finance/checkout/{visit.pk}/",
        {f"price_{line.pk}": "2000", "discount": "250.00", "account_cash": f.desk(company).pk, "amount_cash": "1750"},
    )
    assert response.status_code == 302
    sale = Sale.objects.get(visit=visit)
    assert sale.discount_source == f"loyalty:referrer:{Referral.objects.get().pk}"
    for url in (client_card, card_page):
        page = http.get(url).content.decode()
        assert "referral discount waiting" not in page
        assert f"12.5% discount used, sale #{sale.pk}" in page


def test_the_owner_sets_the_referrer_discount_in_the_programme_form(tenant_a, alice):
    from frontdesk.loyalty.models import Programme
    from frontdesk.loyalty.tests.test_views import _programme_post

    http = client_for(alice)
    url = f"/c/{tenant_a.company.pk}/loyalty/programmes/add/"
    assert "on their next visit" in http.get(url).content.decode()
    refused = http.post(url, _programme_post(kind="bonus", referrer_discount="120"))
    assert refused.status_code == 400 and not Programme.objects.exists()
    assert http.post(url, _programme_post(kind="bonus", referrer_discount="10")).status_code == 302
    assert Programme.objects.get().referrer_discount == Decimal("10.00")
