import re

from django.core import mail

from frontdesk.accounts.models import Invitation, Membership, User
from frontdesk.core import sms
from frontdesk.testing.fixtures import client_for


def _invite(client, company, **data):
    payload = {
        "name": "",
        "email": "",
        "phone": "",
        "role": "administrator",
        "all_companies": "",
        "companies": [company.pk],
        **data,
    }
    return client.post(f"/c/{company.pk}/settings/users/invite/", payload)


def test_owner_invites_by_email_and_the_colleague_joins_with_the_right_role(tenant_a, alice, client, sent_on_commit):
    with sent_on_commit():
        response = _invite(client_for(alice), tenant_a.company, name="Ирина", email="irina@example.com")
    assert response.status_code == 302
    link = re.search(r"http://testserver(/accounts/invitation/\S+)", mail.outbox[-1].body).group(1)
    response = client.post(
        link, {"name": "Ирина Орлова", "email": "irina@example.com", "phone": "", "password": "front-desk-2026"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="irina@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.role == "administrator" and list(membership.companies.all()) == [tenant_a.company]
    assert user.email_confirmed  # the link came through that mailbox
    assert client.get(f"/c/{tenant_a.company.pk}/").status_code == 200
    assert client.get(f"/c/{tenant_a.companies[1].pk}/").status_code == 404
    # The link works once.
    assert client.get(link).status_code == 410


def test_owner_invites_by_phone_and_the_link_goes_by_sms(tenant_a, alice, sent_on_commit):
    sms.outbox.clear()
    with sent_on_commit():
        response = _invite(client_for(alice), tenant_a.company, phone="8 912 000-11-22", role="specialist")
    assert response.status_code == 302
    assert sms.outbox[-1].phone == "+79120001122"
    assert "/accounts/invitation/" in sms.outbox[-1].text
    assert Invitation.objects.get().phone == "+79120001122"


def test_an_invitation_needs_an_address_and_a_branch(tenant_a, alice):
    response = _invite(client_for(alice), tenant_a.company, companies=[])
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_an_existing_user_accepts_while_logged_in(tenant_a, tenant_b, alice, bob, sent_on_commit):
    with sent_on_commit():
        _invite(client_for(alice), tenant_a.company, email="bob@example.com", role="manager", all_companies="on")
    link = re.search(r"http://testserver(/accounts/invitation/\S+)", mail.outbox[-1].body).group(1)
    client = client_for(bob)
    assert "Accept the invitation" in client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(link)
    assert Membership.objects.filter(user=bob).count() == 2
    assert client.get(f"/c/{tenant_a.companies[1].pk}/").status_code == 200
    assert client.get(f"/c/{tenant_b.company.pk}/").status_code == 200
