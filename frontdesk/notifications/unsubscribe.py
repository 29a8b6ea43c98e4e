"""The unsubscribe link of marketing email: a signed token (django.core.signing) naming the
client and the network, to a public page that withdraws the client's consent to email marketing
after a click on its button (a POST: mail scanners that open links unsubscribe nobody).

Only marketing stops (mailings, birthday, win-back): confirmations and reminders of bookings are
service messages and keep coming. The token never expires: an old letter's link still works."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.urls import reverse

from frontdesk.clients.models import Client
from frontdesk.core.audit import log_action
from frontdesk.core.siteurl import absolute_url

SALT = "frontdesk.notifications.unsubscribe"


def unsubscribe_token(client) -> str:
    return signing.dumps([client.pk, client.chain_id], salt=SALT, compress=True)


def unsubscribe_url(client) -> str:
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(client)}))


def client_for_token(token: str):
    """The client the token names, or None for a forged, damaged or stale token."""
    try:
        client_id, chain_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Client.unscoped.filter(pk=client_id, chain_id=chain_id, erased_at__isnull=True).first()


def withdraw_email_consent(client) -> bool:
    """The client no longer gets marketing email; True if it changed anything. Written to the
    client's event log like a change made on the card."""
    with transaction.atomic():
        changed = Client.unscoped.filter(pk=client.pk, email_consent=True).update(email_consent=False)
        if changed:
            client.email_consent = False
            log_action(client, code="client.unsubscribed", changes={"email_consent": [True, False]})
    return bool(changed)
