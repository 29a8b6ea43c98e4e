"""Repeating records and the prepayment flag in the journal's endpoints: a series booked from the
booking dialog, colliding dates listed with their reasons and nothing saved, skipping them on
request, moving and cancelling one or all following occurrences, and "prepayment required"."""

import datetime

import pytest

from frontdesk.accounts.permissions import Role
from frontdesk.clients.models import Client
from frontdesk.clients.services import find_or_create_client
from frontdesk.core.models import Event, EventAction
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Record, RecordSeries, RecordStatus
from frontdesk.scheduling.series import book_series
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.scheduling.tests.test_availability import DAY, MSK, NOW, at
from frontdesk.testing.fixtures import add_member, client_for

WEEKS = 6


class Branch:
    pass


@pytest.fixture
def branch(tenant_a):
    """Анна works 10:00–19:00 on DAY (a Tuesday) and the same weekday of the next weeks."""
    b = Branch()
    b.company = company = tenant_a.company
    b.haircut = make_service(company, "Стрижка", duration=60)
    b.anna = make_specialist(company, "Анна", [b.haircut])
    for week in range(WEEKS):
        add_shift(b.anna, company, DAY + datetime.timedelta(weeks=week), "10:00", "19:00")
    b.client = find_or_create_client(chain=company.chain, phone="+79161234567", name="Ольга Петрова")
    b.url = f"/c/{company.pk}/journal/"
    return b


def week(n, hhmm="10:00"):
    return at(hhmm, DAY + datetime.timedelta(weeks=n))


def series_post(b, **extra):
    data = {
        "start": f"{DAY.isoformat()}T10:00",
        "specialist": b.anna.pk,
        "services": [b.haircut.pk],
        "client": b.client.pk,
        "repeat": "1",
        "frequency": "weekly",
        "interval": "1",
        "ends": "count",
        "count": "4",
    }
    data.update(extra)
    return data


def local_starts(records):
    return [r.start.astimezone(MSK).strftime("%Y-%m-%d %H:%M") for r in records]


def test_a_weekly_series_of_four_booked_from_the_dialog(branch, amy):
    response = client_for(amy).post(branch.url + "book/", series_post(branch))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] and len(body["records"]) == 4
    assert "4" in body["message"]
    records = list(Record.objects.order_by("start"))
    assert local_starts(records) == [
        "2026-12-01 10:00",
        "2026-12-08 10:00",
        "2026-12-15 10:00",
        "2026-12-22 10:00",
    ]
    series = RecordSeries.objects.get()
    assert {r.series_id for r in records} == {series.pk}
    assert all(r.created_by == amy for r in records)


def test_a_series_until_a_date_every_two_weeks(branch, amy):
    until = (DAY + datetime.timedelta(weeks=4)).isoformat()
    data = series_post(branch, interval="2", ends="until", until=until, count="")
    response = client_for(amy).post(branch.url + "book/", data)
    assert response.status_code == 200, response.content
    assert local_starts(Record.objects.order_by("start")) == [
        "2026-12-01 10:00",
        "2026-12-15 10:00",
        "2026-12-29 10:00",
    ]


def test_colliding_dates_are_listed_with_reasons_and_nothing_is_saved(branch, amy):
    taken = book_visit(company=branch.company, segments=[Segment(branch.haircut.pk, branch.anna.pk)], start=week(1))
    # A new client card typed into the dialog must not survive a refused series either.
    data = series_post(branch, client="", client_name="Новая", client_phone="+79005551234", count="7")
    response = client_for(amy).post(branch.url + "book/", data)
    assert response.status_code == 409
    body = response.json()
    assert not body["ok"]
    assert "Nothing was saved" in body["error"]
    # The 2nd week is taken; the 7th is a day without a shift.
    assert [c["date"].split()[-1] for c in body["conflicts"]] == ["10:00", "10:00"]
    reasons = [c["reason"] for c in body["conflicts"]]
    assert reasons == [
        "the specialist is busy with another record or class",
        "the specialist does not work at this time",
    ]
    assert body["others"] == 5
    assert list(Record.objects.all()) == taken
    assert not RecordSeries.objects.exists()
    assert not Client.objects.filter(phone="+79005551234").exists()


def test_colliding_dates_are_skipped_when_asked(branch, amy):
    book_visit(company=branch.company, segments=[Segment(branch.haircut.pk, branch.anna.pk)], start=week(1))
    response = client_for(amy).post(branch.url + "book/", series_post(branch, skip_conflicts="1"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["records"]) == 3 and len(body["skipped"]) == 1
    series = RecordSeries.objects.get()
    assert local_starts(series.records.order_by("start")) == [
        "2026-12-01 10:00",
        "2026-12-15 10:00",
        "2026-12-22 10:00",
    ]


def test_a_series_where_every_date_collides_offers_nothing_to_skip(branch, amy):
    data = series_post(branch, start=f"{DAY.isoformat()}T20:00", skip_conflicts="1", count="2")
    response = client_for(amy).post(branch.url + "book/", data)
    assert response.status_code == 409
    assert response.json()["others"] == 0
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"count": ""},
        {"count": "0"},
        {"count": "500"},
        {"interval": "0"},
        {"ends": "until", "until": ""},
        {"ends": "until", "until": "2026-11-01"},
        {"ends": "until", "until": "not a date"},
        {"frequency": "yearly"},
        {"overbook": "1"},
    ],
)
def test_a_bad_repeat_rule_is_a_clear_400_and_saves_nothing(branch, amy, bad):
    response = client_for(amy).post(branch.url + "book/", series_post(branch, **bad))
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Record.objects.exists() and not RecordSeries.objects.exists()


@pytest.fixture
def series(branch):
    _, records, _ = book_series(
        company=branch.company,
        segments=[Segment(branch.haircut.pk, branch.anna.pk)],
        start=week(0),
        count=4,
        client=branch.client,
        now=NOW,
    )
    return records


def test_the_record_dialog_says_it_is_part_of_a_series(branch, amy, series):
    page = client_for(amy).get(branch.url + f"records/{series[1].pk}/").content.decode()
    assert "Part of a series (every week, 4 times)" in page
    assert "data-series-confirm" in page
    events = client_for(amy).get(branch.url + "events/", {"start": DAY.isoformat()}).json()["events"]
    record = next(e for e in events if e["extendedProps"]["kind"] == "record")
    assert record["extendedProps"]["series"] == series[0].series_id


def test_cancelling_this_and_all_following(branch, amy, series):
    url = branch.url + f"records/{series[1].pk}/status/"
    response = client_for(amy).post(
        url, {"status": RecordStatus.CANCELLED, "which": "following", "reason": "client_asked"}
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["records"]) == 3
    statuses = [r.status for r in Record.objects.order_by("start")]
    assert statuses == [RecordStatus.BOOKED] + [RecordStatus.CANCELLED] * 3


def test_cancelling_only_this_one(branch, amy, series):
    url = branch.url + f"records/{series[1].pk}/status/"
    assert (
        client_for(amy)
        .post(url, {"status": RecordStatus.CANCELLED, "which": "one", "reason": "client_asked"})
        .status_code
        == 200
    )
    statuses = [r.status for r in Record.objects.order_by("start")]
    assert statuses == [RecordStatus.BOOKED, RecordStatus.CANCELLED, RecordStatus.BOOKED, RecordStatus.BOOKED]


def test_moving_this_and_all_following_by_an_hour(branch, amy, series):
    url = branch.url + f"records/{series[2].pk}/move/"
    start = (DAY + datetime.timedelta(weeks=2)).isoformat() + "T11:00"
    response = client_for(amy).post(url, {"start": start, "which": "following"})
    assert response.status_code == 200, response.content
    assert local_starts(Record.objects.order_by("start")) == [
        "2026-12-01 10:00",
        "2026-12-08 10:00",
        "2026-12-15 11:00",
        "2026-12-22 11:00",
    ]


def test_moving_only_this_one(branch, amy, series):
    url = branch.url + f"records/{series[0].pk}/move/"
    response = client_for(amy).post(url, {"start": f"{DAY.isoformat()}T12:00", "which": "one"})
    assert response.status_code == 200
    assert local_starts(Record.objects.order_by("start"))[:2] == ["2026-12-01 12:00", "2026-12-08 10:00"]


def test_moving_all_following_onto_a_taken_time_moves_nothing_and_lists_the_dates(branch, amy, series):
    other = find_or_create_client(chain=branch.company.chain, phone="+79160000000", name="Иван")
    book_visit(
        company=branch.company,
        segments=[Segment(branch.haircut.pk, branch.anna.pk)],
        start=week(3, "12:00"),
        client=other,
    )
    url = branch.url + f"records/{series[1].pk}/move/"
    start = (DAY + datetime.timedelta(weeks=1)).isoformat() + "T12:00"
    response = client_for(amy).post(url, {"start": start, "which": "following"})
    assert response.status_code == 400
    body = response.json()
    assert "Nothing was saved" in body["error"]
    assert len(body["conflicts"]) == 1  # 22 December, 12:00 is taken by Иван
    assert body["conflicts"][0]["date"].endswith("12:00")
    assert local_starts(Record.objects.filter(series__isnull=False).order_by("start")) == [
        "2026-12-01 10:00",
        "2026-12-08 10:00",
        "2026-12-15 10:00",
        "2026-12-22 10:00",
    ]


def test_a_bad_which_is_a_400(branch, amy, series):
    url = branch.url + f"records/{series[1].pk}/status/"
    response = client_for(amy).post(url, {"status": RecordStatus.CANCELLED, "which": "everything"})
    assert response.status_code == 400
    assert Record.objects.filter(status=RecordStatus.CANCELLED).count() == 0


def test_prepayment_required_from_the_booking_dialog(branch, amy):
    data = {
        "start": f"{DAY.isoformat()}T10:00",
        "specialist": branch.anna.pk,
        "services": [branch.haircut.pk],
        "client": branch.client.pk,
        "prepaid": "1",
    }
    assert client_for(amy).post(branch.url + "book/", data).status_code == 200
    record = Record.objects.get()
    assert record.prepaid
    events = client_for(amy).get(branch.url + "events/", {"start": DAY.isoformat()}).json()["events"]
    assert next(e for e in events if e["extendedProps"]["kind"] == "record")["extendedProps"]["prepaid"] is True
    page = client_for(amy).get(branch.url + f"records/{record.pk}/").content.decode()
    assert 'data-testid="record-prepaid-badge"' in page


def test_a_series_with_prepayment_marks_every_record(branch, amy):
    assert client_for(amy).post(branch.url + "book/", series_post(branch, prepaid="1")).status_code == 200
    assert list(Record.objects.values_list("prepaid", flat=True)) == [True] * 4


def test_switching_prepayment_in_the_record_dialog_is_logged(branch, amy, series):
    url = branch.url + f"records/{series[0].pk}/prepaid/"
    response = client_for(amy).post(url, {"prepaid": "1"})
    assert response.status_code == 200 and response.json()["prepaid"] is True
    series[0].refresh_from_db()
    assert series[0].prepaid
    logged = Event.objects.filter(
        object_type="scheduling.record", object_id=str(series[0].pk), action=EventAction.CHANGED
    )
    assert any("prepaid" in event.changes for event in logged)
    assert client_for(amy).post(url, {}).json()["prepaid"] is False
    series[0].refresh_from_db()
    assert not series[0].prepaid
    assert client_for(amy).get(url).status_code == 405


def test_view_only_access_cannot_change_prepayment_or_series(branch, tenant_a, series):
    client = client_for(add_member(tenant_a, "acc@example.com", Role.ACCOUNTANT))
    assert client.post(branch.url + f"records/{series[0].pk}/prepaid/", {"prepaid": "1"}).status_code == 403
    assert client.post(branch.url + "book/", series_post(branch)).status_code == 403
    page = client.get(branch.url + f"records/{series[0].pk}/").content.decode()
    assert "data-record-prepaid" not in page
