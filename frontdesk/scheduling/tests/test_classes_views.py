import datetime

import icalendar
import pytest

from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.classes import ClassPlan, add_participant, schedule_class
from frontdesk.scheduling.feeds import feed_for
from frontdesk.scheduling.models import CalendarFeed, GroupEvent, Record, WaitlistEntry, WaitlistStatus
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_resource, make_service, make_specialist
from frontdesk.scheduling.tests.test_classes import MONDAY, at
from frontdesk.testing.fixtures import client_for


@pytest.fixture
def studio(tenant_a):
    company = tenant_a.company
    company.address = "ул. Арбат, 1"
    company.save()
    with scope(company.chain):
        yoga = make_service(company, "Йога", duration=60)
        yoga.is_group, yoga.capacity = True, 8
        yoga.save()
        hall = make_resource(company, "Зал")
        olga = make_specialist(company, "Ольга", [yoga])
        add_shift(olga, company, MONDAY, "09:00", "21:00")
    return company, yoga, hall, olga


def test_the_week_shows_each_class_with_places_taken_and_left(studio, alice, django_assert_max_num_queries):
    company, yoga, hall, olga = studio
    with scope(company.chain):
        for hhmm in ("10:00", "12:00", "14:00", "16:00"):
            [event], _ = schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, hhmm), resource=hall, capacity=3))
            for i in range(2):
                add_participant(
                    event, Client.objects.create(chain=company.chain, name="К", phone=f"+7900300{hhmm[:2]}{i:02d}")
                )
    client = client_for(alice)
    url = f"/c/{company.pk}/classes/?week={MONDAY:%Y-%m-%d}"
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("2 of 3") == 4 and "1 place left" in page


def test_creating_a_class_from_the_form_and_a_collision_shows_every_date(studio, alice):
    company, yoga, hall, olga = studio
    client = client_for(alice)
    form = {
        "service": yoga.pk,
        "specialist": olga.pk,
        "resource": hall.pk,
        "date": f"{MONDAY:%Y-%m-%d}",
        "time": "18:00",
        "capacity": "2",
    }
    response = client.post(f"/c/{company.pk}/classes/new/", form)
    event = GroupEvent.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/classes/{event.pk}/")
    assert event.capacity == 2 and event.resource == hall
    repeat = {**form, "time": "18:30", "weekdays": ["0"], "until": f"{MONDAY + datetime.timedelta(days=7):%Y-%m-%d}"}
    response = client.post(f"/c/{company.pk}/classes/new/", repeat)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved: 2 dates collide" in page and "room is taken" in page and "does not work" in page
    assert GroupEvent.objects.count() == 1
    response = client.post(f"/c/{company.pk}/classes/new/", {**form, "service": "", "date": "not a date"})
    assert response.status_code == 200 and GroupEvent.objects.count() == 1


def test_adding_clients_until_the_class_is_full(studio, amy):
    company, yoga, hall, olga = studio
    with scope(company.chain):
        [event], _ = schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "18:00"), capacity=1))
    known = Client.objects.create(chain=company.chain, name="Вера Иванова", phone="+79001234567")
    client = client_for(amy)
    url = f"/c/{company.pk}/classes/{event.pk}/"
    assert "Вера Иванова" in client.get(url, {"q": "4567"}).content.decode()
    client.post(url + "participants/add/", {"client": known.pk})
    response = client.post(url + "participants/add/", {"name": "Глеб", "phone": "8 900 765-43-21"}, follow=True)
    assert "No places left" in response.content.decode()
    [record] = Record.objects.filter(group_event=event)
    client.post(url + "participants/", {"record": record.pk, "action": "arrived"})
    record.refresh_from_db()
    assert record.status == "arrived"
    client.post(url + "participants/", {"record": record.pk, "action": "remove"})
    record.refresh_from_db()
    assert record.status == "cancelled"
    assert client.post(url + "participants/", {"record": "x", "action": "remove"}).status_code == 404
    client.post(url + "cancel/")
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_a_specialist_sees_only_own_classes(studio, sam):
    company, yoga, hall, olga = studio
    with scope(company.chain):
        [event], _ = schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "18:00")))
    client = client_for(sam)
    assert client.get(f"/c/{company.pk}/classes/{event.pk}/").status_code == 404
    olga.user = sam
    olga.save()
    assert client.get(f"/c/{company.pk}/classes/{event.pk}/").status_code == 200


def test_the_waiting_list_page_adds_books_and_cancels(studio, amy, sent_on_commit):
    company, yoga, hall, olga = studio
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        olga.services.add(haircut, through_defaults={"chain": company.chain})
        record = book_visit(company=company, segments=[Segment(haircut.pk, olga.pk)], start=at(MONDAY, "10:00"))[0]
    client = client_for(amy)
    url = f"/c/{company.pk}/waitlist/"
    response = client.post(
        url,
        {
            "name": "Вера",
            "phone": "+7 900 111-22-33",
            "service": haircut.pk,
            "specialist": olga.pk,
            "date_from": f"{MONDAY:%Y-%m-%d}",
            "date_to": f"{MONDAY:%Y-%m-%d}",
            "time_from": "09:30",
            "time_to": "11:30",
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    bad = client.post(
        url,
        {
            "name": "X",
            "phone": "+79001112234",
            "service": haircut.pk,
            "date_from": "2030-01-02",
            "date_to": "2030-01-01",
        },
    )
    assert bad.status_code == 200 and WaitlistEntry.objects.count() == 1
    with scope(company.chain), sent_on_commit():
        from frontdesk.scheduling.services import cancel_record

        cancel_record(record)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert "Вера" in client.get(url).content.decode()
    client.post(f"{url}{entry.pk}/book/")
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.BOOKED
    assert Record.objects.filter(client=entry.client, start=at(MONDAY, "10:00"), status="booked").exists()
    other = WaitlistEntry.objects.create(
        company=company, chain=company.chain, client=entry.client, service=haircut, date_from=MONDAY, date_to=MONDAY
    )
    client.post(f"{url}{other.pk}/cancel/")
    other.refresh_from_db()
    assert other.status == WaitlistStatus.CANCELLED


# --- Calendar feeds ----------------------------------------------------------------------------


def test_a_wrong_or_regenerated_token_is_not_found(studio, alice, client):
    company, yoga, hall, olga = studio
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    owner = client_for(alice)
    owner.post(f"/c/{company.pk}/calendar-feeds/", {"specialist": olga.pk, "action": "show"})
    old = CalendarFeed.objects.get(specialist=olga).token
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    owner.post(f"/c/{company.pk}/calendar-feeds/", {"specialist": olga.pk, "action": "regenerate"})
    new = CalendarFeed.objects.get(specialist=olga).token
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_a_feed_holds_only_its_specialists_records_in_utc(studio, tenant_b, client):
    company, yoga, hall, olga = studio
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60)
        olga.services.add(haircut, through_defaults={"chain": company.chain})
        boris = make_specialist(company, "Борис", [haircut])
        add_shift(boris, company, MONDAY, "09:00", "21:00")
        vera = Client.objects.create(chain=company.chain, name="Вера Иванова", phone="+79001234567")
        mine = book_visit(
            company=company, segments=[Segment(haircut.pk, olga.pk)], start=at(MONDAY, "10:00"), client=vera
        )[0]
        book_visit(company=company, segments=[Segment(haircut.pk, boris.pk)], start=at(MONDAY, "10:00"))
        cancelled = book_visit(company=company, segments=[Segment(haircut.pk, olga.pk)], start=at(MONDAY, "15:00"))[0]
        cancelled.status = "cancelled"
        cancelled.save()
        [group], _ = schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "18:00"), resource=hall))
        feed = feed_for(olga)
    other = tenant_b.company
    with scope(other.chain):
        bob_service = make_service(other, "Бритьё", duration=60)
        bob_specialist = make_specialist(other, "Бритоголовый", [bob_service])
        add_shift(bob_specialist, other, MONDAY, "09:00", "21:00")
        book_visit(company=other, segments=[Segment(bob_service.pk, bob_specialist.pk)], start=at(MONDAY, "10:00"))
        feed_for(bob_specialist)

    response = client.get(f"/calendar/{feed.token}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"record-{mine.pk}@frontdesk", f"class-{group.pk}@frontdesk"}
    record = events[f"record-{mine.pk}@frontdesk"]
    assert str(record["summary"]) == "Вера — Стрижка"  # first name only
    assert "ул. Арбат, 1" in str(record["location"])
    assert record.decoded("dtstart") == at(MONDAY, "10:00")
    assert record.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert f"DTSTART:{at(MONDAY, '10:00').astimezone(datetime.UTC):%Y%m%dT%H%M%S}Z" in response.content.decode()
    assert "DTSTAMP" in record
    assert "Бритьё" not in response.content.decode()


def test_a_specialist_sees_and_regenerates_only_own_link(studio, sam):
    company, yoga, hall, olga = studio
    with scope(company.chain):
        mine = make_specialist(company, "Сэм")
    mine.user = sam
    mine.save()
    client = client_for(sam)
    page = client.get(f"/c/{company.pk}/calendar-feeds/").content.decode()
    assert "Сэм" in page and "Ольга" not in page
    assert client.post(f"/c/{company.pk}/calendar-feeds/", {"specialist": olga.pk, "action": "show"}).status_code == 404
    client.post(f"/c/{company.pk}/calendar-feeds/", {"specialist": mine.pk, "action": "show"})
    assert CalendarFeed.objects.filter(specialist=mine).exists()
    assert not CalendarFeed.objects.filter(specialist=olga).exists()
