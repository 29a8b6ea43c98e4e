import pytest
from django.core import mail
from django.test import Client

from frontdesk.accounts.models import User
from frontdesk.testing.fixtures import PASSWORD


@pytest.mark.parametrize("login", ["alice@example.com", "ALICE@example.com", "+79000000001", "8 (900) 000-00-01"])
def test_alice_logs_in_with_email_or_phone_in_any_writing(alice, client, login):
    response = client.post("/accounts/login/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # on to her branch
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_wrong_password_gets_a_clear_message(alice, client):
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_five_failures_even_with_the_right_password(alice):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice@example.com", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_writing_the_phone_differently_does_not_dodge_the_lock(alice):
    client = Client()
    for login in ["+79000000001", "89000000001", "8 900 000 00 01", "+7 (900) 000-00-01", "9000000001"]:
        client.post("/accounts/login/", {"username": login, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "+79000000001", "password": PASSWORD})
    assert response.status_code == 429


def test_logout_needs_a_post_and_ends_the_session(alice, client):
    client.post("/accounts/login/", {"username": "alice@example.com", "password": PASSWORD})
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(alice, client):
    response = client.post("/accounts/password-reset/", {"email": "Alice@Example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.replace("http://testserver", "")
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "a-new-Secret-42", "new_password2": "a-new-Secret-42"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-new-Secret-42")


def test_password_reset_answers_the_same_for_an_unknown_email_and_tells_its_owner(alice, client):
    known = client.post("/accounts/password-reset/", {"email": "alice@example.com"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    # One letter each: the same work whatever exists; the unknown address learns it has no account.
    assert [message.to for message in mail.outbox] == [["alice@example.com"], ["nobody@example.com"]]
    assert "/password-reset/" not in mail.outbox[1].body.replace("/password-reset/done", "")
    assert "/accounts/signup/" in mail.outbox[1].body


def test_profile_change_of_email_asks_to_confirm_it_again(alice, client, sent_on_commit):
    client.force_login(alice)
    with sent_on_commit():
        response = client.post(
            "/accounts/profile/",
            {
                "p-name": "Alice Liddell",
                "p-email": "new@example.com",
                "p-phone": "+79000000001",
                "p-language": "en",
                "save_profile": "1",
            },
        )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "new@example.com" and alice.email_confirmed_at is None
    assert mail.outbox[-1].to == ["new@example.com"]


def test_profile_refuses_an_email_of_another_account(alice, bob, client):
    client.force_login(alice)
    response = client.post(
        "/accounts/profile/",
        {
            "p-name": "Alice",
            "p-email": "bob@example.com",
            "p-phone": "",
            "p-language": "en",
            "save_profile": "1",
        },
    )
    assert response.status_code == 200
    assert "Another account uses this email" in response.content.decode()
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_the_language_switch_is_remembered_in_the_profile(tenant_a, alice):
    from frontdesk.testing.fixtures import client_for

    client = client_for(alice)
    client.post("/i18n/setlang/", {"language": "ru", "next": f"/c/{tenant_a.company.pk}/"})
    alice.refresh_from_db()
    assert alice.language == "ru"
    assert "Обзор" in client.get(f"/c/{tenant_a.company.pk}/").content.decode()
