"""Shared pieces of reports that split a period by date: the local date of a row in its branch's
zone (one query per time zone of the branches read — a network usually has one or two), and the
buckets a chart's axis shows (days, weeks or months, picked by the period's length)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models.functions import TruncDate
from django.utils.formats import date_format

from frontdesk.analytics.overview import Period, _in_period, _zones

DAY, WEEK, MONTH = "day", "week", "month"


def grain_for(period: Period) -> str:
    """Days up to two months, weeks up to half a year, months beyond."""
    if period.days <= 62:
        return DAY
    if period.days <= 183:
        return WEEK
    return MONTH


def bucket(day: datetime.date, grain: str) -> datetime.date:
    """The first date of the bucket `day` falls in."""
    if grain == WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if grain == MONTH:
        return day.replace(day=1)
    return day


def buckets(period: Period, grain: str) -> list[datetime.date]:
    """Every bucket of the period in order, empty ones included (a chart's axis has no gaps)."""
    out, day = [], bucket(period.first, grain)
    while day <= period.last:
        out.append(day)
        if grain == MONTH:
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        elif grain == WEEK:
            day += datetime.timedelta(days=7)
        else:
            day += datetime.timedelta(days=1)
    return out


def bucket_label(day: datetime.date, grain: str) -> str:
    if grain == MONTH:
        return date_format(day, "M Y")
    if grain == WEEK:
        return date_format(day, "j M")
    return date_format(day, "j M")


def axis(period: Period) -> tuple[str, list[datetime.date], list[str]]:
    """A chart's axis over the period: (grain, the buckets' first dates, their labels)."""
    grain = grain_for(period)
    days = buckets(period, grain)
    return grain, days, [bucket_label(day, grain) for day in days]


def in_period(companies, period: Period, time_field: str, prefix: str = ""):
    """The condition for rows of these branches on the period's local dates."""
    return _in_period(companies, period, time_field, prefix)


def per_local_date(queryset, companies, period: Period, time_field: str, values, aggregates, prefix: str = ""):
    """Rows of `queryset` grouped by (local date of `time_field`, *values) with `aggregates`, one
    query per time zone; yields dicts with a "day" key. `prefix` reaches the company and the time
    field through a relation (e.g. "record__")."""
    for zone, ids in _zones(companies).items():
        zone_period = in_period([_Zoned(pk, zone) for pk in ids], period, time_field, prefix)
        rows = (
            queryset.filter(zone_period)
            .annotate(day=TruncDate(f"{prefix}{time_field}", tzinfo=ZoneInfo(zone)))
            .values("day", *values)
            .annotate(**aggregates)
            .order_by()
        )
        yield from rows


class _Zoned:
    """A branch as `_zones` reads it: its id and time zone, without loading the row."""

    def __init__(self, pk, timezone):
        self.pk = pk
        self.timezone = timezone


def sum_by_bucket(rows, grain: str, key_fields=(), value_fields=("n",)) -> dict:
    """{(bucket, *keys): {field: total}} from per-day rows (`per_local_date`'s): the days of a
    bucket added up, field by field."""
    totals: dict = {}
    for row in rows:
        sums = totals.setdefault(
            (bucket(row["day"], grain), *[row[k] for k in key_fields]), dict.fromkeys(value_fields, 0)
        )
        for name in value_fields:
            sums[name] += row[name] or 0
    return totals
