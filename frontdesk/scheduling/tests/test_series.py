import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Frequency, Record, RecordSeries, RecordStatus
from frontdesk.scheduling.series import (
    FOLLOWING,
    MAX_OCCURRENCES,
    SeriesConflict,
    book_series,
    cancel_occurrences,
    move_occurrences,
)
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=BERLIN)
FIRST = datetime.date(2026, 3, 16)  # a Monday, two weeks before the clocks go forward (29 March)


def at(day, hhmm="10:00"):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=BERLIN)


@pytest.fixture
def berlin(tenant_a):
    company = tenant_a.company
    company.timezone = "Europe/Berlin"
    company.save()
    with scope(company.chain):
        massage = make_service(company, "Массаж", duration=60)
        anna = make_specialist(company, "Анна", [massage])
        for week in range(8):
            day = FIRST + datetime.timedelta(weeks=week)
            add_shift(anna, company, day, "09:00", "18:00")
            add_shift(anna, company, day + datetime.timedelta(days=1), "09:00", "18:00")
    return company, massage, anna


def local_times(records):
    return [r.start.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") for r in records]


def test_a_weekly_series_stays_at_ten_oclock_across_the_dst_change(berlin):
    company, massage, anna = berlin
    with scope(company.chain):
        series, records, skipped = book_series(
            company=company, segments=[Segment(massage.pk, anna.pk)], start=at(FIRST), count=4, now=NOW
        )
    assert skipped == []
    assert local_times(records) == ["2026-03-16 10:00", "2026-03-23 10:00", "2026-03-30 10:00", "2026-04-06 10:00"]
    # 10:00 CET is 09:00 UTC, 10:00 CEST is 08:00 UTC.
    assert [r.start.astimezone(datetime.UTC).hour for r in records] == [9, 9, 8, 8]
    assert set(Record.objects.values_list("series_id", flat=True)) == {series.pk}


def test_every_n_days_until_a_date(berlin):
    company, massage, anna = berlin
    with scope(company.chain):
        _, records, _ = book_series(
            company=company,
            segments=[Segment(massage.pk, anna.pk)],
            start=at(FIRST),
            frequency=Frequency.DAILY,
            interval=7,
            until=FIRST + datetime.timedelta(days=14),
            now=NOW,
        )
    assert local_times(records) == ["2026-03-16 10:00", "2026-03-23 10:00", "2026-03-30 10:00"]


def test_a_colliding_series_saves_nothing_and_names_every_colliding_date(berlin):
    company, massage, anna = berlin
    with scope(company.chain):
        book_visit(company=company, segments=[Segment(massage.pk, anna.pk)], start=at(FIRST, "10:30"), now=NOW)
        with translation.override("en"), pytest.raises(SeriesConflict) as error:
            book_series(
                company=company,
                segments=[Segment(massage.pk, anna.pk)],
                start=at(FIRST),
                count=10,  # weeks 9 and 10 have no shifts
                now=NOW,
            )
    messages = error.value.messages
    assert "Nothing was saved: 3 dates collide" in messages[0]
    assert "busy with another record" in messages[1]
    assert sum("does not work" in m for m in messages) == 2
    assert [c.start.astimezone(BERLIN).date() for c in error.value.conflicts] == [
        FIRST,
        FIRST + datetime.timedelta(weeks=8),
        FIRST + datetime.timedelta(weeks=9),
    ]
    assert Record.objects.count() == 1 and RecordSeries.objects.count() == 0


def test_skipping_colliding_dates_books_the_rest(berlin):
    company, massage, anna = berlin
    with scope(company.chain):
        book_visit(company=company, segments=[Segment(massage.pk, anna.pk)], start=at(FIRST, "10:30"), now=NOW)
        _, records, skipped = book_series(
            company=company,
            segments=[Segment(massage.pk, anna.pk)],
            start=at(FIRST),
            count=3,
            skip_conflicts=True,
            now=NOW,
        )
    assert local_times(records) == ["2026-03-23 10:00", "2026-03-30 10:00"]
    assert [c.start.astimezone(BERLIN).date() for c in skipped] == [FIRST]


def test_too_long_a_series_is_refused(berlin):
    company, massage, anna = berlin
    with scope(company.chain), pytest.raises(SeriesConflict.__mro__[1]):
        book_series(
            company=company,
            segments=[Segment(massage.pk, anna.pk)],
            start=at(FIRST),
            frequency=Frequency.DAILY,
            count=MAX_OCCURRENCES + 1,
            now=NOW,
        )


@pytest.fixture
def weekly(berlin):
    company, massage, anna = berlin
    with scope(company.chain):
        _, records, _ = book_series(
            company=company, segments=[Segment(massage.pk, anna.pk)], start=at(FIRST), count=4, now=NOW
        )
    return company, massage, anna, records


def test_moving_this_and_following_keeps_the_wall_clock_across_dst(weekly):
    company, massage, anna, records = weekly
    with scope(company.chain):
        moved = move_occurrences(
            records[1], start=at(records[1].start.astimezone(BERLIN).date(), "11:00"), which=FOLLOWING
        )
    assert local_times(moved) == ["2026-03-23 11:00", "2026-03-30 11:00", "2026-04-06 11:00"]
    records[0].refresh_from_db()
    assert local_times([records[0]]) == ["2026-03-16 10:00"]


def test_moving_all_following_by_a_day_does_not_trip_over_itself(berlin):
    company, massage, anna = berlin
    with scope(company.chain):
        add_shift(anna, company, FIRST + datetime.timedelta(days=2), "09:00", "18:00")
        _, records, _ = book_series(
            company=company,
            segments=[Segment(massage.pk, anna.pk)],
            start=at(FIRST),
            frequency=Frequency.DAILY,
            count=2,
            now=NOW,
        )
        moved = move_occurrences(records[0], start=at(FIRST + datetime.timedelta(days=1)), which=FOLLOWING)
    assert local_times(moved) == ["2026-03-17 10:00", "2026-03-18 10:00"]


def test_a_colliding_move_of_following_moves_nothing(weekly):
    company, massage, anna, records = weekly
    with scope(company.chain):
        book_visit(
            company=company,
            segments=[Segment(massage.pk, anna.pk)],
            start=at(FIRST + datetime.timedelta(weeks=3), "14:00"),
            now=NOW,
        )
        with pytest.raises(SeriesConflict) as error:
            move_occurrences(records[1], start=at(FIRST + datetime.timedelta(weeks=1), "14:00"), which=FOLLOWING)
    assert [c.start.astimezone(BERLIN).date() for c in error.value.conflicts] == [FIRST + datetime.timedelta(weeks=3)]
    for record in records:
        record.refresh_from_db()
    assert local_times(records) == ["2026-03-16 10:00", "2026-03-23 10:00", "2026-03-30 10:00", "2026-04-06 10:00"]


def test_cancelling_one_or_this_and_following(weekly):
    company, massage, anna, records = weekly
    with scope(company.chain):
        cancel_occurrences(records[0])
        cancel_occurrences(records[2], which=FOLLOWING)
    statuses = list(Record.objects.order_by("start").values_list("status", flat=True))
    assert statuses == [RecordStatus.CANCELLED, RecordStatus.BOOKED, RecordStatus.CANCELLED, RecordStatus.CANCELLED]
