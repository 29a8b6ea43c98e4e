import datetime
import re
from urllib.parse import quote, unquote

from django.urls import reverse
from django.utils import timezone

from frontdesk.booking.models import BookingLink, OnlineBookingSettings
from frontdesk.booking.services import book_online
from frontdesk.booking.tests.conftest import at
from frontdesk.core import sms
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.services import cancel_record


def booked(salon, hhmm="10:00", phone="+79123456789", specialist=None):
    with scope(salon.chain):
        records, link = book_online(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, (specialist or salon.anna).pk)],
            start=at(salon.company, salon.day, hhmm),
            name="Вера",
            phone=phone,
        )
    return records[0], link


def test_the_link_shows_the_booking_and_cancels_it_after_asking(client, salon):
    record, link = booked(salon)
    url = reverse("booking:my", kwargs={"token": link.token}) + "?lang=en"
    cancel = reverse("booking:my_cancel", kwargs={"token": link.token}) + "?lang=en"
    page = client.get(url)
    assert "Анна" in page.text and "Стрижка" in page.text and "Cancel the booking" in page.text
    assert f'href="{cancel}"' in page.text.replace("&amp;", "&")
    # The link asks first, naming what will be cancelled; a cancel posted from an older page too.
    asked = client.get(cancel)
    assert asked.status_code == 200 and "Cancel the booking?" in asked.text and "Keep the booking" in asked.text
    assert "10:00–11:00" in asked.text and "Анна" in asked.text
    older = client.post(url, {"action": "cancel"})
    assert older.status_code == 302 and older["Location"] == cancel
    record.refresh_from_db()
    assert record.status == RecordStatus.BOOKED
    done = client.post(cancel)
    assert done.status_code == 302 and "cancelled=1" in done["Location"] and "lang=en" in done["Location"]
    record.refresh_from_db()
    assert record.status == RecordStatus.CANCELLED
    # The owner's cancellations report counts it as the client's own, online.
    assert (record.cancel_reason, record.cancelled_by) == ("client_asked", "client")
    assert record.cancelled_at is not None
    assert "The booking is cancelled" in client.get(done["Location"]).text


def test_after_the_deadline_the_link_only_shows_the_booking(client, salon):
    record, link = booked(salon)
    with scope(salon.chain):
        settings = OnlineBookingSettings.for_company(salon.company)
        settings.cancel_deadline = int((record.start - timezone.now()).total_seconds() // 60) + 60
        settings.save()
    url = reverse("booking:my", kwargs={"token": link.token}) + "?lang=en"
    assert "Cancel the booking" not in client.get(url).text
    refused = client.post(reverse("booking:my_cancel", kwargs={"token": link.token}) + "?lang=en")
    assert refused.status_code == 409 and "too late" in refused.text
    assert client.get(reverse("booking:my_cancel", kwargs={"token": link.token})).status_code == 409
    assert client.get(reverse("booking:my_move", kwargs={"token": link.token})).status_code == 409
    record.refresh_from_db()
    assert record.status == RecordStatus.BOOKED


def test_moving_shows_the_old_and_the_new_time_and_moves_only_when_confirmed(client, salon):
    record, link = booked(salon)
    move = reverse("booking:my_move", kwargs={"token": link.token})
    times = client.get(move + f"?d={salon.day.isoformat()}&lang=en").text.replace("&amp;", "&")
    target = at(salon.company, salon.day, "12:00").isoformat(timespec="minutes")
    # A time is a link to the question, keeping the language.
    assert f'href="{move}?lang=en&d={salon.day.isoformat()}&at={quote(target)}" data-time="12:00"' in times
    asked = client.get(move, {"lang": "en", "d": salon.day.isoformat(), "at": target})
    assert asked.status_code == 200 and "Move the booking?" in asked.text
    old = asked.text.split('data-testid="move-old">')[1].split("<")[0]
    new = asked.text.split('data-testid="move-new">')[1].split("<")[0]
    assert old.endswith("10:00–11:00") and new.endswith("12:00–13:00")
    assert f'name="at" value="{target}"' in asked.text and f'action="{move}?lang=en"' in asked.text
    record.refresh_from_db()
    assert record.start == at(salon.company, salon.day, "10:00")  # asking moved nothing
    # A time that is not free is refused on the question already, with the nearest free ones.
    busy = at(salon.company, salon.day, "15:00").isoformat(timespec="minutes")
    refused = client.get(move, {"lang": "en", "at": busy})
    assert refused.status_code == 409 and "This time is not free" in refused.text and "at=" in refused.text
    assert client.get(move, {"at": "garbage"}).status_code == 400
    done = client.post(move + "?lang=en", {"at": target})
    assert done.status_code == 302 and "moved=1" in done["Location"]
    record.refresh_from_db()
    assert record.start == at(salon.company, salon.day, "12:00")


def test_the_link_moves_the_booking_to_an_offered_time_only(client, salon):
    record, link = booked(salon)
    move = reverse("booking:my_move", kwargs={"token": link.token})
    times = client.get(move + f"?d={salon.day.isoformat()}&lang=en")
    assert 'data-time="12:00"' in times.text and 'data-time="10:00"' in times.text
    target = at(salon.company, salon.day, "12:00").isoformat(timespec="minutes")
    assert client.post(move, {"at": target}).status_code == 302
    record.refresh_from_db()
    assert record.start == at(salon.company, salon.day, "12:00") and record.specialist == salon.anna
    outside = at(salon.company, salon.day, "15:00").isoformat(timespec="minutes")
    refused = client.post(move + "?lang=en", {"at": outside})
    assert refused.status_code == 409 and "This time is not free" in refused.text
    # The times offered are those nearest to the asked 15:00 (the day ends at 13:00).
    offered = [unquote(a) for a in re.findall(r'class="bk-time" href="[^"]*[?&;]at=([^"&]+)"', refused.text)]
    assert offered and offered[-1] == at(salon.company, salon.day, "12:00").isoformat(timespec="minutes")
    assert client.post(move, {"at": "garbage"}).status_code == 400
    record.refresh_from_db()
    assert record.start == at(salon.company, salon.day, "12:00")


def test_a_forged_token_finds_nothing_and_a_token_shows_only_its_own_visit(client, salon):
    first, link = booked(salon, "10:00", "+79120000001")
    second, other = booked(salon, "11:00", "+79120000002")
    assert client.get(reverse("booking:my", kwargs={"token": "forged" + link.token})).status_code == 404
    assert client.post(reverse("booking:my", kwargs={"token": "x"}), {"action": "cancel"}).status_code == 404
    page = client.get(reverse("booking:my", kwargs={"token": link.token}))
    assert "10:00" in page.text and "11:00" not in page.text
    assert set(Record.objects.values_list("status", flat=True)) == {RecordStatus.BOOKED}
    assert BookingLink.objects.count() == 2


def test_a_returning_client_sees_own_records_across_the_network_after_the_code(client, salon, tenant_a):
    booked(salon, "10:00", "+79123456789")
    booked(salon, "11:00", "+79120000002", specialist=salon.boris)
    url = reverse("booking:my_records", kwargs={"branch_id": tenant_a.companies[1].pk}) + "?lang=en"
    assert "Get a code" in client.get(url).text
    client.post(url, {"phone": "8 912 345 67 89"})
    code = sms.outbox[-1].text.split()[0]
    page = client.post(url, {"phone": "8 912 345 67 89", "code": code})
    assert page.status_code == 200 and "Upcoming" in page.text
    assert page.text.count("data-record=") == 1 and "Анна" in page.text and "Борис" not in page.text
    bad = client.post(url, {"phone": "12"})
    assert bad.status_code == 400


def test_a_cancelled_visit_is_not_listed_as_upcoming(client, salon):
    kept, _link = booked(salon, "10:00")
    cancelled, _other = booked(salon, "12:00")
    with scope(salon.chain):
        cancel_record(cancelled)
    url = reverse("booking:my_records", kwargs={"branch_id": salon.company.pk}) + "?lang=en"
    client.post(url, {"phone": "+79123456789"})
    page = client.post(url, {"phone": "+79123456789", "code": sms.outbox[-1].text.split()[0]}).text
    upcoming, rest = page.split("Past and cancelled")
    assert f'data-record="{kept.pk}"' in upcoming and "12:00" not in upcoming
    assert "12:00" in rest and "Cancelled" in rest


def test_the_confirmation_sms_is_short_and_carries_the_link(client, salon):
    from frontdesk.notifications.worker import deliver_due

    url = (
        reverse("booking:branch", kwargs={"branch_id": salon.company.pk})
        + f"?s={salon.haircut.pk}&m=any&d={salon.day.isoformat()}&t=10:00"
    )
    client.post(url, {"name": "Вера", "phone": "+79123456789", "consent": "on"})
    deliver_due()  # the outbox worker sends it (frontdesk.notifications)
    token = BookingLink.objects.get().token
    assert len(sms.outbox) == 1 and f"/my/{token}/" in sms.outbox[0].text and len(sms.outbox[0].text) < 160
    assert datetime  # noqa
