import html
import re
import time
from urllib.parse import parse_qs

from django.urls import reverse

from frontdesk.booking.models import BookingLink, BookingSource, OnlineBookingSettings
from frontdesk.booking.services import Origin, book_online
from frontdesk.booking.tests.conftest import at
from frontdesk.clients.models import Client
from frontdesk.core import sms
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Record, RecordSource

DETAILS = {"name": "Вера", "phone": "+7 912 345-67-89", "email": "", "comment": "", "consent": "on"}


def page_url(salon, **params):
    from urllib.parse import urlencode

    return reverse("booking:branch", kwargs={"branch_id": salon.company.pk}) + "?" + urlencode(params, doseq=True)


def test_the_page_walks_service_specialist_date_time_and_books(client, salon, sent_on_commit):
    base = reverse("booking:branch", kwargs={"branch_id": salon.company.pk})
    started = time.perf_counter()
    first = client.get(base, HTTP_ACCEPT_LANGUAGE="en")
    print(f"\nbooking page: {len(first.content)} bytes of HTML, {1000 * (time.perf_counter() - started):.1f} ms")
    assert first.status_code == 200 and "Стрижка" in first.text and "1,500" in first.text
    assert "Choose services" in first.text
    step = client.get(page_url(salon, s=salon.haircut.pk, lang="en"))
    assert "Choose a specialist" in step.text and "Борис" in step.text and "Any specialist" in step.text
    step = client.get(page_url(salon, s=salon.haircut.pk, m=salon.boris.pk, lang="en"))
    assert "Choose a date" in step.text and f'data-day="{salon.day.isoformat()}"' in step.text
    step = client.get(page_url(salon, s=salon.haircut.pk, m=salon.boris.pk, d=salon.day.isoformat(), lang="en"))
    assert 'data-time="11:00"' in step.text
    url = page_url(salon, s=salon.haircut.pk, m=salon.boris.pk, d=salon.day.isoformat(), t="11:00", lang="en")
    assert "Your details" in client.get(url).text
    with sent_on_commit():
        response = client.post(url + "&utm_source=vk&src=widget", DETAILS)
    assert response.status_code == 302
    record = Record.objects.get()
    assert record.specialist == salon.boris and record.source == RecordSource.WIDGET
    link = BookingLink.objects.get()
    assert response["Location"].startswith(reverse("booking:my", kwargs={"token": link.token}))
    assert BookingSource.objects.get().utm_source == "vk"
    from frontdesk.notifications.worker import deliver_due

    deliver_due()  # the outbox worker sends the confirmation (frontdesk.notifications)
    assert len(sms.outbox) == 1 and link.token in sms.outbox[0].text
    confirmation = client.get(response["Location"])
    assert "You are booked" in confirmation.text and "Борис" in confirmation.text


def test_the_client_may_start_with_the_specialist_or_the_date(client, salon):
    by_specialist = client.get(page_url(salon, o="specialist", lang="en"))
    assert "Choose a specialist" in by_specialist.text
    services_of_boris = client.get(page_url(salon, o="specialist", m=salon.boris.pk, lang="en"))
    assert "Стрижка" in services_of_boris.text and "Маникюр" not in services_of_boris.text
    by_time = client.get(page_url(salon, o="time", lang="en"))
    assert "Choose a date" in by_time.text
    times = client.get(page_url(salon, o="time", d=salon.day.isoformat(), lang="en"))
    assert 'data-time="12:00"' in times.text
    services_at = client.get(page_url(salon, o="time", d=salon.day.isoformat(), t="12:00", lang="en"))
    assert "Choose services" in services_at.text and "Маникюр" in services_at.text
    who = client.get(page_url(salon, o="time", d=salon.day.isoformat(), t="12:00", s=salon.manicure.pk, lang="en"))
    assert "Анна" in who.text and "Борис" not in who.text


def test_a_taken_time_answers_with_alternatives_and_saves_nothing_more(client, salon):
    with scope(salon.chain):
        book_online(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.boris.pk)],
            start=at(salon.company, salon.day, "11:00"),
            name="Первая",
            phone="+79120000001",
        )
    url = page_url(salon, s=salon.haircut.pk, m=salon.boris.pk, d=salon.day.isoformat(), t="11:00", lang="en")
    response = client.post(url, DETAILS)
    assert response.status_code == 409
    assert "already taken by another visit" in response.text and "data-alternative=" in response.text
    assert Record.objects.count() == 1 and not Client.objects.filter(phone="+79123456789").exists()
    # One click on an alternative books it with the details already typed.
    alternative = response.text.split('data-alternative="')[1].split('"')[0]
    assert client.post(url, {**DETAILS, "at": alternative}).status_code == 302
    assert Record.objects.count() == 2


def test_bad_input_gets_clear_answers_and_saves_nothing(client, salon):
    url = page_url(salon, s=salon.haircut.pk, m="any", d=salon.day.isoformat(), t="11:00", lang="en")
    bad_phone = client.post(url, {**DETAILS, "phone": "12"})
    assert bad_phone.status_code == 400 and "not a phone number" in bad_phone.text or "not a valid" in bad_phone.text
    no_consent = client.post(url, {**DETAILS, "consent": ""})
    assert no_consent.status_code == 400 and "Agree to the processing" in no_consent.text
    unknown = client.get(page_url(salon, s=999999, lang="en"))
    assert unknown.status_code == 200 and "not available online" in unknown.text
    junk = client.get(page_url(salon, s="x", m="y", d="2020-13-45", t="25:99", lang="en"))
    assert junk.status_code == 200 and "cannot be chosen" in junk.text
    far = client.get(page_url(salon, s=salon.haircut.pk, m="any", d="2099-01-01", lang="en"))
    assert "Bookings are taken from today up to" in far.text
    off_grid = client.post(
        page_url(salon, s=salon.haircut.pk, m="any", d=salon.day.isoformat(), t="11:07", lang="en"), DETAILS
    )
    assert off_grid.status_code == 409
    assert not Record.objects.exists() and not Client.objects.exists()


def test_the_page_speaks_the_browsers_language_and_switches(client, salon):
    base = reverse("booking:branch", kwargs={"branch_id": salon.company.pk})
    assert "Выберите услуги" in client.get(base, HTTP_ACCEPT_LANGUAGE="ru").text
    assert "Choose services" in client.get(base, HTTP_ACCEPT_LANGUAGE="en").text
    assert "Choose services" in client.get(base + "?lang=en", HTTP_ACCEPT_LANGUAGE="ru").text


def test_the_page_wears_the_branchs_colour_and_texts_and_may_be_framed(client, salon):
    with scope(salon.chain):
        settings = OnlineBookingSettings.for_company(salon.company)
        settings.accent_colour = "#123456"
        settings.welcome_text = "Добро пожаловать!"
        settings.save()
    response = client.get(reverse("booking:branch", kwargs={"branch_id": salon.company.pk}))
    assert "#123456" in response.text and "Добро пожаловать!" in response.text
    assert "X-Frame-Options" not in response


def test_the_network_page_lists_branches_with_online_booking(client, salon, tenant_a):
    with scope(salon.chain):
        settings = OnlineBookingSettings.for_company(tenant_a.companies[1])
        settings.enabled = False
        settings.save()
    response = client.get(reverse("booking:network", kwargs={"chain_id": salon.chain.pk}) + "?lang=en")
    assert response.status_code == 200 and "Лаванда Арбат" in response.text and "Лаванда Сокол" not in response.text


def test_a_class_is_booked_while_seats_are_left(client, salon):
    from datetime import timedelta

    from frontdesk.scheduling.models import GroupEvent
    from frontdesk.scheduling.tests.factories import make_service

    with scope(salon.chain):
        yoga = make_service(salon.company, "Йога", duration=60, price=800)
        yoga.is_group = True
        yoga.save()
        start = at(salon.company, salon.day, "18:00")
        event = GroupEvent.objects.create(
            company=salon.company,
            service=yoga,
            specialist=salon.anna,
            start=start,
            end=start + timedelta(hours=1),
            capacity=1,
        )
    page = client.get(page_url(salon, lang="en"))
    assert "Йога" in page.text and "1 seat left" in page.text
    url = page_url(salon, e=event.pk, lang="en")
    assert client.post(url, DETAILS).status_code == 302
    assert Record.objects.get().group_event == event
    full = client.post(url, {**DETAILS, "phone": "+79120000009"})
    assert full.status_code == 200 and "cannot be booked online" in full.text or full.status_code == 409
    assert Record.objects.count() == 1
    assert "No seats left" in client.get(page_url(salon, lang="en")).text


def test_the_widget_script_is_served(client):
    response = client.get("/static/booking/widget.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"data-frontdesk-book" in body


def test_origin_from_a_social_link_is_remembered(client, salon):
    url = page_url(salon, s=salon.haircut.pk, m="any", d=salon.day.isoformat(), t="10:00", utm_source="instagram")
    assert client.post(url, DETAILS).status_code == 302
    source = BookingSource.objects.get()
    assert source.channel == "social" and source.utm_source == "instagram"
    assert Origin  # the service-level origin is covered in test_book_online


def test_picking_days_and_times_one_after_another_keeps_one_of_each_in_the_links(client, salon):
    url = page_url(salon, s=salon.haircut.pk, m=salon.anna.pk, d=salon.day.isoformat(), lang="en")
    for _ in range(3):
        page = client.get(url).text
        links = [html.unescape(h) for h in re.findall(r'href="(\?[^"]*)"', page)]
        assert links
        for link in links:
            params = parse_qs(link[1:])
            assert all(len(params.get(key, [])) <= 1 for key in ("d", "t", "m", "lang")), link
        # Follow the link of the next day, as a client clicking through the strip would.
        url = reverse("booking:branch", kwargs={"branch_id": salon.company.pk}) + next(
            link for link in links if "d=" in link and salon.day.isoformat() not in link
        )
