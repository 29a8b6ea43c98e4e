"""Work schedules as plain data: parsing, validation, template expansion and the conversion of
local wall-clock intervals into UTC. No database here, so that every rule lives in one place and
the property tests can hammer it.

A day's plan is a sorted list of (start, end) `datetime.time` pairs in the branch's local time;
an empty list is a day off. The breaks of a day are the gaps between its intervals.

Time-zone rules (what `local_to_utc` guarantees):
- A local time that exists once is converted exactly; durations in UTC equal wall-clock durations
  on every day without a clock change inside the interval (a 09:00–18:00 shift is 9 h on DST days).
- A local time skipped by a spring-forward change (02:00–02:59 in Europe/Berlin on 2026-03-29) is
  moved to the moment of the change, i.e. the interval is shortened by the skipped part; an
  interval lying entirely inside the skipped hour disappears.
- A local time repeated by a fall-back change (02:00–02:59 in Europe/Berlin on 2026-10-25) is read
  as its earlier occurrence, for starts and ends alike, so that the conversion keeps the order of
  wall-clock times and the intervals of a day never overlap in UTC.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Interval = tuple[datetime.time, datetime.time]
DayPlan = list[Interval]

GRID_MINUTES = 5
MAX_CYCLE_DAYS = 62
UTC = datetime.UTC

# Words that mean "no work that day" in a cell of an imported sheet or a form.
DAY_OFF_WORDS = {"", "-", "–", "—", "выходной", "вых", "в", "day off", "off", "x"}

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")
_DASHES = re.compile(r"\s*[-–—]\s*")


# ---------------------------------------------------------------- parsing and formatting
def parse_time(text: str) -> datetime.time:
    """'9', '09:30', '9.30' -> time; on the 5-minute grid, within one day."""
    match = _TIME.match(text or "")
    if not match:
        raise ValidationError(_("“%(value)s” is not a time; write it as 10:00."), params={"value": text})
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour == 24 and minute == 0:
        raise ValidationError(
            _("A working day ends at 23:55 at the latest; overnight shifts are not supported, split them at midnight.")
        )
    if hour > 23 or minute > 59:
        raise ValidationError(_("“%(value)s” is not a time; write it as 10:00."), params={"value": text})
    return datetime.time(hour, minute)


def parse_day(text: str | None) -> DayPlan:
    """'10:00-19:00', '10:00-14:00, 15:00-19:00', '' or 'выходной' -> a validated day plan."""
    raw = (text or "").strip()
    if raw.lower() in DAY_OFF_WORDS:
        return []
    intervals = []
    for part in re.split(r"[,;/\n]+", raw):
        part = part.strip()
        if not part:
            continue
        ends = _DASHES.split(part)
        if len(ends) != 2:
            raise ValidationError(_("“%(value)s” is not an interval; write it as 10:00-19:00."), params={"value": part})
        intervals.append((parse_time(ends[0]), parse_time(ends[1])))
    return validate_day(intervals)


def format_time(value: datetime.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def format_day(plan: Sequence[Interval]) -> str:
    """The inverse of `parse_day`: '10:00-14:00, 15:00-19:00'; '' for a day off."""
    return ", ".join(f"{format_time(a)}-{format_time(b)}" for a, b in plan)


def short_time(value: datetime.time) -> str:
    return str(value.hour) if value.minute == 0 else f"{value.hour}:{value.minute:02d}"


def short_label(plan: Sequence[Interval]) -> str:
    """What a grid cell shows: '10–19' (breaks are in the cell's title)."""
    if not plan:
        return ""
    return f"{short_time(plan[0][0])}–{short_time(plan[-1][1])}"


# ---------------------------------------------------------------- validation
def validate_day(intervals: Iterable[Interval]) -> DayPlan:
    """Return the day's intervals sorted, or raise ValidationError (translated) when an interval
    is off the 5-minute grid, empty, inverted or crosses midnight, or when two overlap."""
    plan = sorted(intervals)
    for start, end in plan:
        label = f"{format_time(start)}–{format_time(end)}"
        for value in (start, end):
            if value.second or value.microsecond or value.minute % GRID_MINUTES:
                raise ValidationError(
                    _("Times go in steps of %(step)s minutes: “%(interval)s”."),
                    params={"step": GRID_MINUTES, "interval": label},
                )
        if start == end:
            raise ValidationError(_("The interval “%(interval)s” is empty."), params={"interval": label})
        if end < start:
            raise ValidationError(
                _(
                    "The interval “%(interval)s” ends before it starts. Overnight shifts are not supported: "
                    "enter the hours before midnight on one day and the rest on the next."
                ),
                params={"interval": label},
            )
    for (a_start, a_end), (b_start, b_end) in zip(plan, plan[1:], strict=False):
        if b_start < a_end:
            raise ValidationError(
                _("The intervals “%(first)s” and “%(second)s” overlap."),
                params={
                    "first": f"{format_time(a_start)}–{format_time(a_end)}",
                    "second": f"{format_time(b_start)}–{format_time(b_end)}",
                },
            )
    return plan


def day_to_json(plan: Sequence[Interval]) -> list[list[str]]:
    return [[format_time(a), format_time(b)] for a, b in plan]


def day_from_json(raw) -> DayPlan:
    if not isinstance(raw, list):
        raise ValidationError(_("A template day must be a list of intervals."))
    intervals = []
    for item in raw:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise ValidationError(_("A template day must be a list of intervals."))
        intervals.append((parse_time(str(item[0])), parse_time(str(item[1]))))
    return validate_day(intervals)


def validate_template(kind: str, days) -> list[DayPlan]:
    """A template's days as plans: a week has 7 days (Monday first); a cycle 2–62 days with at
    least one working day."""
    if not isinstance(days, list):
        raise ValidationError(_("A template needs a list of days."))
    plans = [day_from_json(day) for day in days]
    if kind == "weekly":
        if len(plans) != 7:
            raise ValidationError(_("A weekly template has exactly 7 days."))
    elif kind == "cycle":
        if not 1 <= len(plans) <= MAX_CYCLE_DAYS:
            raise ValidationError(_("A cycle has from 1 to %(max)s days."), params={"max": MAX_CYCLE_DAYS})
    else:
        raise ValidationError(_("Unknown template kind."))
    if not any(plans):
        raise ValidationError(_("A template needs at least one working day."))
    return plans


def cycle_days(work: int, off: int, plan: Sequence[Interval]) -> list[list[list[str]]]:
    """The `days` of an N/M cycle: `work` days with `plan`, then `off` days off."""
    if work < 1 or off < 0 or work + off > MAX_CYCLE_DAYS:
        raise ValidationError(_("A cycle has from 1 to %(max)s days."), params={"max": MAX_CYCLE_DAYS})
    day = day_to_json(validate_day(plan))
    return [day] * work + [[]] * off


# ---------------------------------------------------------------- expansion
def date_range(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    days = (date_to - date_from).days
    return [date_from + datetime.timedelta(days=i) for i in range(days + 1)]


def template_day(kind: str, plans: Sequence[DayPlan], anchor: datetime.date, day: datetime.date) -> DayPlan:
    if kind == "weekly":
        return list(plans[day.weekday()])
    return list(plans[(day - anchor).days % len(plans)])


def expand_template(
    kind: str, plans: Sequence[DayPlan], anchor: datetime.date, date_from: datetime.date, date_to: datetime.date
) -> dict[datetime.date, DayPlan]:
    """Every date of [date_from, date_to] with its plan (an empty list on days off). A weekly
    template follows the weekdays; a cycle repeats with its length, counted from `anchor`
    (dates before the anchor continue the cycle backwards)."""
    return {day: template_day(kind, plans, anchor, day) for day in date_range(date_from, date_to)}


def remove_absences(
    plan: dict[datetime.date, DayPlan], absences: Iterable[tuple[datetime.date, datetime.date]]
) -> dict[datetime.date, DayPlan]:
    """The plan with every day inside an absence (inclusive ranges) turned into a day off."""
    spans = list(absences)
    return {day: ([] if any(a <= day <= b for a, b in spans) else list(p)) for day, p in plan.items()}


def copy_targets(
    source: Sequence[datetime.date], target: Sequence[datetime.date]
) -> dict[datetime.date, datetime.date]:
    """Which source day each target day copies: target day i takes source day i (mod the length
    of the source), so a week copies weekday to weekday and a month day-of-month to day-of-month."""
    if not source:
        return {}
    return {day: source[i % len(source)] for i, day in enumerate(target)}


def outside_hours(plan: Sequence[Interval], hours: tuple[datetime.time, datetime.time] | None) -> bool:
    """True when the day has work outside the branch's opening hours (or the branch is closed)."""
    if not plan:
        return False
    if hours is None:
        return True
    opens, closes = hours
    return any(start < opens or end > closes for start, end in plan)


# ---------------------------------------------------------------- time zones
def _offset(instant: datetime.datetime, tz: ZoneInfo) -> datetime.timedelta:
    return instant.astimezone(tz).utcoffset()


def local_to_utc(day: datetime.date, value: datetime.time, tz: ZoneInfo, *, is_end: bool) -> datetime.datetime:
    """One wall-clock moment of `day` in `tz` as an aware UTC datetime (see the module's rules)."""
    naive = datetime.datetime.combine(day, value)
    earlier = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    later = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if earlier == later:
        return earlier
    if earlier < later:  # repeated (fall back): the first occurrence keeps the day's order
        return earlier
    # Skipped (spring forward): fold=1 reads it with the new offset, fold=0 with the old one, so
    # the change happened between `later` and `earlier`. Find that minute.
    low, high = later, earlier
    after = _offset(earlier, tz)
    while high - low > datetime.timedelta(minutes=1):
        middle = low + (high - low) // 2
        middle = middle.replace(second=0, microsecond=0)
        if _offset(middle, tz) == after:
            high = middle
        else:
            low = middle
    return high


def day_to_utc(
    day: datetime.date, plan: Sequence[Interval], tz: ZoneInfo
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    result = []
    for start, end in plan:
        a = local_to_utc(day, start, tz, is_end=False)
        b = local_to_utc(day, end, tz, is_end=True)
        if a < b:
            result.append((a, b))
    return result


def plan_to_utc(
    plan: dict[datetime.date, DayPlan],
    tz: ZoneInfo,
    absences: Iterable[tuple[datetime.date, datetime.date]] = (),
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """A specialist's local plan (date -> intervals) as sorted UTC (start, end) pairs, without the
    days of any absence. This is what the scheduling engine books against."""
    cleaned = remove_absences(plan, absences)
    result = []
    for day in sorted(cleaned):
        result.extend(day_to_utc(day, cleaned[day], tz))
    return result


# ---------------------------------------------------------------- holidays
_COUNTRY_CODES = {
    "россия": "RU",
    "российская федерация": "RU",
    "russia": "RU",
    "казахстан": "KZ",
    "kazakhstan": "KZ",
    "беларусь": "BY",
    "белоруссия": "BY",
    "belarus": "BY",
    "украина": "UA",
    "ukraine": "UA",
    "узбекистан": "UZ",
    "uzbekistan": "UZ",
    "армения": "AM",
    "armenia": "AM",
    "грузия": "GE",
    "georgia": "GE",
    "германия": "DE",
    "germany": "DE",
    "deutschland": "DE",
}
DEFAULT_COUNTRY = "RU"


def country_code(country: str) -> str:
    """The ISO code of a branch's country as people write it ('Россия', 'Germany', 'DE'); RU when
    unknown, because most salons using the product are in Russia."""
    text = (country or "").strip()
    if len(text) == 2 and text.upper() in holidays_lib.list_supported_countries():
        return text.upper()
    return _COUNTRY_CODES.get(text.lower(), DEFAULT_COUNTRY)


def public_holidays(country: str, date_from: datetime.date, date_to: datetime.date) -> dict[datetime.date, str]:
    """Public holidays (date -> name) of the branch's country in the range."""
    code = country_code(country)
    try:
        calendar = holidays_lib.country_holidays(code, years=range(date_from.year, date_to.year + 1))
    except NotImplementedError:
        return {}
    return {day: str(name) for day, name in calendar.items() if date_from <= day <= date_to}
