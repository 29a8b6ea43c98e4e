import re
import threading

import pytest
from django.core import mail
from django.db import connection

from frontdesk.accounts.models import Membership, User
from frontdesk.core.scopes import scopes_disabled
from frontdesk.tenancy.models import Chain, Company
from frontdesk.tenancy.services import sign_up

SIGNUP = {
    "company_name": "Студия Ноготки",
    "name": "Вера Павлова",
    "phone": "+7 (912) 345-67-89",
    "email": "Vera@Example.com",
    "password": "nail-polish-2026",
}


def test_sign_up_creates_the_owner_network_and_first_branch_and_starts_onboarding(db, client, sent_on_commit):
    with sent_on_commit():
        response = client.post("/accounts/signup/", SIGNUP)
    company = Company.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/{company.pk}/onboarding/"
    user = User.objects.get()
    assert user.email == "vera@example.com" and user.phone == "+79123456789"
    assert company.chain.name == "Студия Ноготки" and not company.onboarded
    assert Membership.objects.get().role == "owner"
    assert len(mail.outbox) == 1 and "/accounts/confirm-email/" in mail.outbox[0].body


def test_the_confirmation_link_confirms_the_email_and_the_reminder_goes(db, client, sent_on_commit):
    with sent_on_commit():
        client.post("/accounts/signup/", SIGNUP)
    company = Company.objects.get()
    assert "confirm-email-reminder" in client.get(f"/c/{company.pk}/").content.decode()
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    client.get(link)
    assert User.objects.get().email_confirmed
    assert "confirm-email-reminder" not in client.get(f"/c/{company.pk}/").content.decode()


def test_a_forged_confirmation_link_is_refused(db, client):
    response = client.get("/accounts/confirm-email/not-a-token/")
    assert response.status_code == 400


@pytest.mark.parametrize("field,value", [("email", "alice@example.com"), ("phone", "89000000001")])
def test_duplicate_sign_up_is_refused_clearly_and_saves_nothing(alice, client, field, value):
    chains = Chain.objects.count()
    response = client.post("/accounts/signup/", {**SIGNUP, field: value})
    assert response.status_code == 200
    assert "уже существует" in response.content.decode()
    assert Chain.objects.count() == chains


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("phone", "12", "is not a valid phone number"),
        ("email", "not-an-email", "valid email"),
        ("password", "12345678", "entirely numeric"),
        ("company_name", "", "required"),
    ],
)
def test_bad_sign_up_input_gets_a_message_and_changes_nothing(db, client, field, value, message):
    response = client.post("/accounts/signup/", {**SIGNUP, field: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists() and not Chain.objects.exists()


def test_messages_come_in_russian_by_default(db, client):
    response = client.post("/accounts/signup/", {**SIGNUP, "company_name": ""})
    assert "Обязательное поле" in response.content.decode()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sign_ups_with_one_email_make_one_account():
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(n):
        try:
            barrier.wait()
            sign_up(
                company_name=f"Salon {n}",
                name="Vera",
                phone=f"+7912345678{n}",
                email="race@example.com",
                password="nail-polish-2026",
            )
            outcomes.append("ok")
        except Exception as exc:  # the loser hits the unique constraint
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with scopes_disabled():
        assert outcomes.count("ok") == 1
        assert User.objects.filter(email="race@example.com").count() == 1
        assert Chain.objects.count() == 1 and Company.objects.count() == 1
