"""The electronic journal's page and endpoints: what the administrator and a specialist see,
what they may change, and that bad input never saves anything or answers 500."""

import datetime
import time

import pytest

from frontdesk.accounts.permissions import Role
from frontdesk.clients.models import Client
from frontdesk.clients.services import find_or_create_client
from frontdesk.core.models import Event
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.scheduling.tests.test_availability import DAY, NOW, at
from frontdesk.staff.models import Absence, AbsenceKind, Specialist
from frontdesk.testing.fixtures import add_member, client_for


class Branch:
    pass


@pytest.fixture
def branch(tenant_a):
    """Branch A1: Анна and Борис cut hair on DAY; Анна has two records, Борис one."""
    b = Branch()
    b.company = company = tenant_a.company
    b.haircut = make_service(company, "Стрижка", duration=60)
    b.colouring = make_service(company, "Окрашивание", duration=120)
    b.anna = make_specialist(company, "Анна", [b.haircut, b.colouring])
    b.boris = make_specialist(company, "Борис", [b.haircut])
    add_shift(b.anna, company, DAY, "10:00", "14:00")
    add_shift(b.anna, company, DAY, "15:00", "19:00")
    add_shift(b.boris, company, DAY, "10:00", "19:00")
    b.client = find_or_create_client(chain=company.chain, phone="+79161234567", name="Ольга Петрова")
    b.first = book_visit(
        company=company, segments=[Segment(b.haircut.pk, b.anna.pk)], start=at("10:00"), client=b.client, now=NOW
    )[0]
    b.second = book_visit(company=company, segments=[Segment(b.haircut.pk, b.anna.pk)], start=at("12:00"), now=NOW)[0]
    b.third = book_visit(
        company=company, segments=[Segment(b.haircut.pk, b.boris.pk)], start=at("11:00"), client=b.client, now=NOW
    )[0]
    b.url = f"/c/{company.pk}/journal/"
    return b


@pytest.fixture
def anna_login(tenant_a, branch):
    """Sam is the specialist Анна's login, limited to own records."""
    user = add_member(tenant_a, "anna@example.com", Role.SPECIALIST, own_records_only=True)
    branch.anna.user = user
    branch.anna.save()
    return user


def _range(day=DAY, days=1):
    return {"start": day.isoformat(), "end": (day + datetime.timedelta(days=days)).isoformat()}


def test_the_journal_is_in_the_menu_and_opens_for_an_administrator(branch, amy):
    client = client_for(amy)
    page = client.get(branch.url).content.decode()
    assert 'data-nav="journal"' in page
    assert "event-calendar.min.js" in page
    assert 'id="journal-config"' in page


def test_resources_are_the_specialists_working_that_day(branch, alice, tenant_a):
    idle = make_specialist(branch.company, "Вера", [branch.haircut])
    other_day = make_specialist(branch.company, "Глеб", [branch.haircut])
    add_shift(other_day, branch.company, DAY + datetime.timedelta(days=1))
    response = client_for(alice).get(branch.url + "resources/", _range())
    assert response.status_code == 200
    names = [r["title"] for r in response.json()]
    assert names == ["Анна", "Борис"]
    assert idle.name not in names
    everyone = client_for(alice).get(branch.url + "resources/", {**_range(), "everyone": "1"}).json()
    assert {r["title"] for r in everyone} == {"Анна", "Борис", "Вера", "Глеб"}


def test_events_show_records_with_client_phone_services_and_off_hours(branch, alice):
    response = client_for(alice).get(branch.url + "events/", _range())
    assert response.status_code == 200
    data = response.json()
    assert data["token"]
    records = [e for e in data["events"] if e["extendedProps"]["kind"] == "record"]
    first = next(e for e in records if e["extendedProps"]["record_id"] == branch.first.pk)
    assert first["start"] == f"{DAY}T10:00:00" and first["end"] == f"{DAY}T11:00:00"
    assert first["resourceIds"] == [branch.anna.pk]
    assert first["title"] == "Ольга Петрова"
    assert first["extendedProps"]["phone"] == "+7 916 123-45-67"
    assert first["extendedProps"]["services"] == ["Стрижка"]
    assert first["extendedProps"]["colour_source"] == "#22c55e"  # booked by the administrator
    assert first["editable"] is True
    shaded = [
        (e["start"][11:16], e["end"][11:16])
        for e in data["events"]
        if e.get("display") == "background" and e["resourceIds"] == [branch.anna.pk]
    ]
    # Before the shift, the lunch break, after the shift.
    assert shaded == [("00:00", "10:00"), ("14:00", "15:00"), ("19:00", "00:00")]


def test_an_absence_shades_the_whole_day_with_its_kind(branch, alice, tenant_a):
    Absence.objects.create(
        chain=tenant_a.chain, specialist=branch.boris, kind=AbsenceKind.SICK, date_from=DAY, date_to=DAY
    )
    data = client_for(alice).get(branch.url + "events/", _range()).json()
    boris_bg = [e for e in data["events"] if e.get("display") == "background" and e["resourceIds"] == [branch.boris.pk]]
    assert len(boris_bg) == 1 and boris_bg[0]["classNames"] == ["fd-absence"]
    assert boris_bg[0]["title"] == "Sick leave"
    resources = client_for(alice).get(branch.url + "resources/", _range()).json()
    assert next(r for r in resources if r["id"] == branch.boris.pk)["extendedProps"]["absence"] == "Sick leave"


def test_cancelled_records_are_hidden_unless_asked_for(branch, alice):
    branch.second.status = RecordStatus.CANCELLED
    branch.second.save()
    client = client_for(alice)

    def ids(params):
        events = client.get(branch.url + "events/", params).json()["events"]
        return {e["extendedProps"].get("record_id") for e in events if e["extendedProps"]["kind"] == "record"}

    assert branch.second.pk not in ids(_range())
    assert branch.second.pk in ids({**_range(), "cancelled": "1"})


def test_the_week_of_one_specialist(branch, alice):
    data = client_for(alice).get(branch.url + "events/", {**_range(DAY, 7), "specialist": branch.boris.pk}).json()
    records = [e for e in data["events"] if e["extendedProps"]["kind"] == "record"]
    assert [e["extendedProps"]["record_id"] for e in records] == [branch.third.pk]
    assert {tuple(e["resourceIds"]) for e in data["events"]} == {(branch.boris.pk,)}


def _many_specialists(branch, count):
    for index in range(count):
        specialist = make_specialist(branch.company, f"Мастер {index}", [branch.haircut])
        add_shift(specialist, branch.company, DAY, "09:00", "13:00")
        add_shift(specialist, branch.company, DAY, "14:00", "21:00")
        for hour in ("09:00", "10:00", "11:00", "15:00", "16:00"):
            book_visit(
                company=branch.company,
                segments=[Segment(branch.haircut.pk, specialist.pk)],
                start=at(hour),
                client=branch.client,
                now=NOW,
            )


def test_the_day_of_twenty_specialists_takes_a_constant_number_of_queries(branch, alice, django_assert_max_num_queries):
    client = client_for(alice)
    client.get(branch.url + "events/", _range())  # warm up the session and the middleware
    _many_specialists(branch, 18)
    with django_assert_max_num_queries(14):
        events = client.get(branch.url + "events/", _range())
    with django_assert_max_num_queries(10):
        resources = client.get(branch.url + "resources/", _range())
    with django_assert_max_num_queries(8):
        client.get(branch.url + "changes/", _range())
    assert len(resources.json()) == 20
    assert len([e for e in events.json()["events"] if e["extendedProps"]["kind"] == "record"]) == 93
    started = time.perf_counter()
    for _ in range(5):
        client.get(branch.url + "events/", _range())
    print(f"\nday view of 20 specialists / 93 records: {(time.perf_counter() - started) / 5 * 1000:.1f} ms per request")


def test_the_changes_token_moves_when_a_record_changes(branch, alice):
    client = client_for(alice)
    before = client.get(branch.url + "changes/", _range()).json()["token"]
    assert client.get(branch.url + "changes/", _range()).json()["token"] == before
    book_visit(
        company=branch.company, segments=[Segment(branch.haircut.pk, branch.boris.pk)], start=at("15:00"), now=NOW
    )
    after_booking = client.get(branch.url + "changes/", _range()).json()["token"]
    assert after_booking != before
    client.post(branch.url + f"records/{branch.first.pk}/status/", {"status": RecordStatus.CONFIRMED})
    assert client.get(branch.url + "changes/", _range()).json()["token"] != after_booking


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"start": "tomorrow"},
        {"start": "2026-12-01", "end": "2026-11-01"},
        {"start": "2026-01-01", "end": "2027-01-01"},
    ],
)
def test_a_bad_range_is_a_clear_400(branch, alice, params):
    for endpoint in ("events/", "resources/", "changes/"):
        response = client_for(alice).get(branch.url + endpoint, params)
        assert response.status_code == 400
        assert response.json()["error"]


def test_client_search_by_four_phone_digits_or_part_of_the_name(branch, amy, tenant_a):
    find_or_create_client(chain=tenant_a.chain, phone="+79169994567", name="Анна Белова")
    find_or_create_client(chain=tenant_a.chain, phone="+79160000000", name="Пётр Орлов")
    client = client_for(amy)
    by_phone = client.get(branch.url + "clients/", {"q": "4567"}).json()["clients"]
    assert [c["name"] for c in by_phone] == ["Анна Белова", "Ольга Петрова"]
    by_name = client.get(branch.url + "clients/", {"q": "петров"}).json()["clients"]
    assert [c["name"] for c in by_name] == ["Ольга Петрова"]
    assert client.get(branch.url + "clients/", {"q": "4"}).json()["clients"] == []


def test_client_search_returns_at_most_ten(branch, amy, tenant_a):
    for index in range(15):
        find_or_create_client(chain=tenant_a.chain, phone=f"+7916555{index:04d}", name=f"Клиент {index:02d}")
    assert len(client_for(amy).get(branch.url + "clients/", {"q": "916555"}).json()["clients"]) == 10


def test_services_of_the_chosen_specialist(branch, amy):
    data = client_for(amy).get(branch.url + "services/", {"specialist": branch.boris.pk}).json()
    assert [s["title"] for s in data["services"]] == ["Стрижка"]
    assert client_for(amy).get(branch.url + "services/", {"specialist": "x"}).status_code == 400


def test_booking_a_new_client_from_the_journal(branch, amy):
    response = client_for(amy).post(
        branch.url + "book/",
        {
            "start": f"{DAY}T15:00",
            "specialist": branch.boris.pk,
            "services": [branch.haircut.pk],
            "client_name": "Ирина Новая",
            "client_phone": "8 (916) 765-43-21",
            "comment": "Первый визит",
            "source": "phone",
        },
    )
    assert response.status_code == 200, response.content
    record = Record.objects.get(pk=response.json()["records"][0])
    assert record.client.name == "Ирина Новая" and record.client.phone == "+79167654321"
    assert (record.specialist, record.start, record.source, record.comment) == (
        branch.boris,
        at("15:00"),
        "phone",
        "Первый визит",
    )
    assert record.created_by == amy


def test_booking_two_services_keeps_their_order(branch, amy):
    response = client_for(amy).post(
        branch.url + "book/",
        {
            "start": f"{DAY}T15:00",
            "specialist": branch.anna.pk,
            "services": [branch.colouring.pk, branch.haircut.pk],
            "client": branch.client.pk,
        },
    )
    assert response.status_code == 200, response.content
    record = Record.objects.get(pk=response.json()["records"][0])
    assert [line.service.title for line in record.lines.order_by("position")] == ["Окрашивание", "Стрижка"]
    assert record.end == at("18:00")


def test_a_taken_slot_answers_with_the_nearest_free_times_and_saves_nothing(branch, amy):
    records, clients = Record.objects.count(), Client.objects.count()
    response = client_for(amy).post(
        branch.url + "book/",
        {
            "start": f"{DAY}T10:30",
            "specialist": branch.anna.pk,
            "services": [branch.haircut.pk],
            "client_name": "Новая",
            "client_phone": "+79160001122",
        },
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "This time is already taken by another visit. Choose one of the nearest free times."
    assert body["alternatives"] and all("start" in a and "label" in a for a in body["alternatives"])
    assert (Record.objects.count(), Client.objects.count()) == (records, clients)


def test_a_booking_over_a_visit_says_so_and_offers_the_times_nearest_to_the_asked_one(branch, amy):
    book_visit(
        company=branch.company, segments=[Segment(branch.haircut.pk, branch.anna.pk)], start=at("17:00"), now=NOW
    )
    asked = {"specialist": branch.anna.pk, "services": [branch.haircut.pk], "client": branch.client.pk}
    over_a_visit = client_for(amy).post(branch.url + "book/", {**asked, "start": f"{DAY}T17:00"}).json()
    assert over_a_visit["error"].startswith("This time is already taken by another visit.")
    # Both sides of 17:00, not the first free times of the day (11:00, 13:00, ...).
    labels = [a["label"] for a in over_a_visit["alternatives"]]
    assert labels == ["15:00", "15:15", "15:30", "15:45", "16:00", "18:00"]
    in_the_break = client_for(amy).post(branch.url + "book/", {**asked, "start": f"{DAY}T14:00"}).json()
    assert in_the_break["error"].startswith("This time is not free: the specialist does not work then")
    assert "13:00" in [a["label"] for a in in_the_break["alternatives"]]


def test_overbooking_on_purpose_is_saved_and_logged(branch, amy):
    response = client_for(amy).post(
        branch.url + "book/",
        {
            "start": f"{DAY}T10:30",
            "specialist": branch.anna.pk,
            "services": [branch.haircut.pk],
            "client": branch.client.pk,
            "overbook": "1",
        },
    )
    assert response.status_code == 200
    record = Record.objects.get(pk=response.json()["records"][0])
    assert record.overbooked
    assert Event.objects.filter(code="record.overbooked", object_id=str(record.pk)).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"start": "yesterday"},
        {"start": ""},
        {"specialist": "999999"},
        {"specialist": "abc"},
        {"services": ["999999"]},
        {"services": []},
        {"client": "", "client_phone": ""},
        {"client": "", "client_phone": "12"},
        {"client": "999999"},
        {"source": "online"},
        {"comment": "x" * 5000},
    ],
)
def test_bad_booking_input_is_a_translated_400_and_saves_nothing(branch, amy, bad):
    data = {
        "start": f"{DAY}T15:00",
        "specialist": branch.boris.pk,
        "services": [branch.haircut.pk],
        "client": branch.client.pk,
        **bad,
    }
    if "client_phone" in bad:
        data.pop("client")
    before = Record.objects.count()
    response = client_for(amy).post(branch.url + "book/", data, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400, response.content
    assert response.json()["error"]
    assert Record.objects.count() == before


def test_a_service_the_specialist_does_not_perform_is_refused(branch, amy):
    response = client_for(amy).post(
        branch.url + "book/",
        {
            "start": f"{DAY}T15:00",
            "specialist": branch.boris.pk,
            "services": [branch.colouring.pk],
            "client": branch.client.pk,
        },
    )
    assert response.status_code == 400
    assert "Борис does not perform: Окрашивание." in response.json()["error"]


def test_errors_come_in_the_users_language(branch, amy):
    amy.language = "ru"
    amy.save()
    response = client_for(amy).post(
        branch.url + "book/",
        {
            "start": f"{DAY}T10:30",
            "specialist": branch.anna.pk,
            "services": [branch.haircut.pk],
            "client": branch.client.pk,
        },
    )
    assert response.status_code == 409
    assert response.json()["error"] == "Это время уже занято другой записью. Выберите одно из ближайших свободных."


def test_moving_and_resizing_from_the_journal(branch, amy):
    client = client_for(amy)
    response = client.post(
        branch.url + f"records/{branch.first.pk}/move/", {"start": f"{DAY}T15:00", "specialist": branch.boris.pk}
    )
    assert response.status_code == 200, response.content
    branch.first.refresh_from_db()
    assert (branch.first.start, branch.first.specialist) == (at("15:00"), branch.boris)
    response = client.post(branch.url + f"records/{branch.first.pk}/resize/", {"end": f"{DAY}T16:30"})
    assert response.status_code == 200
    branch.first.refresh_from_db()
    assert branch.first.end == at("16:30")


def test_a_move_onto_another_record_is_refused_with_the_reason(branch, amy):
    response = client_for(amy).post(branch.url + f"records/{branch.second.pk}/move/", {"start": f"{DAY}T10:30"})
    assert response.status_code == 400
    assert response.json()["error"] == "The specialist does not work at this time or is busy. Choose another time."
    branch.second.refresh_from_db()
    assert branch.second.start == at("12:00")


@pytest.mark.parametrize(
    "action,data",
    [
        ("move", {"start": "nonsense"}),
        ("move", {"start": f"{DAY}T15:00", "specialist": "0"}),
        ("resize", {"end": ""}),
        ("resize", {"end": f"{DAY}T09:00"}),
        ("status", {"status": "teleported"}),
        ("status", {"status": "completed"}),
        ("comment", {"comment": "x" * 3000}),
    ],
)
def test_bad_record_input_is_a_400_and_changes_nothing(branch, amy, action, data):
    before = Record.objects.values_list("start", "end", "status", "specialist_id", "comment").get(pk=branch.first.pk)
    response = client_for(amy).post(branch.url + f"records/{branch.first.pk}/{action}/", data)
    assert response.status_code == 400
    assert response.json()["error"]
    after = Record.objects.values_list("start", "end", "status", "specialist_id", "comment").get(pk=branch.first.pk)
    assert after == before


def test_status_actions_confirm_arrive_cancel_and_restore(branch, amy):
    client = client_for(amy)
    url = branch.url + f"records/{branch.first.pk}/"
    page = client.get(url).content.decode()
    assert "Confirm" in page and "Cancel the record" in page and "+7 916 123-45-67" in page
    for status in (RecordStatus.CONFIRMED, RecordStatus.ARRIVED, RecordStatus.CANCELLED, RecordStatus.BOOKED):
        response = client.post(url + "status/", {"status": status, "reason": "rescheduled"})
        assert response.status_code == 200, response.content
        branch.first.refresh_from_db()
        assert branch.first.status == status
    assert "Restore" not in client.get(url).content.decode()
    client.post(url + "status/", {"status": RecordStatus.NO_SHOW})
    assert "Restore" in client.get(url).content.decode()


def test_a_wrong_transition_is_explained(branch, amy):
    client = client_for(amy)
    client.post(
        branch.url + f"records/{branch.first.pk}/status/", {"status": RecordStatus.CANCELLED, "reason": "other"}
    )
    response = client.post(branch.url + f"records/{branch.first.pk}/status/", {"status": RecordStatus.ARRIVED})
    assert response.status_code == 400
    assert response.json()["error"] == "A record cannot go from “Cancelled” to “Arrived”."


def test_editing_the_comment(branch, amy):
    response = client_for(amy).post(
        branch.url + f"records/{branch.first.pk}/comment/", {"comment": " Придёт с дочкой "}
    )
    assert response.status_code == 200
    branch.first.refresh_from_db()
    assert branch.first.comment == "Придёт с дочкой"


def test_view_only_access_reads_but_cannot_change(branch, tenant_a):
    accountant = add_member(tenant_a, "acc@example.com", Role.ACCOUNTANT)
    client = client_for(accountant)
    assert client.get(branch.url).status_code == 200
    assert client.get(branch.url + "events/", _range()).status_code == 200
    page = client.get(branch.url + f"records/{branch.first.pk}/").content.decode()
    assert "data-record-status" not in page
    assert client.post(branch.url + f"records/{branch.first.pk}/status/", {"status": "confirmed"}).status_code == 403
    assert client.post(branch.url + f"records/{branch.first.pk}/move/", {"start": f"{DAY}T15:00"}).status_code == 403
    response = client.post(
        branch.url + "book/",
        {
            "start": f"{DAY}T15:00",
            "specialist": branch.boris.pk,
            "services": [branch.haircut.pk],
            "client": branch.client.pk,
        },
    )
    assert response.status_code == 403
    branch.first.refresh_from_db()
    assert branch.first.status == RecordStatus.BOOKED


def test_a_member_without_the_journal_right_is_refused(branch, amy):
    from frontdesk.accounts.models import Membership

    membership = Membership.objects.get(user=amy)
    membership.permissions = {"journal": 0}
    membership.save()
    client = client_for(amy)
    assert client.get(branch.url).status_code == 403
    assert client.get(branch.url + "events/", _range()).status_code == 403
    assert 'data-nav="journal"' not in client.get(f"/c/{branch.company.pk}/").content.decode()


def test_a_specialist_sees_only_their_own_column_and_records(branch, anna_login):
    client = client_for(anna_login)
    resources = client.get(branch.url + "resources/", _range()).json()
    assert [r["id"] for r in resources] == [branch.anna.pk]
    events = client.get(branch.url + "events/", _range()).json()["events"]
    assert {e["resourceIds"][0] for e in events} == {branch.anna.pk}
    ids = {e["extendedProps"].get("record_id") for e in events if e["extendedProps"]["kind"] == "record"}
    assert ids == {branch.first.pk, branch.second.pk}
    assert client.get(branch.url + "events/", {**_range(), "specialist": branch.boris.pk}).status_code == 404
    page = client.get(branch.url).content.decode()
    assert "Борис" not in page


def test_a_specialist_cannot_open_or_change_another_specialists_record(branch, anna_login):
    client = client_for(anna_login)
    other = branch.url + f"records/{branch.third.pk}/"
    assert client.get(other).status_code == 404
    for action, data in [
        ("status/", {"status": "cancelled"}),
        ("move/", {"start": f"{DAY}T15:00"}),
        ("resize/", {"end": f"{DAY}T12:30"}),
        ("comment/", {"comment": "x"}),
    ]:
        assert client.post(other + action, data).status_code == 404
    branch.third.refresh_from_db()
    assert branch.third.status == RecordStatus.BOOKED and branch.third.comment == ""
    # Nor move their own record into somebody else's column, nor book there.
    response = client.post(
        branch.url + f"records/{branch.first.pk}/move/", {"start": f"{DAY}T15:00", "specialist": branch.boris.pk}
    )
    assert response.status_code == 400
    response = client.post(
        branch.url + "book/",
        {
            "start": f"{DAY}T15:00",
            "specialist": branch.boris.pk,
            "services": [branch.haircut.pk],
            "client": branch.client.pk,
        },
    )
    assert response.status_code == 400
    assert client.get(branch.url + f"records/{branch.first.pk}/").status_code == 200


def test_a_specialist_without_a_linked_card_sees_an_empty_journal(branch, sam):
    client = client_for(sam)
    assert client.get(branch.url).status_code == 200
    assert client.get(branch.url + "resources/", _range()).json() == []
    assert client.get(branch.url + "events/", _range()).json()["events"] == []
    assert client.get(branch.url + f"records/{branch.first.pk}/").status_code == 404


def test_a_specialist_finds_only_their_own_clients(branch, anna_login, tenant_a):
    find_or_create_client(chain=tenant_a.chain, phone="+79169994567", name="Чужая Клиентка")
    found = client_for(anna_login).get(branch.url + "clients/", {"q": "4567"}).json()["clients"]
    assert [c["name"] for c in found] == ["Ольга Петрова"]


def test_the_printed_day_lists_each_specialists_records(branch, alice):
    response = client_for(alice).get(branch.url + "print/", {"date": DAY.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Анна") < page.index("10:00–11:00") < page.index("12:00–13:00") < page.index("Борис")
    assert "Ольга Петрова" in page and "+7 916 123-45-67" in page and "@media print" not in page
    assert "journal/journal.css" in page
    assert client_for(alice).get(branch.url + "print/", {"date": "garbage"}).status_code == 200


def test_the_printed_day_of_a_specialist_holds_only_their_records(branch, anna_login):
    page = client_for(anna_login).get(branch.url + "print/", {"date": DAY.isoformat()}).content.decode()
    assert "Анна" in page and "Борис" not in page and "11:00–12:00" not in page


def test_a_dismissed_specialist_with_records_keeps_the_column(branch, alice):
    Specialist.objects.filter(pk=branch.boris.pk).update(is_dismissed=True)
    names = [r["title"] for r in client_for(alice).get(branch.url + "resources/", _range()).json()]
    assert names == ["Анна", "Борис"]
