import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from frontdesk.booking.models import OnlineBookingSettings, PhoneCode
from frontdesk.booking.phone_codes import confirmed_phone, phone_token, request_code, verify_code
from frontdesk.core import sms
from frontdesk.core.scopes import scope
from frontdesk.loyalty.tests import factories as loyalty_factories
from frontdesk.scheduling.models import Record

PHONE = "+79123456789"


def code_of(message):
    return message.text.split()[0]


def test_a_code_confirms_the_phone_once(salon):
    with scope(salon.chain):
        request_code(salon.company, PHONE, "10.0.0.1")
        token = verify_code(salon.company, PHONE, code_of(sms.outbox[-1]))
        assert confirmed_phone(salon.chain.pk, token) == PHONE
        assert PhoneCode.objects.get().code_hash != code_of(sms.outbox[-1])
        with pytest.raises(ValidationError, match="Ask for a code first"):
            verify_code(salon.company, PHONE, code_of(sms.outbox[-1]))


def test_a_second_code_too_soon_is_refused(salon):
    with scope(salon.chain):
        request_code(salon.company, PHONE, "10.0.0.1")
        with pytest.raises(ValidationError, match="Wait") as error:
            request_code(salon.company, PHONE, "10.0.0.1")
    assert error.value.code == "cooldown" and len(sms.outbox) == 1


def _age_codes(seconds=120):
    PhoneCode.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_one_phone_gets_at_most_five_codes_an_hour(salon, settings):
    settings.BOOKING_SMS_LIMITS = {"per_phone": 3}
    with scope(salon.chain):
        for n in range(3):
            request_code(salon.company, PHONE, f"10.0.0.{n}")
            _age_codes()
        with pytest.raises(ValidationError, match="Too many codes were sent to this phone"):
            request_code(salon.company, PHONE, "10.0.0.9")
    assert len(sms.outbox) == 3


def test_one_ip_address_gets_limited_across_phones(salon, settings):
    settings.BOOKING_SMS_LIMITS = {"per_ip": 2}
    with scope(salon.chain):
        request_code(salon.company, "+79120000001", "10.0.0.1")
        request_code(salon.company, "+79120000002", "10.0.0.1")
        with pytest.raises(ValidationError, match="from your network") as error:
            request_code(salon.company, "+79120000003", "10.0.0.1")
        request_code(salon.company, "+79120000003", "10.0.0.2")
    assert error.value.code == "per_ip" and len(sms.outbox) == 3


def test_one_branch_sends_a_limited_number_of_codes(salon, settings):
    settings.BOOKING_SMS_LIMITS = {"per_branch": 2}
    with scope(salon.chain):
        request_code(salon.company, "+79120000001", "10.0.0.1")
        request_code(salon.company, "+79120000002", "10.0.0.2")
        with pytest.raises(ValidationError, match="cannot send more codes") as error:
            request_code(salon.company, "+79120000003", "10.0.0.3")
    assert error.value.code == "per_branch" and len(sms.outbox) == 2


def test_one_network_sends_a_limited_number_of_codes_from_all_its_branches(salon, tenant_a, settings):
    settings.BOOKING_SMS_LIMITS = {"per_network": 2}
    first, second = tenant_a.companies[0], tenant_a.companies[1]
    with scope(salon.chain):
        request_code(first, "+79120000001", "10.0.0.1")
        request_code(second, "+79120000002", "10.0.0.2")
        with pytest.raises(ValidationError, match="cannot send more codes") as error:
            request_code(second, "+79120000003", "10.0.0.3")
    assert error.value.code == "per_network" and len(sms.outbox) == 2


def test_one_phone_gets_a_limited_number_of_codes_from_all_networks_together(salon, tenant_a, tenant_b, settings):
    """Each network keeps its own per-phone count; one number pumped through many salons' booking
    pages is stopped by the count across them."""
    settings.BOOKING_SMS_LIMITS = {"per_phone_everywhere": 2}
    with scope(tenant_a.chain):
        request_code(tenant_a.companies[0], PHONE, "10.0.0.1")
    with scope(tenant_b.chain):
        request_code(tenant_b.company, PHONE, "10.0.0.2")
        with pytest.raises(ValidationError, match="too many codes in the last hour") as error:
            _age_codes()
            request_code(tenant_b.company, PHONE, "10.0.0.3")
    with scope(tenant_a.chain):
        request_code(tenant_a.companies[0], "+79120000009", "10.0.0.4")  # another phone is not held up
    assert error.value.code == "per_phone_everywhere" and len(sms.outbox) == 3


def test_wrong_guesses_are_capped_and_counted(salon, settings):
    settings.BOOKING_SMS_LIMITS = {"attempts": 3}
    with scope(salon.chain):
        request_code(salon.company, PHONE, "10.0.0.1")
        right = code_of(sms.outbox[-1])
        wrong = "0000" if right != "0000" else "1111"
        with pytest.raises(ValidationError, match="2 attempts left"):
            verify_code(salon.company, PHONE, wrong)
        with pytest.raises(ValidationError, match="1 attempt left"):
            verify_code(salon.company, PHONE, wrong)
        with pytest.raises(ValidationError, match="Too many wrong codes"):
            verify_code(salon.company, PHONE, wrong)
        with pytest.raises(ValidationError, match="Too many wrong codes"):
            verify_code(salon.company, PHONE, right)
        assert PhoneCode.objects.get().attempts == 3


def test_an_expired_code_is_refused(salon):
    with scope(salon.chain):
        request_code(salon.company, PHONE, "10.0.0.1")
        PhoneCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        with pytest.raises(ValidationError, match="expired"):
            verify_code(salon.company, PHONE, code_of(sms.outbox[-1]))


def test_a_forged_or_foreign_phone_token_proves_nothing(salon, tenant_b):
    assert confirmed_phone(salon.chain.pk, "forged:token") is None
    assert confirmed_phone(salon.chain.pk, phone_token(tenant_b.chain.pk, PHONE)) is None


def confirming_page(salon):
    """The booking page's details step at 10:00, with phone confirmation switched on."""
    with scope(salon.chain):
        settings = OnlineBookingSettings.for_company(salon.company)
        settings.phone_confirmation = True
        settings.save()
    return (
        reverse("booking:branch", kwargs={"branch_id": salon.company.pk})
        + f"?s={salon.haircut.pk}&m=any&d={salon.day.isoformat()}&t=10:00&lang=en"
    )


def test_with_confirmation_on_the_page_books_only_after_the_code(client, salon):
    url = confirming_page(salon)
    details = {"name": "Вера", "phone": PHONE, "consent": "on"}
    asked = client.post(url, details)
    assert "We have sent a code" in asked.text and len(sms.outbox) == 1 and not Record.objects.exists()
    wrong = client.post(url, {**details, "code": "99999"})
    assert "The code is wrong" in wrong.text and not Record.objects.exists()
    too_soon = client.post(url, details)
    assert "Wait" in too_soon.text and len(sms.outbox) == 1
    assert client.post(url, {**details, "code": code_of(sms.outbox[0])}).status_code == 302
    assert Record.objects.count() == 1


def _code_input(html):
    return re.search(r'<input[^>]*name="code"[^>]*>', html)


def test_asking_for_a_new_code_too_soon_keeps_the_field_for_the_code_received(client, salon):
    url = confirming_page(salon)
    details = {"name": "Вера", "phone": PHONE, "consent": "on"}
    client.post(url, details)
    # "Send the code again" at once: refused, but the field and the code received stay usable.
    again = client.post(url, {**details, "code": ""})
    assert "Wait" in again.text and len(sms.outbox) == 1
    assert _code_input(again.text)
    seconds = int(re.search(r"Send the code again in <span data-seconds>(\d+)</span> s", again.text).group(1))
    assert 0 < seconds <= 60
    assert client.post(url, {**details, "code": code_of(sms.outbox[0])}).status_code == 302


@pytest.mark.parametrize("page", ["booking:my_records", "loyalty:join"])
def test_my_bookings_and_the_card_page_keep_the_code_field_within_the_cool_down(client, salon, page):
    if page == "loyalty:join":
        loyalty_factories.bonus(salon.chain, self_issue=True)
    url = reverse(page, kwargs={"branch_id": salon.company.pk}) + "?lang=en"
    first = client.post(url, {"phone": PHONE, "name": "Вера"})
    assert _code_input(first.text) and 'data-testid="resend-code"' in first.text
    again = client.post(url, {"phone": PHONE, "name": "Вера", "code": ""})
    assert again.status_code == 400 and "Wait" in again.text and len(sms.outbox) == 1
    assert _code_input(again.text) and "data-seconds" in again.text
