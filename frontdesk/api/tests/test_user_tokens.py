"""A user token (POST /api/v1/auth) lives a fixed time, dies with the password and with the
person's access to the network, and is listed on the person's profile with a revoke button that
works on their own tokens only."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from frontdesk.accounts.models import Membership
from frontdesk.api.models import UserToken
from frontdesk.api.tests.conftest import ApiClient, user_token
from frontdesk.testing.fixtures import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def _works(salon, token) -> int:
    return ApiClient(salon.partner, token).get(f"/api/v1/records/{salon.company.pk}").status_code


def test_a_login_through_the_api_answers_as_yclients_does_and_its_token_works(salon, alice):
    response = ApiClient(salon.partner).post("/api/v1/auth", {"login": "alice@example.com", "password": PASSWORD})
    body = response.json()
    assert response.status_code == 201 or response.status_code == 200
    assert body["success"] is True and set(body["data"]) >= {"id", "user_token", "name"}
    assert _works(salon, body["data"]["user_token"]) == 200


def test_a_token_expires_after_its_lifetime_whatever_its_use(salon, alice, settings):
    settings.API_USER_TOKEN_DAYS = 90
    token = user_token(salon, alice)
    row = UserToken.unscoped.get()
    UserToken.unscoped.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(days=89))
    assert _works(salon, token) == 200
    UserToken.unscoped.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(days=90, minutes=1))
    response = ApiClient(salon.partner, token).get(f"/api/v1/records/{salon.company.pk}")
    assert response.status_code == 401
    assert response.json()["success"] is False
    assert "expired" in response.json()["meta"]["message"]


def test_changing_the_password_in_the_profile_logs_every_integration_out(salon, alice):
    token = user_token(salon, alice)
    client = client_for(alice)
    response = client.post(
        "/accounts/profile/",
        {
            "change_password": "1",
            "pw-old_password": PASSWORD,
            "pw-new_password1": "a-new-Secret-42",
            "pw-new_password2": "a-new-Secret-42",
        },
    )
    assert response.status_code == 302
    assert _works(salon, token) == 401


def test_resetting_the_password_by_email_logs_every_integration_out(salon, alice, client):
    token = user_token(salon, alice)
    client.post("/accounts/password-reset/", {"email": "alice@example.com"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    response = client.get(link.replace("http://testserver", ""), follow=True)
    client.post(
        response.redirect_chain[-1][0], {"new_password1": "a-new-Secret-42", "new_password2": "a-new-Secret-42"}
    )
    alice.refresh_from_db()
    assert alice.check_password("a-new-Secret-42")
    assert _works(salon, token) == 401


def test_logging_in_again_and_a_silent_rehash_keep_other_tokens(salon, alice):
    token = user_token(salon, alice)
    alice.set_password(PASSWORD)
    alice._password = None  # what Django's re-hash on login does before it saves
    alice.save(update_fields=["password"])
    ApiClient(salon.partner).post("/api/v1/auth", {"login": "alice@example.com", "password": PASSWORD})
    assert _works(salon, token) == 200


def test_leaving_the_network_revokes_the_token_for_good(salon, alice, amy):
    token = user_token(salon, amy)
    membership = Membership.unscoped.get(user=amy)
    membership.is_active = False
    membership.save()
    assert _works(salon, token) == 401
    membership.is_active = True
    membership.save()
    assert _works(salon, token) == 401, "coming back does not revive an old login"
    second = user_token(salon, amy)
    membership.delete()
    assert UserToken.unscoped.filter(user=amy, revoked_at__isnull=True).count() == 0
    assert _works(salon, second) == 401


def test_the_profile_lists_own_tokens_and_revokes_them(salon, alice, amy):
    own = user_token(salon, alice)
    other = user_token(salon, amy)
    client = client_for(alice)
    page = client.get("/accounts/profile/").content.decode()
    assert "API logins" in page and "Tests" in page
    mine = UserToken.unscoped.get(user=alice)
    theirs = UserToken.unscoped.get(user=amy)
    assert f"/accounts/api-logins/{mine.pk}/revoke/" in page
    assert f"/accounts/api-logins/{theirs.pk}/revoke/" not in page
    assert client.post(f"/accounts/api-logins/{theirs.pk}/revoke/").status_code == 404
    assert _works(salon, other) == 200, "nobody revokes another person's login"
    response = client.post(f"/accounts/api-logins/{mine.pk}/revoke/", follow=True)
    assert "revoked" in response.content.decode()
    assert _works(salon, own) == 401
    assert "No integration is logged in" in client.get("/accounts/profile/").content.decode()
