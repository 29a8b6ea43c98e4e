"""The client's side: joining by the QR code on the counter, coming by a friend's referral link,
and the bonuses on the «my bookings» page."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client as Browser
from django.utils import timezone, translation

from frontdesk.booking.phone_codes import phone_token
from frontdesk.booking.services import Origin, book_online
from frontdesk.core import sms
from frontdesk.loyalty import ledger
from frontdesk.loyalty.models import Card, Referral, Tier
from frontdesk.loyalty.tests import factories as f
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist

pytestmark = pytest.mark.django_db
PHONE = "+79005551234"


@pytest.fixture(autouse=True)
def clean():
    sms.outbox.clear()
    cache.clear()
    with translation.override("en"):
        yield
    sms.outbox.clear()


def _code():
    return sms.outbox[-1].text.split()[0]


def test_the_join_page_opens_only_where_a_programme_takes_clients_by_qr(tenant_a, tenant_b):
    browser = Browser()
    assert browser.get(f"/join/{tenant_a.company.pk}/").status_code == 404
    f.bonus(tenant_a.chain, self_issue=True)
    assert browser.get(f"/join/{tenant_a.company.pk}/").status_code == 200
    assert browser.get(f"/join/{tenant_b.company.pk}/").status_code == 404
    assert browser.get("/join/999999/").status_code == 404


def test_a_client_confirms_the_phone_and_gets_a_card_with_the_welcome_bonus(tenant_a):
    f.bonus(tenant_a.chain, self_issue=True, welcome_bonus=Decimal("200"))
    browser = Browser()
    url = f"/join/{tenant_a.company.pk}/?lang=en"
    page = browser.post(url, {"phone": "8 900 555-12-34", "name": "Лена"}).content.decode()
    assert "We have sent a code" in page and len(sms.outbox) == 1
    wrong = browser.post(url, {"phone": PHONE, "code": "0000" if _code() != "0000" else "1111"})
    assert wrong.status_code == 400 and not Card.objects.exists()
    page = browser.post(url, {"phone": PHONE, "code": _code(), "name": "Лена"}).content.decode()
    card = Card.objects.get(client__phone=PHONE)
    assert card.number in page and card.issued_via == "qr" and ledger.balance(card) == Decimal("200.00")
    assert card.client.name == "Лена"
    # Coming back with the confirmed phone shows the same card, no second welcome bonus.
    again = browser.post(url, {"phone_token": phone_token(tenant_a.chain.pk, PHONE)}).content.decode()
    assert card.number in again and Card.objects.count() == 1 and ledger.balance(card) == Decimal("200.00")


def test_a_friend_who_joins_with_a_referral_code_is_linked_to_the_one_who_recommended(tenant_a):
    programme = f.bonus(tenant_a.chain, self_issue=True, referrer_bonus=Decimal("300"))
    friend = f.member(tenant_a.chain, [programme], phone="+79005550077")
    browser = Browser()
    url = f"/join/{tenant_a.company.pk}/?ref={friend.referral_code}"
    assert friend.referral_code in browser.get(url).content.decode()
    browser.post(url, {"phone": PHONE, "ref": friend.referral_code})
    browser.post(url, {"phone": PHONE, "code": _code(), "ref": friend.referral_code})
    referral = Referral.objects.get()
    assert referral.referrer_card == friend and referral.newcomer.phone == PHONE


def test_a_booking_with_a_referral_code_links_the_newcomer_and_a_page_address_does_not(tenant_a):
    company = tenant_a.company
    friend = f.member(tenant_a.chain, [f.bonus(tenant_a.chain)], phone="+79005550078")
    day = timezone.localdate() + datetime.timedelta(days=3)
    service = make_service(company, "Маникюр", duration=60, price=1200)
    anna = make_specialist(company, "Анна", [service])
    add_shift(anna, company, day, "10:00", "14:00")
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=company.tz)
    book_online(
        company=company,
        segments=[Segment(service.pk, anna.pk)],
        start=start,
        name="Гость",
        phone="+79005550079",
        origin=Origin(referrer="https://salon.example/prices"),
    )
    assert not Referral.objects.exists()
    book_online(
        company=company,
        segments=[Segment(service.pk, anna.pk)],
        start=start + datetime.timedelta(hours=2),
        name="Новенькая",
        phone=PHONE,
        origin=Origin(referrer=friend.referral_code),
    )
    referral = Referral.objects.get()
    assert referral.referrer_card == friend and referral.newcomer.phone == PHONE
    assert referral.newcomer.referrer == friend.client


def test_my_bookings_shows_the_bonus_balance_and_discount(tenant_a):
    from frontdesk.booking.models import OnlineBookingSettings

    company = tenant_a.company
    OnlineBookingSettings.for_company(company)
    cashback = f.bonus(tenant_a.chain, welcome_bonus=Decimal("150"))
    Tier.objects.create(chain=tenant_a.chain, programme=cashback, threshold=0, name="Gold", accrual_percent=12)
    card = f.member(tenant_a.chain, [cashback], phone=PHONE)
    club = f.cumulative(tenant_a.chain, steps=((0, 7),))
    from frontdesk.loyalty.services import issue_card

    issue_card(card.client, programmes=[club])
    page = Browser().get(f"/book/{company.pk}/my/?lang=en&pt={phone_token(tenant_a.chain.pk, PHONE)}").content.decode()
    assert 'data-testid="my-bonuses">150' in page and 'data-testid="my-discount">7%' in page
    # A status of a cashback programme says its cashback, not a discount it does not give.
    assert '<span data-testid="my-status">Gold: cashback 12%</span>' in page
