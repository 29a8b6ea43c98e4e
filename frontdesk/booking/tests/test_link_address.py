"""Links in a booking's messages work on the address the booking was made on, not on a fixed
one: the outbox row remembers the request's address and the worker builds the link on it
(core/siteurl.py)."""

import re

from frontdesk.booking.models import BookingLink
from frontdesk.booking.tests.test_pages import DETAILS, page_url
from frontdesk.core import sms
from frontdesk.notifications.worker import deliver_due


def book_on(client, salon, host):
    url = page_url(salon, s=salon.haircut.pk, m=salon.boris.pk, d=salon.day.isoformat(), t="11:00", lang="en")
    response = client.post(url, DETAILS, HTTP_HOST=host)
    assert response.status_code == 302
    return BookingLink.objects.get()


def test_a_booking_made_on_another_host_and_port_is_confirmed_with_a_link_there(client, salon, settings):
    settings.ALLOWED_HOSTS = ["testserver", "salon.example"]
    link = book_on(client, salon, "salon.example:8443")
    deliver_due()  # the task worker: no request of its own
    [text] = [m.text for m in sms.outbox]
    address = re.search(r"http://\S+/my/\S+/", text).group(0)
    assert address == f"http://salon.example:8443/my/{link.token}/"
    assert (
        client.get(address.removeprefix("http://salon.example:8443"), HTTP_HOST="salon.example:8443").status_code == 200
    )


def test_a_host_let_in_only_by_a_wildcard_never_reaches_a_message(client, salon, settings):
    # Under ALLOWED_HOSTS=* anyone may send any Host header; a link built on it would send the
    # client to the forger's site. The configured address is used instead.
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://crm.salon.example"
    link = book_on(client, salon, "evil.example")
    deliver_due()
    [text] = [m.text for m in sms.outbox]
    assert f"https://crm.salon.example/my/{link.token}/" in text and "evil.example" not in text
