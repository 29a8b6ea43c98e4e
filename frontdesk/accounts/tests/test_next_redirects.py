"""The `next` a request brings is followed only when it is a path on this site; anything else goes
to the page's own default (no open redirect, issue 22 B6)."""

import pytest
from django.urls import reverse

from frontdesk.testing.fixtures import PASSWORD

EVIL = ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("next_url", EVIL)
def test_resend_confirmation_refuses_a_next_off_the_site(alice, client, next_url):
    alice.email_confirmed_at = None
    alice.save(update_fields=["email_confirmed_at"])
    client.force_login(alice)
    response = client.post(reverse("accounts:resend_confirmation"), {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("tenancy:home")


def test_resend_confirmation_goes_back_to_a_page_of_the_site(alice, client):
    client.force_login(alice)
    response = client.post(reverse("accounts:resend_confirmation"), {"next": "/accounts/profile/?tab=1"})
    assert response["Location"] == "/accounts/profile/?tab=1"


@pytest.mark.parametrize("next_url", EVIL)
def test_login_refuses_a_next_off_the_site(alice, client, next_url):
    response = client.post(
        reverse("accounts:login") + "?next=" + next_url, {"username": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("tenancy:home")
