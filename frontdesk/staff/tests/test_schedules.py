"""The schedule rules as plain data: validation, templates, absences, and local time -> UTC."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.staff import schedules

T = datetime.time
D = datetime.date
BERLIN = ZoneInfo("Europe/Berlin")


def test_a_day_with_a_lunch_break_parses_and_formats_back():
    plan = schedules.parse_day("10:00-14:00, 15:00–19:00")
    assert plan == [(T(10), T(14)), (T(15), T(19))]
    assert schedules.format_day(plan) == "10:00-14:00, 15:00-19:00"
    assert schedules.short_label(plan) == "10–19"


@pytest.mark.parametrize("text", ["", "выходной", "Day off", "-"])
def test_a_day_off_is_written_in_several_ways(text):
    assert schedules.parse_day(text) == []


@pytest.mark.parametrize(
    "text,message",
    [
        ("10:00-14:00, 13:00-19:00", "overlap"),
        ("19:00-10:00", "Overnight shifts are not supported"),
        ("22:00-06:00", "Overnight shifts are not supported"),
        ("10:00-10:00", "empty"),
        ("10:03-19:00", "steps of 5 minutes"),
        ("10:00-24:00", "overnight shifts are not supported"),
        ("ten to seven", "not an interval"),
        ("25:00-26:00", "not a time"),
    ],
)
def test_bad_intervals_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValidationError) as error:
        schedules.parse_day(text)
    assert message in error.value.messages[0]


def test_a_template_needs_the_right_number_of_days_and_some_work():
    with pytest.raises(ValidationError):
        schedules.validate_template("weekly", [[["10:00", "19:00"]]] * 6)
    with pytest.raises(ValidationError):
        schedules.validate_template("cycle", [[], []])
    with pytest.raises(ValidationError):
        schedules.validate_template("cycle", [[["19:00", "10:00"]]])


# ---------------------------------------------------------------- properties
minutes = st.integers(min_value=0, max_value=(24 * 60 - 5) // 5).map(lambda m: m * 5)


@st.composite
def day_plans(draw):
    """A valid day: sorted, non-overlapping intervals on the 5-minute grid."""
    points = sorted(draw(st.sets(minutes, max_size=8)))
    if len(points) % 2:
        points = points[:-1]
    return [(T(a // 60, a % 60), T(b // 60, b % 60)) for a, b in zip(points[::2], points[1::2], strict=True)]


dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))


@given(day_plans())
def test_any_valid_day_round_trips_through_text(plan):
    assert schedules.parse_day(schedules.format_day(plan)) == plan


@given(st.lists(st.tuples(minutes, minutes), max_size=6))
def test_accepted_days_never_have_overlapping_or_inverted_intervals(raw):
    intervals = [(T(a // 60, a % 60), T(b // 60, b % 60)) for a, b in raw]
    try:
        plan = schedules.validate_day(intervals)
    except ValidationError:
        return
    for start, end in plan:
        assert start < end
    for (_a, a_end), (b_start, _b) in zip(plan, plan[1:], strict=False):
        assert a_end <= b_start


@given(st.lists(day_plans(), min_size=7, max_size=7).filter(any), dates, st.integers(0, 120))
def test_a_weekly_template_puts_work_exactly_on_its_weekdays(week, start, length):
    plan = schedules.expand_template("weekly", week, start, start, start + datetime.timedelta(days=length))
    assert len(plan) == length + 1
    for day, intervals in plan.items():
        assert intervals == week[day.weekday()]


@given(st.integers(1, 7), st.integers(0, 7), day_plans().filter(bool), dates, dates, st.integers(0, 90))
def test_a_cycle_repeats_with_its_period_from_the_anchor(work, off, day, anchor, start, length):
    days = schedules.validate_template("cycle", schedules.cycle_days(work, off, day))
    period = work + off
    plan = schedules.expand_template("cycle", days, anchor, start, start + datetime.timedelta(days=length))
    for date, intervals in plan.items():
        offset = (date - anchor).days % period
        assert intervals == (day if offset < work else [])
        later = date + datetime.timedelta(days=period)
        if later in plan:
            assert plan[later] == intervals


@given(
    st.lists(day_plans(), min_size=7, max_size=7).filter(any),
    dates,
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), max_size=4),
)
def test_absences_remove_exactly_their_days(week, start, raw_absences):
    end = start + datetime.timedelta(days=60)
    plan = schedules.expand_template("weekly", week, start, start, end)
    absences = [(start + datetime.timedelta(days=a), start + datetime.timedelta(days=a + n)) for a, n in raw_absences]
    cleaned = schedules.remove_absences(plan, absences)
    for day in plan:
        absent = any(a <= day <= b for a, b in absences)
        assert cleaned[day] == ([] if absent else plan[day])


zones = st.sampled_from(["Europe/Berlin", "Europe/Moscow", "America/New_York", "Australia/Lord_Howe", "UTC"])
dst_dates = st.sampled_from([D(2026, 3, 29), D(2026, 10, 25), D(2026, 3, 8), D(2026, 11, 1), D(2026, 4, 5)]) | dates


def _in_gap(day, value, tz):
    naive = datetime.datetime.combine(day, value)
    aware = naive.replace(tzinfo=tz).astimezone(datetime.UTC).astimezone(tz)
    return aware.replace(tzinfo=None) != naive


@settings(max_examples=300)
@given(zones, dst_dates, day_plans())
def test_utc_conversion_round_trips_to_the_same_wall_clock_times(zone, day, plan):
    tz = ZoneInfo(zone)
    utc = schedules.day_to_utc(day, plan, tz)
    kept = [(s, e) for s, e in plan if not (_in_gap(day, s, tz) or _in_gap(day, e, tz))]
    converted = {(a.astimezone(tz).time(), b.astimezone(tz).time()) for a, b in utc}
    for start, end in kept:
        assert (start, end) in converted
    # UTC intervals come out ordered and never overlap.
    for (_a, a_end), (b_start, _b) in zip(utc, utc[1:], strict=False):
        assert a_end <= b_start
    for a, b in utc:
        assert a.tzinfo == datetime.UTC and a < b


@given(zones, dst_dates, day_plans())
def test_utc_durations_are_exact_when_no_clock_change_falls_inside(zone, day, plan):
    tz = ZoneInfo(zone)
    for start, end in plan:
        a = schedules.local_to_utc(day, start, tz, is_end=False)
        b = schedules.local_to_utc(day, end, tz, is_end=True)
        if a.astimezone(tz).utcoffset() == b.astimezone(tz).utcoffset() and not _in_gap(day, start, tz):
            wall = datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)
            assert b - a == wall


@pytest.mark.parametrize("day", [D(2026, 3, 29), D(2026, 10, 25)])
def test_a_nine_to_six_shift_lasts_nine_hours_on_berlin_dst_days(day):
    [(start, end)] = schedules.day_to_utc(day, [(T(9), T(18))], BERLIN)
    assert end - start == datetime.timedelta(hours=9)
    assert start.astimezone(BERLIN).time() == T(9)
    assert end.astimezone(BERLIN).time() == T(18)


def test_the_skipped_hour_is_cut_out_of_an_interval_on_the_spring_forward_day():
    day = D(2026, 3, 29)  # Berlin: 02:00 CET becomes 03:00 CEST (01:00 UTC)
    change = datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC)
    # Entirely inside the skipped hour: nothing is left.
    assert schedules.day_to_utc(day, [(T(2), T(3))], BERLIN) == []
    # Starts inside it: starts at the moment of the change.
    assert schedules.day_to_utc(day, [(T(2, 30), T(5))], BERLIN) == [
        (change, datetime.datetime(2026, 3, 29, 3, 0, tzinfo=datetime.UTC))
    ]
    # Spans it: one hour shorter than the wall clock says.
    [(a, b)] = schedules.day_to_utc(day, [(T(1), T(4))], BERLIN)
    assert b - a == datetime.timedelta(hours=2)


def test_the_repeated_hour_is_read_at_its_first_occurrence_on_the_fall_back_day():
    day = D(2026, 10, 25)  # Berlin: 03:00 CEST becomes 02:00 CET (01:00 UTC)
    # A shift across the change lasts what really passes: 01:00 CEST to 04:00 CET is 4 hours.
    [(a, b)] = schedules.day_to_utc(day, [(T(1), T(4))], BERLIN)
    assert b - a == datetime.timedelta(hours=4)
    [(a, b)] = schedules.day_to_utc(day, [(T(2), T(2, 30))], BERLIN)
    assert a == datetime.datetime(2026, 10, 25, 0, 0, tzinfo=datetime.UTC)
    assert b == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)
    # Adjacent intervals around the repeated hour never overlap (found by hypothesis).
    [(_a, first_end), (second_start, _b)] = schedules.day_to_utc(day, [(T(0), T(2)), (T(2, 5), T(2, 10))], BERLIN)
    assert first_end <= second_start


def test_a_plan_in_utc_leaves_out_absences():
    plan = {D(2026, 3, 28): [(T(9), T(18))], D(2026, 3, 29): [(T(9), T(18))]}
    result = schedules.plan_to_utc(plan, BERLIN, absences=[(D(2026, 3, 29), D(2026, 3, 29))])
    assert [a.date() for a, _b in result] == [D(2026, 3, 28)]


def test_holidays_follow_the_branch_country_with_russia_by_default():
    assert D(2026, 1, 7) in schedules.public_holidays("Россия", D(2026, 1, 1), D(2026, 1, 31))
    assert D(2026, 1, 7) in schedules.public_holidays("", D(2026, 1, 1), D(2026, 1, 31))
    assert D(2026, 10, 3) in schedules.public_holidays("Germany", D(2026, 10, 1), D(2026, 10, 31))


def test_work_outside_the_branch_hours_is_flagged():
    hours = (T(9), T(21))
    assert not schedules.outside_hours([(T(10), T(19))], hours)
    assert schedules.outside_hours([(T(8), T(19))], hours)
    assert schedules.outside_hours([(T(10), T(19))], None)
