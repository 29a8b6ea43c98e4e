import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

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


def _sign_up(client, sent_on_commit, **changes):
    with sent_on_commit():
        response = client.post("/accounts/signup/", {**SIGNUP, **changes}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/sent/"
    page = client.get("/accounts/signup/sent/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    page = re.sub(r'"X-CSRFToken": "\w+"|name="csrfmiddlewaretoken" value="\w+"', "", page)  # per session
    return page.replace(changes.get("email", SIGNUP["email"]).lower(), "EMAIL")


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/signup/finish/\S+)", message.body).group(1)


def test_sign_up_answers_the_same_whether_the_email_or_phone_has_an_account(alice, sent_on_commit):
    """Once any account exists, nobody learns from the sign-up form whether an email or a phone
    has one: the same redirect and the same page, and the real owner hears of it by email."""
    chains = Chain.objects.count()
    fresh = _sign_up(Client(), sent_on_commit)
    taken_email = _sign_up(Client(), sent_on_commit, email="Alice@Example.com")
    taken_phone = _sign_up(Client(), sent_on_commit, email="new@example.com", phone="89000000001")
    assert fresh == taken_email == taken_phone
    assert "Open the link in it to finish creating your account" in fresh
    assert Chain.objects.count() == chains, "nothing is created before the link is opened"
    to = [(message.to[0], message.subject) for message in mail.outbox]
    assert to == [
        ("vera@example.com", "Finish creating your Frontdesk account"),
        ("alice@example.com", "Someone tried to sign up with your email"),
        ("alice@example.com", "Someone tried to sign up with your phone number"),
        ("new@example.com", "Finish creating your Frontdesk account"),
    ]
    assert "/accounts/password-reset/" in mail.outbox[1].body
    assert "/accounts/signup/finish/" not in mail.outbox[1].body + mail.outbox[2].body


def test_the_emailed_link_finishes_the_sign_up_once(alice, client, sent_on_commit):
    _sign_up(client, sent_on_commit)
    link = _link(mail.outbox[-1])
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert "Студия Ноготки" in page.content.decode() and not Chain.objects.filter(name="Студия Ноготки").exists()
    response = client.post(link)
    company = Company.objects.get(name="Студия Ноготки")
    assert response["Location"] == f"/c/{company.pk}/onboarding/"
    user = User.objects.get(email="vera@example.com")
    assert user.check_password(SIGNUP["password"]) and user.email_confirmed and user.phone == "+79123456789"
    assert client.session["_auth_user_id"] == str(user.pk)
    again = Client().post(link, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and "already been used" in again.content.decode()
    assert Chain.objects.filter(name="Студия Ноготки").count() == 1


def test_a_phone_that_has_an_account_is_left_out_of_the_new_one(alice, client, sent_on_commit):
    _sign_up(client, sent_on_commit, email="new@example.com", phone="89000000001")
    client.post(_link(mail.outbox[-1]))
    user = User.objects.get(email="new@example.com")
    assert user.phone is None
    alice.refresh_from_db()
    assert alice.phone == "+79000000001"


def test_a_forged_sign_up_link_creates_nothing(alice, client):
    response = client.post("/accounts/signup/finish/forged/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert Chain.objects.count() == 1


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
