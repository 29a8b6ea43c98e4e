"""Free windows left today: the minutes of the specialists' shifts from now to the end of each
branch's own today in which nobody is booked — what an administrator can still sell today.

Decision (docs/analytics.md, "Free windows left today"): free minutes of the shifts, not the
availability engine's slots. The engine answers "when can this service start" for one service
and one specialist at a time (a call per specialist and service); the owner asks "how much of
today is still empty", which is one number whatever the services. The busy time is read the way
the engine reads it (`scheduling.engine_sql.busy_blocks`): records holding time (booked,
confirmed, arrived, completed; not a place in a class) and scheduled classes of the specialist
in any branch of the network, with their buffers (block_start/block_end). Unlike the engine it
counts an overbooked record as busy too: the engine lets another booking overlap it, but the
specialist is not free while they serve it. Shifts on a day of absence are left out, as the
engine leaves them out.

Three queries at most (shifts; records; classes), one when nobody works today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q

from frontdesk.analytics.overview import _zones
from frontdesk.scheduling.models import GroupEvent, GroupEventStatus, Record, RecordStatus
from frontdesk.staff.models import Absence, WorkInterval


@dataclass(frozen=True)
class FreeTime:
    free_minutes: int  # not booked, from now to the end of today's shifts
    left_minutes: int  # of the shifts, from now on (booked or not)

    @property
    def hours_and_minutes(self) -> tuple[int, int]:
        return divmod(self.free_minutes, 60)


def shifts_today(companies, now: datetime.datetime, specialist_id: int | None = None):
    """[(specialist_id, start, end)] of the work intervals on each branch's own today as aware
    datetimes, absences left out. One query."""
    condition = Q(pk__in=[])
    tz_of = {}
    for zone, ids in _zones(companies).items():
        condition |= Q(company_id__in=ids, date=now.astimezone(ZoneInfo(zone)).date())
        tz_of.update(dict.fromkeys(ids, ZoneInfo(zone)))
    if specialist_id is not None:
        condition &= Q(specialist_id=specialist_id)
    absent = Absence.objects.filter(
        specialist_id=OuterRef("specialist_id"), date_from__lte=OuterRef("date"), date_to__gte=OuterRef("date")
    )
    rows = WorkInterval.objects.filter(condition).filter(~Exists(absent))
    return [
        (
            specialist,
            datetime.datetime.combine(day, start, tzinfo=tz_of[company]),
            datetime.datetime.combine(day, end, tzinfo=tz_of[company]),
        )
        for company, specialist, day, start, end in rows.values_list(
            "company_id", "specialist_id", "date", "start", "end"
        )
    ]


def busy_today(specialist_ids, since: datetime.datetime, until: datetime.datetime) -> dict[int, list[tuple]]:
    """{specialist_id: [(start, end)]} of what holds their time between `since` and `until`, in
    any branch. Two queries."""
    busy: dict[int, list[tuple]] = {}
    records = Record.objects.filter(
        specialist_id__in=specialist_ids,
        status__in=RecordStatus.HOLDING,
        group_event__isnull=True,
        block_start__lt=until,
        block_end__gt=since,
    ).values_list("specialist_id", "block_start", "block_end")
    classes = GroupEvent.objects.filter(
        specialist_id__in=specialist_ids, status=GroupEventStatus.SCHEDULED, start__lt=until, end__gt=since
    ).values_list("specialist_id", "start", "end")
    for specialist, start, end in [*records, *classes]:
        busy.setdefault(specialist, []).append((start, end))
    return busy


def free_time(companies, now: datetime.datetime, specialist_id: int | None = None) -> FreeTime:
    """The free and the remaining minutes of today's shifts from `now` on (seconds dropped)."""
    shifts = [(s, max(start, now), end) for s, start, end in shifts_today(companies, now, specialist_id) if end > now]
    if not shifts:
        return FreeTime(0, 0)
    busy = busy_today(
        sorted({s for s, _start, _end in shifts}), min(start for _s, start, _e in shifts), max(e for *_x, e in shifts)
    )
    free = left = 0
    for specialist, start, end in shifts:
        left += _seconds(end - start)
        free += _seconds(end - start) - _covered(start, end, busy.get(specialist, ()))
    return FreeTime(free // 60, left // 60)


def _covered(start, end, blocks) -> int:
    """Seconds of [start, end) covered by the union of `blocks`."""
    covered, reached = 0, start
    for block_start, block_end in sorted(blocks):
        block_start, block_end = max(block_start, reached), min(block_end, end)
        if block_end > block_start:
            covered += _seconds(block_end - block_start)
            reached = block_end
    return covered


def _seconds(delta: datetime.timedelta) -> int:
    return int(delta.total_seconds())
