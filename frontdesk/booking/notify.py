"""The short SMS a client gets after booking online, with the link to manage the booking."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from frontdesk.core.sms import send_sms


def send_confirmation(link, request) -> None:
    visit = link.visit
    client = visit.client
    if client is None or not client.phone:
        return
    first = visit.records.order_by("start").first()
    if first is None:
        return
    when = formats.date_format(first.start.astimezone(visit.company.tz), "d.m H:i")
    url = request.build_absolute_uri(reverse("booking:my", kwargs={"token": link.token}))
    send_sms(
        client.phone,
        _("%(branch)s: you are booked for %(when)s. Manage: %(url)s")
        % {"branch": visit.company.name, "when": when, "url": url},
    )
