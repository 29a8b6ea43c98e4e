"""Mass mailings: who is in the audience and who is left out, what it costs, queueing once and at
the branch's speed, sending through the real worker (loopback SMTP and SMS gateway), the
unsubscribe link, scheduling and cancelling."""

import datetime
import re
import time
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.clients.models import Client, Segment
from frontdesk.core.scopes import scope
from frontdesk.notifications import mailings
from frontdesk.notifications.models import (
    AudienceKind,
    ChannelKind,
    ChannelSettings,
    Mailing,
    MailingStatus,
    Message,
    MessageEvent,
    MessageStatus,
    OptOut,
)
from frontdesk.notifications.services import set_receiving
from frontdesk.notifications.tests.conftest import at
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.availability import Segment as Slot
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import make_group_event
from frontdesk.testing.fixtures import client_for


# ---------------------------------------------------------------- SMS parts
def test_sms_parts_count_cyrillic_by_70_and_67_and_latin_by_160_and_153():
    assert mailings.sms_parts("") == 0
    assert mailings.sms_parts("a" * 160) == 1
    assert mailings.sms_parts("a" * 161) == 2
    assert mailings.sms_parts("a" * 306) == 2 and mailings.sms_parts("a" * 307) == 3
    assert mailings.sms_parts("я" * 70) == 1
    assert mailings.sms_parts("я" * 71) == 2
    assert mailings.sms_parts("я" * 134) == 2 and mailings.sms_parts("я" * 135) == 3
    # One Cyrillic letter turns the whole text into UCS-2.
    assert mailings.sms_parts("a" * 69 + "я") == 1 and mailings.sms_parts("a" * 70 + "я") == 2
    # GSM extension characters take two places.
    assert mailings.sms_parts("€" * 80) == 1 and mailings.sms_parts("€" * 81) == 2


@given(st.text(max_size=800))
def test_sms_parts_never_undercount(text):
    parts = mailings.sms_parts(text)
    if not text:
        assert parts == 0
        return
    gsm = all(ch in mailings.GSM_BASIC or ch in mailings.GSM_EXTENDED for ch in text)
    units = sum(2 if ch in mailings.GSM_EXTENDED else 1 for ch in text) if gsm else len(text.encode("utf-16-le")) // 2
    single, part = (160, 153) if gsm else (70, 67)
    assert parts >= 1
    # Enough room for the text, and not one part more than needed.
    assert (single if parts == 1 else parts * part) >= units
    assert parts == 1 or (parts - 1) * part < units


# ---------------------------------------------------------------- audience and preview
@pytest.fixture
def base(salon):
    """Five clients: two who may get SMS marketing, one without consent, one without a phone,
    one who opted out of SMS, one erased — and a segment "consent: SMS" of the client list plus
    the email agreers."""
    chain = salon.chain
    ChannelSettings.objects.create(
        chain=chain,
        company=None,
        language="en",
        sms_provider="smsru",
        sms_secret="good-key",
        email_enabled=True,
        sms_price=Decimal("2.50"),
        mailing_rate=600,
        quiet_from=None,
        quiet_to=None,
    )
    clients = {
        "vera": Client.objects.create(
            chain=chain,
            name="Vera",
            phone="+79120000001",
            sms_consent=True,
            email="vera@example.com",
            email_consent=True,
        ),
        "gleb": Client.objects.create(chain=chain, name="Gleb", phone="+79120000002", sms_consent=True),
        "nina": Client.objects.create(chain=chain, name="Nina", phone="+79120000003", sms_consent=False),
        "oleg": Client.objects.create(chain=chain, name="Oleg", phone="", sms_consent=True),
        "pavel": Client.objects.create(chain=chain, name="Pavel", phone="+79120000005", sms_consent=True),
        "rita": Client.objects.create(chain=chain, name="Rita", phone="+79120000006", sms_consent=True),
    }
    with scope(chain):
        set_receiving(clients["pavel"], ChannelKind.SMS, False)
    Client.objects.filter(pk=clients["rita"].pk).update(erased_at=timezone.now(), phone="")
    everyone = Segment.objects.create(chain=chain, name="Everyone", params={"sort": "name"})
    sms_ok = Segment.objects.create(chain=chain, name="SMS consent", params={"consent": "sms"})
    salon.clients, salon.everyone, salon.sms_ok = clients, everyone, sms_ok
    return salon


def new_mailing(salon, **fields):
    fields.setdefault("name", "Spring offer")
    fields.setdefault("body", "{{ client_name }}, -20% at {{ branch }} this week! Book: {{ link }}")
    fields.setdefault("segment", salon.everyone)
    return Mailing.objects.create(chain=salon.chain, company=salon.company, **fields)


def test_the_preview_counts_recipients_leaves_out_the_rest_and_estimates_the_cost(base):
    mailing = new_mailing(base)
    with scope(base.chain):
        preview = mailings.preview(mailing)
    # Vera and Gleb; Nina has no consent, Pavel opted out, Oleg has no phone, Rita was erased.
    assert preview["recipients"] == 2
    assert preview["counts"] == {"erased": 1, "channel_off": 0, "no_address": 1, "opted_out": 1, "no_consent": 1}
    assert [name for _pk, name, _why in preview["left_out"]] == ["Nina", "Oleg", "Pavel", "Rita"]
    text = preview["example"]
    assert text.startswith("Maria, -20% at Лаванда Арбат this week!") and "Opt out" in text
    # The branch's name is Cyrillic: UCS-2, and the opt-out line makes it longer than 70.
    assert preview["parts"] == 2 and preview["cost"] == Decimal("10.00")  # 2 parts × 2 clients × 2.50
    assert preview["cost_text"] == "10.00\u00a0₽"  # the network's currency


def test_the_link_of_a_mailing_is_the_branch_booking_page(base, settings):
    # Booking provides the value (templating.register_branch_variable); notifications knows no URL of it.
    settings.SITE_URL = "https://salon.example/"
    with scope(base.chain):
        text = mailings.mailing_text(new_mailing(base), "Vera")
    assert f"Book: https://salon.example/book/{base.company.pk}/" in text


def test_a_segment_mailing_uses_the_client_lists_own_filters(base):
    mailing = new_mailing(base, segment=base.sms_ok)
    with scope(base.chain):
        rows, left = mailings.recipients(mailing)
    # The segment already keeps only SMS agreers: Nina is not in it at all.
    assert {client_id for client_id, _to in rows} == {base.clients["vera"].pk, base.clients["gleb"].pk}
    assert left == {"erased": 1, "channel_off": 0, "no_address": 1, "opted_out": 1, "no_consent": 0}


def test_everyone_booked_on_a_day_with_a_specialist_or_in_a_class(base):
    vera, gleb = base.clients["vera"], base.clients["gleb"]
    with scope(base.chain):
        book_visit(
            company=base.company,
            segments=[Slot(base.haircut.pk, base.anna.pk)],
            start=at(base.company, base.day, "10:00"),
            client=vera,
        )
        event = make_group_event(base.company)
        from frontdesk.scheduling.classes import add_participant

        add_participant(event, gleb)
        day = new_mailing(base, audience=AudienceKind.DAY, segment=None, day=base.day)
        with_anna = new_mailing(
            base, audience=AudienceKind.SPECIALIST_DAY, segment=None, day=base.day, specialist=base.anna
        )
        other_day = new_mailing(base, audience=AudienceKind.DAY, segment=None, day=base.day + datetime.timedelta(1))
        in_class = new_mailing(base, audience=AudienceKind.CLASS, segment=None, group_event=event)
        assert [c for c, _ in mailings.recipients(day)[0]] == [vera.pk]
        assert [c for c, _ in mailings.recipients(with_anna)[0]] == [vera.pk]
        assert mailings.recipients(other_day)[0] == []
        assert [c for c, _ in mailings.recipients(in_class)[0]] == [gleb.pk]


# ---------------------------------------------------------------- queueing and sending
def test_queueing_writes_one_keyed_message_per_recipient_spaced_at_the_branch_speed(base):
    mailing = new_mailing(base)
    now = timezone.now()
    with scope(base.chain):
        assert mailings.queue_mailing(mailing, now) == 2
        assert mailings.queue_mailing(mailing, now) == 0  # a second click writes nothing
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENDING and (mailing.recipients, mailing.excluded) == (2, 4)
    rows = list(Message.objects.filter(mailing=mailing).order_by("due_at"))
    assert sorted(m.idempotency_key for m in rows) == sorted(
        f"mailing:{mailing.pk}:{base.clients[n].pk}:sms" for n in ("vera", "gleb")
    )
    # 600 a minute: one every 0.1 s.
    assert rows[1].due_at - rows[0].due_at == datetime.timedelta(seconds=0.1)
    # A second mailing of the branch waits behind the first one.
    second = new_mailing(base, name="Second")
    with scope(base.chain):
        mailings.queue_mailing(second, now)
    first_of_second = Message.objects.filter(mailing=second).order_by("due_at").first()
    assert first_of_second.due_at > rows[-1].due_at


@pytest.mark.django_db(transaction=True)
def test_two_clicks_racing_queue_the_mailing_once(base):
    from frontdesk.testing.concurrency import race

    mailing = new_mailing(base)

    def click(_i):
        with scope(base.chain):
            return mailings.queue_mailing(Mailing.objects.get(pk=mailing.pk))

    outcomes = race(2, click, refusals=())
    assert sorted(value for kind, value in outcomes if kind == "ok") == [0, 2], outcomes
    assert Message.objects.filter(mailing=mailing).count() == 2


def test_an_sms_mailing_goes_out_through_the_gateway_with_the_opt_out_hint(base, gateway):
    mailing = new_mailing(base)
    with scope(base.chain):
        mailings.queue_mailing(mailing, timezone.now() - datetime.timedelta(minutes=1))
    assert deliver_due() == 2
    texts = {r.data["to"]: r.data["msg"] for r in gateway.requests}
    assert texts["79120000001"].startswith("Vera, -20% at Лаванда Арбат this week!")
    assert "Opt out" in texts["79120000001"]
    assert sorted(gateway.keys()) == sorted(
        Message.objects.filter(mailing=mailing).values_list("idempotency_key", flat=True)
    )
    with scope(base.chain):
        progress = mailings.progress(mailing)
    mailing.refresh_from_db()
    assert progress["counts"][MessageStatus.SENT] == 2 and progress["percent"] == 100
    assert mailing.status == MailingStatus.DONE and progress["cost"] == Decimal("4.90")  # the gateway's 2.45 each


def test_consent_withdrawn_after_queueing_stops_that_clients_message(base, gateway):
    mailing = new_mailing(base)
    with scope(base.chain):
        mailings.queue_mailing(mailing, timezone.now() - datetime.timedelta(minutes=1))
    Client.objects.filter(pk=base.clients["gleb"].pk).update(sms_consent=False)
    deliver_due()
    assert [r.data["to"] for r in gateway.requests] == ["79120000001"]
    skipped = Message.objects.get(mailing=mailing, client=base.clients["gleb"])
    assert skipped.status == MessageStatus.SKIPPED and "consent" in skipped.error


def test_an_email_mailing_carries_an_unsubscribe_link_that_withdraws_consent(base, smtp_server):
    mailing = new_mailing(base, channel=ChannelKind.EMAIL, subject="News from {{ branch }}")
    with scope(base.chain):
        mailings.queue_mailing(mailing, timezone.now() - datetime.timedelta(minutes=1))
    assert deliver_due() == 1
    [letter] = smtp_server.letters
    assert letter["To"] == "vera@example.com" and letter["Subject"] == "News from Лаванда Арбат"
    link = re.search(r"http://testserver(/u/[^\s]+/)", letter.get_content()).group(1)

    from django.test import Client as Browser

    anonymous = Browser(HTTP_ACCEPT_LANGUAGE="en")
    page = anonymous.get(link)
    assert page.status_code == 200 and "Unsubscribe" in page.text
    vera = base.clients["vera"]
    vera.refresh_from_db()
    assert vera.email_consent  # opening the link (a mail scanner) changes nothing
    assert anonymous.post(link).status_code == 200
    vera.refresh_from_db()
    assert not vera.email_consent and vera.sms_consent  # only email marketing stops
    from frontdesk.core.models import Event

    assert Event.objects.filter(code="client.unsubscribed", object_id=str(vera.pk)).exists()
    # A forged link finds nobody.
    assert anonymous.get(link[:-3] + "xx/").status_code == 404


def test_marketing_opt_out_does_not_stop_booking_messages(base, smtp_server):
    vera = base.clients["vera"]
    Client.objects.filter(pk=vera.pk).update(email_consent=False)
    ChannelSettings.objects.filter(company=None).update(sms_enabled=False)
    with scope(base.chain):
        book_visit(
            company=base.company,
            segments=[Slot(base.haircut.pk, base.anna.pk)],
            start=at(base.company, base.day, "10:00"),
            client=vera,
        )
    deliver_due()
    confirmation = Message.objects.get(event=MessageEvent.BOOKED)
    assert confirmation.status == MessageStatus.SENT and confirmation.recipient == "vera@example.com"
    assert "Unsubscribe" not in smtp_server.letters[0].get_content()  # a service message


def test_a_scheduled_mailing_is_queued_when_its_time_comes_and_a_cancelled_one_never(base, gateway):
    later = new_mailing(base, name="Later")
    dropped = new_mailing(base, name="Dropped")
    with scope(base.chain):
        mailings.schedule_mailing(later, timezone.now() + datetime.timedelta(hours=1))
        mailings.schedule_mailing(dropped, timezone.now() + datetime.timedelta(hours=1))
        with pytest.raises(mailings.MailingError):
            mailings.schedule_mailing(new_mailing(base), timezone.now() - datetime.timedelta(minutes=1))
        mailings.cancel_mailing(Mailing.objects.get(pk=dropped.pk))
    assert deliver_due() == 0 and not Message.objects.exists()
    Mailing.objects.filter(pk__in=[later.pk, dropped.pk]).update(send_at=timezone.now() - datetime.timedelta(seconds=1))
    mailings.queue_due_mailings(timezone.now() + datetime.timedelta(minutes=1))
    assert Message.objects.filter(mailing=later).count() == 2
    assert not Message.objects.filter(mailing=dropped).exists()


def test_stopping_a_mailing_midway_cancels_what_is_still_waiting(base, gateway):
    ChannelSettings.objects.filter(company=None).update(mailing_rate=1)  # one a minute
    mailing = new_mailing(base)
    with scope(base.chain):
        mailings.queue_mailing(mailing)
    assert deliver_due() == 1  # the first is due now, the second in a minute
    with scope(base.chain):
        assert mailings.cancel_mailing(Mailing.objects.get(pk=mailing.pk)) == 1
    statuses = sorted(Message.objects.filter(mailing=mailing).values_list("status", flat=True))
    assert statuses == [MessageStatus.CANCELLED, MessageStatus.SENT]


# ---------------------------------------------------------------- the pages
def test_the_owner_composes_previews_sends_and_follows_a_mailing(base, alice, gateway):
    browser = client_for(alice)
    company = base.company
    new = browser.post(
        f"/c/{company.pk}/messages/mailings/new/",
        {
            "name": "Spring offer",
            "kind": "marketing",
            "channel": "sms",
            "body": "{{ client_name }}, -20% this week!",
            "audience": "segment",
            "segment": base.everyone.pk,
        },
    )
    assert new.status_code == 302
    mailing = Mailing.objects.get()
    page = browser.get(new["Location"])
    assert page.status_code == 200
    assert 'data-testid="preview-recipients">2<' in page.text and "10.00" not in page.text
    assert "4 clients left out:" in page.text
    assert "no consent to advertising on this channel: 1" in page.text and "no phone: 1" in page.text
    sent = browser.post(f"/c/{company.pk}/messages/mailings/{mailing.pk}/send/", {"when": "now"}, follow=True)
    assert "The mailing is queued: 2 messages." in sent.text
    time.sleep(0.2)  # 600 a minute: the second is due 0.1 s after the first
    deliver_due()
    progress = browser.get(f"/c/{company.pk}/messages/mailings/{mailing.pk}/progress/")
    assert 'data-testid="progress-sent">2<' in progress.text
    log = browser.get(f"/c/{company.pk}/messages/?mailing={mailing.pk}")
    assert log.text.count('data-testid="message-row"') == 2


def test_bad_mailings_are_refused_with_clear_errors(base, alice):
    browser = client_for(alice)
    response = browser.post(
        f"/c/{base.company.pk}/messages/mailings/new/",
        {"name": "x", "channel": "email", "body": "{% if %}", "audience": "day"},
    )
    assert response.status_code == 400
    assert "The text has an error" in response.text
    assert "An email needs a subject." in response.text
    assert "Choose it for this audience." in response.text
    assert not Mailing.objects.exists()


def test_a_specialist_limited_to_own_clients_cannot_open_mailings(base, sam):
    mailing = new_mailing(base)
    browser = client_for(sam)
    assert browser.get(f"/c/{base.company.pk}/messages/mailings/").status_code == 403
    assert browser.get(f"/c/{base.company.pk}/messages/mailings/{mailing.pk}/").status_code == 403


def test_the_unsubscribe_page_is_rate_limited(base, one_ratelimit_window):
    from django.test import Client as Browser

    anonymous = Browser()
    codes = [anonymous.post("/u/garbage/").status_code for _ in range(22)]
    assert codes[0] == 404 and codes[-1] == 429


def test_removing_the_sms_opt_out_lets_marketing_through_again(base):
    pavel = base.clients["pavel"]
    with scope(base.chain):
        set_receiving(pavel, ChannelKind.SMS, True)
    assert not OptOut.objects.filter(client=pavel).exists()
    with scope(base.chain):
        rows, _left = mailings.recipients(new_mailing(base))
    assert pavel.pk in {client_id for client_id, _to in rows}


def test_a_class_page_opens_a_mailing_to_its_participants_in_one_click(base, alice):
    with scope(base.chain):
        event = make_group_event(base.company)
    browser = client_for(alice)
    page = browser.get(f"/c/{base.company.pk}/classes/{event.pk}/")
    link = re.search(r'href="([^"]+)" data-testid="class-mailing"', page.text).group(1).replace("&amp;", "&")
    form = browser.get(link)
    assert form.status_code == 200
    assert 'value="class" selected' in form.text and f'value="{event.pk}" selected' in form.text


def test_a_mailing_pauses_over_the_quiet_hours_and_resumes_at_the_same_speed(base):
    ChannelSettings.objects.filter(company=None).update(
        quiet_from=datetime.time(21), quiet_to=datetime.time(9), mailing_rate=2
    )
    tz = base.company.tz
    start = datetime.datetime(2026, 12, 1, 20, 59, 40, tzinfo=tz)  # the next, 30 s later, is quiet
    mailing = new_mailing(base)
    with scope(base.chain):
        mailings.queue_mailing(mailing, start)
    dues = sorted(Message.objects.filter(mailing=mailing).values_list("due_at", flat=True))
    assert [d.astimezone(tz) for d in dues] == [start, datetime.datetime(2026, 12, 2, 9, 0, tzinfo=tz)]


def test_the_mailings_page_offers_everyone_booked_tomorrow_in_one_click(base, alice):
    browser = client_for(alice)
    page = browser.get(f"/c/{base.company.pk}/messages/mailings/")
    tomorrow = timezone.now().astimezone(base.company.tz).date() + datetime.timedelta(days=1)
    link = f"/c/{base.company.pk}/messages/mailings/new/?audience=day&amp;day={tomorrow.isoformat()}"
    assert link in page.text
    form = browser.get(link.replace("&amp;", "&"))
    assert 'value="day" selected' in form.text and f'value="{tomorrow.isoformat()}"' in form.text


# ---------------------------------------------------------------- "Send a message" from the client list
def _compose_for_the_chosen(browser, company, follow_from):
    assert follow_from.status_code == 302
    assert follow_from["Location"].endswith("/messages/mailings/new/?audience=clients")
    page = browser.get(follow_from["Location"])
    return page, browser.post(
        follow_from["Location"],
        {
            "name": "For the chosen",
            "kind": "marketing",
            "channel": "sms",
            "body": "{{ client_name }}, hello!",
            "audience": "clients",
        },
    )


def test_ticked_clients_in_the_list_become_a_mailing_with_exactly_them(base, alice):
    browser = client_for(alice)
    company, clients = base.company, base.clients
    chosen = browser.post(
        f"/c/{company.pk}/clients/bulk/",
        {"action": "message", "scope": "selected", "ids": [clients["vera"].pk, clients["nina"].pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page, saved = _compose_for_the_chosen(browser, company, chosen)
    assert "“Clients chosen in the client list”: 2 ticked clients." in page.text
    assert saved.status_code == 302
    mailing = Mailing.objects.get()
    assert mailing.audience == AudienceKind.CLIENTS and sorted(mailing.selection["ids"]) == sorted(
        [clients["vera"].pk, clients["nina"].pk]
    )
    # Nina has no consent to SMS marketing: only Vera gets it.
    found, left = mailings.recipients(mailing)
    assert [pk for pk, _to in found] == [clients["vera"].pk] and left["no_consent"] == 1


def test_everyone_the_filters_find_is_read_again_when_the_mailing_is_queued(base, alice):
    browser = client_for(alice)
    company, chain = base.company, base.chain
    chosen = browser.post(
        f"/c/{company.pk}/clients/bulk/",
        {"action": "message", "scope": "all", "filters": "consent=sms&q=g"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page, saved = _compose_for_the_chosen(browser, company, chosen)
    assert "everyone its filters find when the mailing is queued" in page.text
    mailing = Mailing.objects.get()
    assert mailing.selection == {"params": {"consent": ["sms"], "q": ["g"]}}
    # Found by the filters now: Gleb; a newcomer who matches later is in too.
    newcomer = Client.objects.create(chain=chain, name="Greta", phone="+79120000009", sms_consent=True)
    with scope(chain):
        found, _left = mailings.recipients(mailing)
    assert sorted(pk for pk, _to in found) == sorted([base.clients["gleb"].pk, newcomer.pk])


def test_send_a_message_needs_a_choice_and_is_not_for_a_specialist_limited_to_own_clients(base, alice, sam):
    browser = client_for(alice)
    company = base.company
    nothing = browser.post(
        f"/c/{company.pk}/clients/bulk/", {"action": "message", "scope": "selected"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert nothing.status_code == 302 and "/clients/" in nothing["Location"]
    assert "Tick the clients to send the message to." in browser.get(nothing["Location"]).text
    # Without the list's choice, "chosen clients" is not an audience one can post.
    refused = browser.post(
        f"/c/{company.pk}/messages/mailings/new/",
        {"name": "x", "channel": "sms", "body": "hi", "audience": "clients"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400 and not Mailing.objects.exists()
    limited = client_for(sam).post(
        f"/c/{company.pk}/clients/bulk/",
        {"action": "message", "scope": "selected", "ids": [base.clients["vera"].pk]},
    )
    assert limited.status_code == 403 and not Mailing.objects.exists()
