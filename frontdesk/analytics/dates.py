"""Periods of local dates and a set of branches grouped by time zone: what the overview, the daily
facts and the reports share. A day is always a branch's own local date."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    """Local dates, both included."""

    first: datetime.date
    last: datetime.date

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError("a period ends before it starts")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """As many days, right before."""
        last = self.first - datetime.timedelta(days=1)
        return Period(last - datetime.timedelta(days=self.days - 1), last)

    def year_before(self) -> Period:
        """The same dates a year earlier (29 February becomes the 28th)."""
        return Period(_year_back(self.first), _year_back(self.last))


def _year_back(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _zones(companies) -> dict[str, list[int]]:
    zones: dict[str, list[int]] = defaultdict(list)
    for company in companies:
        zones[company.timezone].append(company.pk)
    return zones


def _local_bounds(first: datetime.date, last: datetime.date, zone: str):
    tz = ZoneInfo(zone)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end
