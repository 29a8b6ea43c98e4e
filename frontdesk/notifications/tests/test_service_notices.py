"""A service notice to everyone booked ("we open at 12:00 tomorrow") against advertising: the
sender chooses the kind, a notice needs no marketing consent but only reaches people with a
booking in the chosen days, and the preview says who is left out and why."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from frontdesk.core.scopes import scope
from frontdesk.notifications import mailings
from frontdesk.notifications.models import (
    AudienceKind,
    ChannelSettings,
    Mailing,
    MailingKind,
    MailingStatus,
    Message,
    MessageEvent,
    MessageStatus,
)
from frontdesk.notifications.tests.conftest import at
from frontdesk.notifications.tests.test_mailings import base, new_mailing  # noqa: F401 (fixture)
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.availability import Segment as Slot
from frontdesk.scheduling.services import book_visit, cancel_record
from frontdesk.scheduling.tests.factories import add_shift
from frontdesk.testing.fixtures import client_for


def _book(salon, name, hhmm, day=None):
    with scope(salon.chain):
        return book_visit(
            company=salon.company,
            segments=[Slot(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, day or salon.day, hhmm),
            client=salon.clients[name],
        )


def _notice(salon, **fields):
    fields.setdefault("body", "{{ client_name }}, tomorrow we open at 12:00.")
    return new_mailing(
        salon, kind=MailingKind.SERVICE, audience=AudienceKind.DAY, segment=None, day=salon.day, **fields
    )


def test_a_service_notice_reaches_everyone_booked_on_the_day_without_marketing_consent(base, gateway):  # noqa: F811
    # Vera agreed to advertising, Nina did not; Pavel opted out of SMS; Oleg has no phone.
    for n, name in enumerate(("vera", "nina", "pavel", "oleg")):
        _book(base, name, f"{10 + n}:00")
    notice = _notice(base)
    advert = new_mailing(base, audience=AudienceKind.DAY, segment=None, day=base.day)
    with scope(base.chain):
        told = mailings.preview(notice)
        sold = mailings.preview(advert)
    assert told["recipients"] == 2  # Vera and Nina: the booking is theirs, consent or not
    assert told["counts"] == {"erased": 0, "channel_off": 0, "no_address": 1, "opted_out": 1, "no_consent": 0}
    assert [(name, str(why)) for _pk, name, why in told["left_out"]] == [
        ("Oleg", "no phone"),
        ("Pavel", "asked to get no messages on this channel"),
    ]
    # The same audience as advertising: Nina has not agreed to it.
    assert sold["recipients"] == 1 and sold["counts"]["no_consent"] == 1
    # Not advertising: no opt-out line to pay an SMS part for.
    assert "Opt out" not in told["example"] and "Opt out" in sold["example"]

    Message.objects.filter(mailing=None).delete()  # the bookings' own confirmations are not under test
    with scope(base.chain):
        assert mailings.queue_mailing(notice, timezone.now() - datetime.timedelta(minutes=1)) == 2
    assert deliver_due() == 2
    texts = {r.data["to"]: r.data["msg"] for r in gateway.requests}
    assert texts["79120000003"] == "Nina, tomorrow we open at 12:00."
    sent = Message.objects.filter(mailing=notice)
    # Each message is a notice about that client's own booking.
    assert {m.event for m in sent} == {MessageEvent.NOTICE}
    assert all(m.visit_id is not None and m.status == MessageStatus.SENT for m in sent)


def test_a_notice_about_a_booking_cancelled_meanwhile_is_not_sent(base, gateway):  # noqa: F811
    records = _book(base, "nina", "10:00")
    Message.objects.filter(mailing=None).delete()
    notice = _notice(base)
    with scope(base.chain):
        mailings.queue_mailing(notice, timezone.now() - datetime.timedelta(minutes=1))
        for record in records:
            cancel_record(record)
    deliver_due()
    message = Message.objects.get(mailing=notice)
    assert message.status == MessageStatus.SKIPPED and message.error == "the visit was cancelled"
    assert not any("12:00" in r.data["msg"] for r in gateway.requests)


def test_a_notice_over_several_days_still_goes_when_one_of_two_bookings_is_cancelled(base, gateway):  # noqa: F811
    later = base.day + datetime.timedelta(days=1)
    with scope(base.chain):
        add_shift(base.anna, base.company, later, "10:00", "18:00")
    first = _book(base, "nina", "10:00")
    _book(base, "nina", "10:00", day=later)
    Message.objects.filter(mailing=None).delete()
    notice = _notice(base, day_to=later)
    with scope(base.chain):
        mailings.queue_mailing(notice, timezone.now() - datetime.timedelta(minutes=1))
        for record in first:
            cancel_record(record)
    deliver_due()
    message = Message.objects.get(mailing=notice)
    assert message.status == MessageStatus.SENT, message.error


def test_a_notice_covers_a_range_of_days(base):  # noqa: F811
    later = base.day + datetime.timedelta(days=1)
    with scope(base.chain):
        add_shift(base.anna, base.company, later, "10:00", "18:00")
    _book(base, "vera", "10:00")
    _book(base, "nina", "10:00", day=later)
    with scope(base.chain):
        one_day = {pk for pk, _to in mailings.recipients(_notice(base))[0]}
        both = {pk for pk, _to in mailings.recipients(_notice(base, day_to=later))[0]}
    assert one_day == {base.clients["vera"].pk}
    assert both == {base.clients["vera"].pk, base.clients["nina"].pk}


def test_a_service_notice_cannot_go_to_a_segment_or_the_client_list(base, alice):  # noqa: F811
    browser = client_for(alice)
    url = f"/c/{base.company.pk}/messages/mailings/new/"
    refused = browser.post(
        url,
        {
            "name": "Sale",
            "kind": "service",
            "channel": "sms",
            "body": "-20%!",
            "audience": "segment",
            "segment": base.everyone.pk,
        },
    )
    assert refused.status_code == 400 and not Mailing.objects.exists()
    assert "A service notice goes only to clients booked on the chosen days or in a class" in refused.text
    # A row that got past the form (an old draft, a script) is refused when sent, and stays a draft.
    sneaked = new_mailing(base, kind=MailingKind.SERVICE)
    page = browser.get(f"/c/{base.company.pk}/messages/mailings/{sneaked.pk}/")
    assert 'data-testid="mailing-invalid"' in page.text and 'data-testid="mailing-send-now"' not in page.text
    sent = browser.post(f"/c/{base.company.pk}/messages/mailings/{sneaked.pk}/send/", {"when": "now"}, follow=True)
    assert "A service notice goes only to clients booked" in sent.text
    sneaked.refresh_from_db()
    assert sneaked.status == MailingStatus.DRAFT and not Message.objects.exists()


def test_the_sender_must_choose_the_kind_and_sees_what_each_means(base, alice):  # noqa: F811
    browser = client_for(alice)
    url = f"/c/{base.company.pk}/messages/mailings/new/"
    form = browser.get(f"{url}?audience=day&day={base.day.isoformat()}")
    assert "Something the client needs to know about their own booking" in form.text
    assert "Only clients who agreed to advertising on the channel get it" in form.text
    assert not re.search(r'name="kind"[^>]*checked', form.text)  # nothing is pre-chosen
    missing = browser.post(
        url, {"name": "Tomorrow", "channel": "sms", "body": "hi", "audience": "day", "day": base.day.isoformat()}
    )
    assert missing.status_code == 400
    assert "Choose whether it is a service notice or advertising." in missing.text
    saved = browser.post(
        url,
        {
            "name": "Tomorrow",
            "kind": "service",
            "channel": "sms",
            "body": "hi",
            "audience": "day",
            "day": base.day.isoformat(),
        },
    )
    assert saved.status_code == 302 and Mailing.objects.get().kind == MailingKind.SERVICE


def test_a_channel_the_branch_does_not_send_on_leaves_everyone_out_with_that_reason(base, alice):  # noqa: F811
    ChannelSettings.objects.filter(company=None).update(email_enabled=False)
    _book(base, "vera", "10:00")
    notice = _notice(base, channel="email", subject="Tomorrow")
    page = client_for(alice).get(f"/c/{base.company.pk}/messages/mailings/{notice.pk}/")
    assert 'data-testid="preview-recipients">0<' in page.text
    assert "the branch does not send on this channel: 1" in page.text
    assert f'href="/c/{base.company.pk}/clients/{base.clients["vera"].pk}/">Vera</a>' in page.text


def test_reminders_and_booking_messages_go_without_marketing_consent(base, gateway):  # noqa: F811
    # Nina never agreed to advertising: her booking's confirmation and reminder still go out.
    _book(base, "nina", "10:00")
    events = set(Message.objects.filter(client=base.clients["nina"]).values_list("event", flat=True))
    assert {MessageEvent.BOOKED, MessageEvent.REMINDER} <= events
    deliver_due()
    confirmation = Message.objects.get(client=base.clients["nina"], event=MessageEvent.BOOKED)
    assert confirmation.status == MessageStatus.SENT
