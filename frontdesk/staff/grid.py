"""The month × staff grid: what each cell shows, read in a constant number of queries."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from frontdesk.staff import schedules, services
from frontdesk.staff.models import Specialist


@dataclass
class Day:
    date: datetime.date
    weekend: bool
    holiday: str
    hours: tuple | None


@dataclass
class Cell:
    date: datetime.date
    label: str
    title: str
    state: str  # work, off, absence
    css: str


def parse_month(value: str | None, today: datetime.date) -> datetime.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


def month_bounds(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def add_months(first: datetime.date, count: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def build(company, first: datetime.date, specialists=None):
    date_from, date_to = month_bounds(first)
    if specialists is None:
        specialists = list(
            Specialist.objects.filter(companies=company, is_dismissed=False)
            .select_related("position")
            .order_by("sort_order", "name", "id")
        )
    ids = [s.pk for s in specialists]
    hours = services.opening_hours(company)
    holidays = schedules.public_holidays(company.country, date_from, date_to)
    days = [
        Day(day, day.weekday() >= 5, holidays.get(day, ""), hours.get(day.weekday()))
        for day in schedules.date_range(date_from, date_to)
    ]
    plans = services.day_plans(company, ids, date_from, date_to)
    absences = services.absences_of(ids, date_from, date_to)
    rows = []
    for specialist in specialists:
        cells = []
        plan = plans.get(specialist.pk, {})
        own_absences = absences.get(specialist.pk, [])
        total = 0
        for day in days:
            intervals = plan.get(day.date, [])
            absence = next((a for a in own_absences if a.date_from <= day.date <= a.date_to), None)
            css = []
            if day.weekend:
                css.append("fd-weekend")
            if day.holiday:
                css.append("fd-holiday")
            if absence is not None:
                label = {"vacation": _("vac."), "sick": _("sick"), "day_off": _("off")}.get(absence.kind, _("abs."))
                cells.append(
                    Cell(day.date, label, absence.get_kind_display(), "absence", " ".join([*css, "fd-absent"]))
                )
                continue
            if intervals:
                title = schedules.format_day(intervals)
                if schedules.outside_hours(intervals, day.hours):
                    css.append("fd-warn")
                    title += " — " + _("outside the branch's working hours")
                if len(intervals) > 1:
                    css.append("fd-break")
                total += sum(
                    (datetime.datetime.combine(day.date, b) - datetime.datetime.combine(day.date, a)).seconds
                    for a, b in intervals
                )
                cells.append(
                    Cell(day.date, schedules.short_label(intervals), title, "work", " ".join([*css, "fd-work"]))
                )
            else:
                cells.append(Cell(day.date, "", _("Day off"), "off", " ".join(css)))
        rows.append({"specialist": specialist, "cells": cells, "hours": round(total / 3600)})
    return {"days": days, "rows": rows, "date_from": date_from, "date_to": date_to}
