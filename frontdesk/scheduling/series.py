"""Repeating records: every N days or weeks, until a date or N times.

Occurrences repeat on the branch's wall clock (a weekly 10:00 stays at 10:00 across a DST
change). Each occurrence is booked through `book_visit`, the one booking path, inside one
transaction: when any occurrence collides nothing is saved and the answer names every colliding
date with its reason, unless the caller asked to skip the colliding dates explicitly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, WEEKLY, rrule
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.core.audit import log_action
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.errors import BookingError, SlotTaken
from frontdesk.scheduling.models import Frequency, Record, RecordSeries, RecordSource, RecordStatus
from frontdesk.scheduling.services import book_visit, move_record, set_record_status
from frontdesk.staff.models import WorkInterval

# A guard against a typo that would book a thousand visits: a year of weekly visits fits.
MAX_OCCURRENCES = 100


@dataclass(frozen=True)
class Conflict:
    start: datetime.datetime  # UTC
    reason: str


class SeriesConflict(ValidationError):
    """Some occurrences collide; nothing was saved. `conflicts` lists each date and why."""

    def __init__(self, conflicts: list[Conflict], tz: ZoneInfo):
        self.conflicts = conflicts
        head = ngettext(
            "Nothing was saved: %(count)d date collides. Choose another time or skip the colliding dates.",
            "Nothing was saved: %(count)d dates collide. Choose another time or skip the colliding dates.",
            len(conflicts),
        ) % {"count": len(conflicts)}
        lines = [head] + [f"{local_label(c.start, tz)} — {c.reason}" for c in conflicts]
        super().__init__(lines)


def local_label(moment: datetime.datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{formats.date_format(local.date(), 'SHORT_DATE_FORMAT')} {local:%H:%M}"


def occurrences(
    first_start: datetime.datetime,
    tz: ZoneInfo,
    *,
    frequency: str = Frequency.WEEKLY,
    interval: int = 1,
    until: datetime.date | None = None,
    count: int | None = None,
) -> list[datetime.datetime]:
    """The starts of a series as aware datetimes: the same wall-clock time on each date."""
    if interval < 1:
        raise ValidationError(_("Repeat at least every 1 day or week."))
    if until is None and count is None:
        raise ValidationError(_("Say until which date or how many times to repeat."))
    if count is not None and count < 1:
        raise ValidationError(_("Repeat at least once."))
    local = first_start.astimezone(tz).replace(tzinfo=None)
    if until is not None and until < local.date():
        raise ValidationError(_("The series must end on or after its first date."))
    end = datetime.datetime.combine(until, datetime.time.max) if until else None
    rule = rrule(
        DAILY if frequency == Frequency.DAILY else WEEKLY,
        interval=interval,
        dtstart=local,
        count=count,
        until=None if count else end,  # dateutil takes one of the two; `end` cuts below
    )
    starts = [naive.replace(tzinfo=tz) for naive in islice(rule, MAX_OCCURRENCES + 1) if end is None or naive <= end]
    if len(starts) > MAX_OCCURRENCES:
        raise ValidationError(
            _("A series may have at most %(max)d occurrences. Choose an earlier end date or fewer times.")
            % {"max": MAX_OCCURRENCES}
        )
    return starts


def _reason(company, segments: list[Segment], start: datetime.datetime, error: BookingError, now) -> str:
    """Why an occurrence cannot be booked, in words the administrator can act on."""
    if not isinstance(error, SlotTaken):
        return error.message
    if start < (now or timezone.now()):
        return _("this time has already passed")
    specialist_id = segments[0].specialist_id
    if specialist_id is None:
        return _("no specialist is free at this time")
    tz = ZoneInfo(company.timezone)
    local = start.astimezone(tz)
    works = WorkInterval.objects.filter(
        company=company, specialist_id=specialist_id, date=local.date(), start__lte=local.time(), end__gt=local.time()
    ).exists()
    if not works:
        return _("the specialist does not work at this time")
    return _("the specialist is busy with another record or class")


def book_series(
    *,
    company,
    segments: list[Segment],
    start: datetime.datetime,
    frequency: str = Frequency.WEEKLY,
    interval: int = 1,
    until: datetime.date | None = None,
    count: int | None = None,
    skip_conflicts: bool = False,
    client=None,
    source: str = RecordSource.ADMIN,
    comment: str = "",
    created_by=None,
    prepaid: bool = False,
    now: datetime.datetime | None = None,
) -> tuple[RecordSeries, list[Record], list[Conflict]]:
    """Book the same visit on every date of a series.

    Returns the series, its records and the skipped conflicts. Raises SeriesConflict (nothing
    saved) when an occurrence collides and `skip_conflicts` is off, and also when every
    occurrence collides. Each occurrence goes through `book_visit`, so the no-double-booking
    guarantees hold occurrence by occurrence under concurrency.
    """
    tz = ZoneInfo(company.timezone)
    starts = occurrences(start, tz, frequency=frequency, interval=interval, until=until, count=count)
    conflicts: list[Conflict] = []
    records: list[Record] = []
    with transaction.atomic():
        series = RecordSeries.objects.create(
            company=company,
            chain_id=company.chain_id,
            frequency=frequency,
            interval=interval,
            until=until,
            count=count,
        )
        for moment in starts:
            try:
                booked = book_visit(
                    company=company,
                    segments=segments,
                    start=moment,
                    client=client,
                    source=source,
                    comment=comment,
                    created_by=created_by,
                    prepaid=prepaid,
                    now=now,
                )
            except BookingError as error:
                conflicts.append(
                    Conflict(moment.astimezone(datetime.UTC), _reason(company, segments, moment, error, now))
                )
                continue
            records.extend(booked)
        if (conflicts and not skip_conflicts) or not records:
            raise SeriesConflict(conflicts, tz)
        # book_visit knows nothing of series; the records join theirs in the same transaction.
        Record.objects.filter(pk__in=[r.pk for r in records]).update(series=series)
        for record in records:
            record.series = series
        log_action(
            series,
            code="series.booked",
            changes={"records": len(records), "skipped": [c.start.isoformat() for c in conflicts]},
        )
    return series, records, conflicts


ONE = "one"
FOLLOWING = "following"


def _targets(record: Record, which: str) -> list[Record]:
    if which == ONE or record.series_id is None:
        return [record]
    return list(
        Record.objects.filter(series_id=record.series_id, start__gte=record.start)
        .exclude(status__in=[RecordStatus.CANCELLED, RecordStatus.COMPLETED])
        .order_by("start", "id")
    )


def cancel_occurrences(record: Record, *, which: str = ONE, reason: str = "", comment: str = "") -> list[Record]:
    """Cancel one occurrence, or this one and all following ones of its series, each with the
    same reason (the salon cancels: the journal)."""
    with transaction.atomic():
        return [
            set_record_status(target, RecordStatus.CANCELLED, reason=reason, comment=comment)
            for target in _targets(record, which)
        ]


def move_occurrences(record: Record, *, start: datetime.datetime, which: str = ONE, specialist=None) -> list[Record]:
    """Move one occurrence, or this and all following ones by the same wall-clock shift (so a
    10:00 series moved to 11:00 stays at 11:00 across a DST change). Each moved record is
    re-checked; if any collides nothing moves and SeriesConflict lists the dates."""
    tz = ZoneInfo(record.company.timezone)
    shift = start.astimezone(tz).replace(tzinfo=None) - record.start.astimezone(tz).replace(tzinfo=None)
    targets = [t for t in _targets(record, which) if t.status in RecordStatus.UNFINISHED]
    # Move the ones furthest along the shift first, so that an occurrence never collides with a
    # sister occurrence that is about to leave the same time.
    targets.sort(key=lambda t: t.start, reverse=shift > datetime.timedelta(0))
    conflicts: list[Conflict] = []
    moved: list[Record] = []
    with transaction.atomic():
        for target in targets:
            new_start = (target.start.astimezone(tz).replace(tzinfo=None) + shift).replace(tzinfo=tz)
            try:
                moved.append(move_record(target, start=new_start, specialist=specialist))
            except BookingError as error:
                conflicts.append(Conflict(new_start.astimezone(datetime.UTC), error.message))
        if conflicts:
            conflicts.sort(key=lambda c: c.start)
            raise SeriesConflict(conflicts, tz)
    return sorted(moved, key=lambda r: r.start)


def describe(series: RecordSeries) -> str:
    """How a series repeats, in words: "every 2 weeks, 4 times", "every day, until 30.04.2026"."""
    n = series.interval
    if series.frequency == Frequency.DAILY:
        every = _("every day") if n == 1 else ngettext("every %(count)d day", "every %(count)d days", n) % {"count": n}
    else:
        every = (
            _("every week") if n == 1 else ngettext("every %(count)d week", "every %(count)d weeks", n) % {"count": n}
        )
    if series.count:
        ends = ngettext("%(count)d time", "%(count)d times", series.count) % {"count": series.count}
    elif series.until:
        ends = _("until %(date)s") % {"date": formats.date_format(series.until, "SHORT_DATE_FORMAT")}
    else:
        return every
    return f"{every}, {ends}"
