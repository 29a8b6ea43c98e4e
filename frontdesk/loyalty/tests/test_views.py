"""The loyalty pages of the back office, as the owner, the administrator and the specialist see them."""

from decimal import Decimal

import pytest

from frontdesk.accounts.models import Membership
from frontdesk.accounts.permissions import Role
from frontdesk.loyalty import ledger
from frontdesk.loyalty.models import BonusOperation, Card, OperationKind, Programme, Referral
from frontdesk.loyalty.tests import factories as f
from frontdesk.testing.fixtures import add_member, client_for

pytestmark = pytest.mark.django_db


def _programme_post(**fields):
    data = {
        "title": "Клуб",
        "kind": "cumulative",
        "is_active": "on",
        "all_branches": "on",
        "basis": "visits",
        "accrual_percent": "0",
        "redeem_percent": "0",
        "welcome_bonus": "0",
        "birthday_bonus": "0",
        "percent": "0",
        "referrer_bonus": "0",
        "newcomer_bonus": "0",
        "newcomer_discount": "0",
        "referrer_discount": "0",
        "combinable": "on",
        "tiers-TOTAL_FORMS": "3",
        "tiers-INITIAL_FORMS": "0",
        "rates-TOTAL_FORMS": "0",
        "rates-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def test_the_owner_creates_a_cumulative_programme_with_three_steps(tenant_a, alice):
    http = client_for(alice)
    url = f"/c/{tenant_a.company.pk}/loyalty/programmes/add/"
    steps = {}
    for i, (threshold, percent) in enumerate(((3, 5), (6, 10), (10, 15))):
        steps[f"tiers-{i}-threshold"] = str(threshold)
        steps[f"tiers-{i}-discount_services"] = str(percent)
        steps[f"tiers-{i}-discount_goods"] = "0"
    assert http.post(url, _programme_post(**steps)).status_code == 302
    programme = Programme.objects.get()
    assert [(int(t.threshold), int(t.discount_services)) for t in programme.tiers.all()] == [(3, 5), (6, 10), (10, 15)]
    page = http.get(f"/c/{tenant_a.company.pk}/loyalty/").content.decode()
    assert "Клуб" in page and '3 → <span data-testid="tier-benefit">5% off services</span>' in page


def test_a_cumulative_programme_without_steps_is_refused_with_a_reason(tenant_a, alice):
    response = client_for(alice).post(f"/c/{tenant_a.company.pk}/loyalty/programmes/add/", _programme_post())
    assert response.status_code == 400
    assert "needs at least one step" in response.content.decode()
    assert not Programme.objects.exists()


def test_a_programme_in_selected_branches_needs_the_branches(tenant_a, alice):
    data = _programme_post(kind="bonus", all_branches="")
    del data["all_branches"]
    response = client_for(alice).post(f"/c/{tenant_a.company.pk}/loyalty/programmes/add/", data)
    assert response.status_code == 400 and "Choose the branches" in response.content.decode()


def test_a_specialist_does_not_see_loyalty_and_cannot_open_it(tenant_a, sam):
    http = client_for(sam)
    assert http.get(f"/c/{tenant_a.company.pk}/loyalty/").status_code == 403
    assert "/loyalty/" not in http.get(f"/c/{tenant_a.company.pk}/").content.decode()


def test_the_administrator_issues_a_card_from_the_client_card_and_sees_the_block(tenant_a, amy):
    programme = f.bonus(tenant_a.chain, welcome_bonus=Decimal("300"))
    person = f.client(tenant_a.chain)
    http = client_for(amy)
    card_url = f"/c/{tenant_a.company.pk}/clients/{person.pk}/"
    assert "Issue a card" in http.get(card_url).content.decode()
    http.post(f"/c/{tenant_a.company.pk}/loyalty/clients/{person.pk}/issue/", {"programmes": [programme.pk]})
    card = Card.objects.get(client=person)
    page = http.get(card_url).content.decode()
    assert card.number in page and "300.00" in page and "Welcome bonus +300.00" in page


def test_a_manual_correction_needs_a_reason_and_the_right_and_never_goes_below_zero(tenant_a, amy):
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain, welcome_bonus=Decimal("100"))])
    url = f"/c/{tenant_a.company.pk}/loyalty/cards/{card.pk}/adjust/"
    http = client_for(amy)
    assert "reason" in http.post(url, {"amount": "50", "reason": ""}).content.decode().lower()
    response = http.post(url, {"amount": "-150", "reason": "Ошибка"})
    assert response.status_code == 400 and "only 100.00 bonuses" in response.content.decode()
    assert http.post(url, {"amount": "-40", "reason": "Ошибка кассира"}).status_code == 302
    op = BonusOperation.objects.get(kind=OperationKind.MANUAL)
    assert (op.amount, op.reason, op.created_by) == (Decimal("-40.00"), "Ошибка кассира", amy)
    accountant = add_member(tenant_a, "acc@example.com", Role.ACCOUNTANT)
    assert client_for(accountant).post(url, {"amount": "10", "reason": "x"}).status_code == 403
    assert ledger.balance(card) == Decimal("60.00")
    assert "Ошибка кассира" in http.get(f"/c/{tenant_a.company.pk}/loyalty/cards/{card.pk}/").content.decode()


def test_a_newcomer_is_linked_by_a_referral_code_on_the_client_card(tenant_a, amy):
    friend = f.member(tenant_a.chain, [f.bonus(tenant_a.chain)], phone="+79005550020")
    newcomer = f.client(tenant_a.chain, "+79005550021", "Новенькая")
    http = client_for(amy)
    url = f"/c/{tenant_a.company.pk}/loyalty/clients/{newcomer.pk}/refer/"
    http.post(url, {"code": "NOSUCH"})
    assert not Referral.objects.exists()
    http.post(url, {"code": friend.referral_code})
    assert Referral.objects.get().newcomer == newcomer
    assert "Новенькая" in http.get(f"/c/{tenant_a.company.pk}/clients/{friend.client.pk}/").content.decode()


def test_the_cards_list_finds_a_card_by_phone_digits(tenant_a, amy):
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain)], phone="+79005554321")
    f.member(tenant_a.chain, [f.bonus(tenant_a.chain, title="B")], phone="+79005550000")
    page = client_for(amy).get(f"/c/{tenant_a.company.pk}/loyalty/cards/?q=4321").content.decode()
    assert card.number in page and page.count('data-testid="card-row"') == 1


def test_the_analytics_count_cards_bonuses_and_member_revenue(tenant_a, alice):
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain)], company=tenant_a.company)
    f.paid_visit(tenant_a.company, card.client, 1000)
    f.paid_visit(tenant_a.company, f.client(tenant_a.chain, "+79005550099"), 500)
    response = client_for(alice).get(f"/c/{tenant_a.company.pk}/loyalty/analytics/?scope=network")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cards issued" in page and "Bonuses accrued" in page and "Revenue from members" in page
    assert "1,000" in page and "500" in page


def test_the_poster_shows_a_qr_code_to_the_join_page(tenant_a, amy):
    f.bonus(tenant_a.chain, self_issue=True)
    page = client_for(amy).get(f"/c/{tenant_a.company.pk}/loyalty/poster/").content.decode()
    assert "<svg" in page and f"/join/{tenant_a.company.pk}/" in page


def test_an_admin_without_the_loyalty_right_sees_no_block_on_the_client_card(tenant_a, amy):
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain)])
    Membership.objects.filter(user=amy).update(permissions={"loyalty": 0})
    page = client_for(amy).get(f"/c/{tenant_a.company.pk}/clients/{card.client.pk}/").content.decode()
    assert 'data-testid="loyalty-block"' not in page


def test_a_reader_without_the_loyalty_right_sees_no_bonuses_on_the_client_card(tenant_a, alice):
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain)], company=tenant_a.company)
    f.paid_visit(tenant_a.company, card.client, 1000)  # 100 bonuses accrued
    path = f"/c/{tenant_a.company.pk}/clients/{card.client.pk}/"
    owner = client_for(alice).get(path)
    assert any(e.kind == "loyalty" for e in owner.context["timeline"])
    specialist = add_member(tenant_a, "spec@example.com", Role.SPECIALIST, own_records_only=False)
    page = client_for(specialist).get(path)
    assert page.status_code == 200
    assert not any(e.kind == "loyalty" for e in page.context["timeline"])
    assert not [b for b in page.context["card"].badges() if b.key.startswith("loyalty")]
    assert "client-badge-debt" not in page.content.decode()  # money is the finance section's too


def test_a_cashback_programmes_statuses_are_listed_with_their_cashback_not_0_percent(tenant_a, alice):
    from frontdesk.loyalty.models import Tier

    programme = f.bonus(tenant_a.chain, accrual_percent=Decimal("5"))
    Tier.objects.create(chain=tenant_a.chain, programme=programme, threshold=0, name="Silver")
    Tier.objects.create(chain=tenant_a.chain, programme=programme, threshold=5, name="Gold", accrual_percent=7)
    card = f.member(tenant_a.chain, [programme])
    http = client_for(alice)
    listed = http.get(f"/c/{tenant_a.company.pk}/loyalty/").content.decode()
    assert "Silver: 0 → <span" in listed and "0%" not in listed.replace("→ ", "")
    assert ">cashback 5%</span>" in listed and ">cashback 7%</span>" in listed
    # The client's card and the loyalty card page name the status's cashback too.
    for url in (
        f"/c/{tenant_a.company.pk}/clients/{card.client.pk}/",
        f"/c/{tenant_a.company.pk}/loyalty/cards/{card.pk}/",
    ):
        assert '<span data-testid="tier-benefit">cashback 5%</span>' in http.get(url).content.decode()


def test_the_programme_form_shows_and_checks_only_the_parts_of_the_chosen_type(tenant_a, alice):
    http = client_for(alice)
    url = f"/c/{tenant_a.company.pk}/loyalty/programmes/add/"

    def shown(page):
        return {
            part
            for part in ("steps", "bonuses", "promotions", "referrals")
            if f'data-testid="section-{part}">' in page  # a hidden part ends with ` hidden>`
        }

    assert shown(http.get(url).content.decode()) == set()  # no type chosen yet
    # Without the script: "Show the fields of this type" re-renders the form for the type, saving nothing.
    again = http.post(url, _programme_post(kind="every_nth", title="Пятый", show="1"))
    page = again.content.decode()
    assert again.status_code == 200 and not Programme.objects.exists()
    assert shown(page) == {"promotions", "referrals"} and 'value="Пятый"' in page and "is-invalid" not in page
    assert 'src="/static/loyalty/programme_form.js"' in page and "onchange" not in page
    # Fields of other types are neither checked nor saved: a garbage cashback and step do not
    # stop an "every 5th visit" promotion, and its bonus fields keep their defaults.
    data = _programme_post(kind="every_nth", nth="5", accrual_percent="abc", redeem_percent="500")
    data.update({"tiers-0-threshold": "x", "rates-TOTAL_FORMS": "1", "rates-0-category": "999999"})
    assert http.post(url, data).status_code == 302
    programme = Programme.objects.get()
    assert (programme.nth, programme.accrual_percent, programme.redeem_percent) == (5, 0, 0)
    assert not programme.tiers.exists()
    # The fields of the chosen type still are checked.
    refused = http.post(url, _programme_post(kind="bonus", title="Бонусы", redeem_percent="500"))
    assert refused.status_code == 400 and shown(refused.content.decode()) == {"steps", "bonuses", "referrals"}
    assert Programme.objects.count() == 1
