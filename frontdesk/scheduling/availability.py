"""The availability engine: which start times are free for a visit (one or more services in a
row, each with a given specialist or "any"), over a day or a range of days.

One module serves the journal, online booking and the API. It reads everything it needs in a
constant number of queries (services, who performs them, working intervals, absences, holding
records, resources), whatever the number of specialists and days, then works on integer minutes
since the epoch in UTC. Wall-clock times are converted once per working interval with the
branch's time zone, so DST days come out right.

Rules of the grid: a start time sits on the branch's wall clock at a multiple of `step` minutes
(10:00, 10:15, …); the service's preparation time (`buffer_before`) and clean-up time
(`buffer_after`) must fit in the specialist's working time and may not overlap another record's
block; consecutive services with the same specialist form one block.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from frontdesk.catalog.models import Resource
from frontdesk.core.dbfunctions import EpochMinute, EpochMinuteCeil
from frontdesk.scheduling import engine_sql
from frontdesk.scheduling.intervals import covers, normalise, saturated, subtract
from frontdesk.scheduling.models import MAX_LENGTH, GroupEvent, GroupEventStatus, ResourceBooking
from frontdesk.staff.schedules import local_to_utc

UTC = datetime.UTC
# How many specialist combinations a multi-service search tries for one start time.
_MAX_COMBINATIONS = 64


def to_minute(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // 60


def from_minute(minute: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(minute * 60, tz=UTC)


def local_minute(day: datetime.date, time: datetime.time, tz: ZoneInfo) -> int:
    """A wall-clock time of a branch as UTC minutes. A time inside a spring-forward gap is read
    with the offset before the change (fold=0), i.e. it lands one hour later on the clock."""
    return to_minute(datetime.datetime.combine(day, time, tzinfo=tz))


@dataclass(frozen=True)
class Segment:
    """One service of the visit, in order; `specialist_id` None means any specialist."""

    service_id: int
    specialist_id: int | None = None


@dataclass(frozen=True)
class Placement:
    service_id: int
    specialist_id: int
    start: int  # UTC minutes
    duration: int  # minutes


@dataclass(frozen=True)
class Slot:
    start: int  # UTC minutes
    placements: tuple[Placement, ...]

    @property
    def start_at(self) -> datetime.datetime:
        return from_minute(self.start)

    @property
    def end(self) -> int:
        last = self.placements[-1]
        return last.start + last.duration


@dataclass
class Query:
    company: object
    segments: list[Segment]
    date_from: datetime.date
    date_to: datetime.date
    step: int = 15
    min_notice: int = 0  # minutes from now
    max_days_ahead: int | None = None
    online: bool = False  # honour the online-booking switches of services and specialists
    now: datetime.datetime | None = None
    ignore_record_ids: tuple[int, ...] = ()  # a record being moved does not block itself


@dataclass
class _ServiceInfo:
    duration: int
    buffer_before: int
    buffer_after: int
    resources: list[int] = field(default_factory=list)


@dataclass
class _Data:
    tz: ZoneInfo
    services: dict[int, _ServiceInfo]
    durations: dict[int, dict[int, int]]  # specialist -> service -> duration
    free: dict[int, list[tuple[int, int]]]  # specialist -> free time (work minus busy)
    saturated: dict[int, list[tuple[int, int]]]  # resource -> spans at full capacity


class ServiceUnavailable(Exception):
    """A service of the query is unknown, archived, or not bookable this way."""


def _load(query: Query, day_from: datetime.date, day_to: datetime.date) -> _Data:
    company = query.company
    tz = ZoneInfo(company.timezone)
    service_ids = sorted({segment.service_id for segment in query.segments})

    services: dict[int, _ServiceInfo] = {}
    # One row per required resource (or one with None): the services and their resources at once.
    for service_id, duration, before, after, resource_id in engine_sql.services_with_resources(
        company.pk, service_ids, query.online
    ):
        info = services.setdefault(service_id, _ServiceInfo(duration, before, after))
        if resource_id is not None:
            info.resources.append(resource_id)
    if len(services) != len(service_ids):
        raise ServiceUnavailable(sorted(set(service_ids) - set(services)))

    wanted = None
    if None not in {segment.specialist_id for segment in query.segments}:
        wanted = sorted({segment.specialist_id for segment in query.segments})
    durations: dict[int, dict[int, int]] = defaultdict(dict)
    for specialist_id, service_id, own in engine_sql.performers(company.pk, service_ids, wanted, query.online):
        durations[specialist_id][service_id] = own or services[service_id].duration
    specialist_ids = sorted(durations)

    free = free_time(company, specialist_ids, day_from, day_to, query.ignore_record_ids)
    resource_ids = sorted({r for info in services.values() for r in info.resources})
    full = resource_saturation(company, resource_ids, day_from, day_to, query.ignore_record_ids)
    return _Data(tz=tz, services=services, durations=durations, free=free, saturated=full)


def _day_bounds(company, day_from: datetime.date, day_to: datetime.date) -> tuple[int, int]:
    tz = ZoneInfo(company.timezone)
    start = local_minute(day_from, datetime.time(), tz)
    end = local_minute(day_to + datetime.timedelta(days=1), datetime.time(), tz)
    return start, end


def _ceil_minute(moment: datetime.datetime) -> int:
    return -(-int(moment.timestamp()) // 60)


# No record is longer than this (the services refuse it), which bounds the index range scanned.
MAX_BLOCK_MINUTES = int(MAX_LENGTH.total_seconds()) // 60


class _LocalClock:
    """Turns (day number, minute of day) of a branch's wall clock into UTC minutes, converting
    each distinct pair once: a whole staff on the same shifts costs a handful of conversions."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self.cache: dict[tuple[int, int], int] = {}

    def __call__(self, day_number: int, minute: int) -> int:
        key = (day_number, minute)
        value = self.cache.get(key)
        if value is None:
            day = datetime.date(1970, 1, 1) + datetime.timedelta(days=day_number)
            if minute >= 24 * 60:
                day += datetime.timedelta(days=1)
                minute -= 24 * 60
            moment = local_to_utc(day, datetime.time(minute // 60, minute % 60), self.tz, is_end=False)
            value = to_minute(moment)
            self.cache[key] = value
        return value


def free_time(company, specialist_ids, day_from, day_to, ignore_record_ids=()) -> dict[int, list[tuple[int, int]]]:
    """Each specialist's working time in this branch over the local days, minus absences and
    the blocks of their holding records and classes in any branch (2 queries)."""
    clock = _LocalClock(ZoneInfo(company.timezone))
    day_start, day_end = _day_bounds(company, day_from, day_to)
    if not specialist_ids:
        return {}
    work = defaultdict(list)
    for specialist_id, day, start, end in engine_sql.working_intervals(company.pk, specialist_ids, day_from, day_to):
        work[specialist_id].append((clock(day, start), clock(day, end)))
    busy = defaultdict(list)
    for specialist_id, start, end in engine_sql.busy_blocks(
        specialist_ids,
        from_minute(day_start - MAX_BLOCK_MINUTES),
        from_minute(day_start),
        from_minute(day_end),
        ignore_record_ids,
    ):
        busy[specialist_id].append((start, end))
    return {s: subtract(normalise(work[s]), normalise(busy[s])) for s in specialist_ids}


def resource_saturation(company, resource_ids, day_from, day_to, ignore_record_ids=()):
    """For each resource, the spans in which it is used to capacity (0 or 3 queries)."""
    if not resource_ids:
        return {}
    day_start, day_end = _day_bounds(company, day_from, day_to)
    capacity = dict(Resource.objects.filter(pk__in=resource_ids).values_list("id", "capacity"))
    held = defaultdict(list)
    bookings = ResourceBooking.objects.filter(
        resource_id__in=resource_ids,
        active=True,
        block_start__gte=from_minute(day_start - MAX_BLOCK_MINUTES),
        block_start__lt=from_minute(day_end),
        block_end__gt=from_minute(day_start),
    )
    if ignore_record_ids:
        bookings = bookings.exclude(record_id__in=ignore_record_ids)
    for resource_id, block_start, block_end in bookings.order_by().values_list(
        "resource_id", EpochMinute("block_start"), EpochMinuteCeil("block_end")
    ):
        held[resource_id].append((block_start, block_end))
    for resource_id, start, end in (
        GroupEvent.objects.filter(
            resource_id__in=resource_ids,
            start__gte=from_minute(day_start - MAX_BLOCK_MINUTES),
            start__lt=from_minute(day_end),
            end__gt=from_minute(day_start),
            status=GroupEventStatus.SCHEDULED,
        )
        .order_by()
        .values_list("resource_id", EpochMinute("start"), EpochMinuteCeil("end"))
    ):
        held[resource_id].append((start, end))
    return {r: saturated(held[r], capacity.get(r, 1)) for r in resource_ids}


def block_is_free(company, specialist_id, block_start, block_end, resource_ids=(), ignore_record_ids=()) -> bool:
    """Whether a specialist works, with nothing else booked, over the whole block, and the
    resources have room: the check behind moving and resizing a record in the journal."""
    tz = ZoneInfo(company.timezone)
    day_from = block_start.astimezone(tz).date()
    day_to = (block_end - datetime.timedelta(seconds=1)).astimezone(tz).date()
    free = free_time(company, [specialist_id], day_from, day_to, ignore_record_ids)[specialist_id]
    for spans in resource_saturation(company, list(resource_ids), day_from, day_to, ignore_record_ids).values():
        free = subtract(free, spans)
    return covers(free, to_minute(block_start), _ceil_minute(block_end))


def _candidates(segment: Segment, data: _Data) -> list[int]:
    if segment.specialist_id is not None:
        return [segment.specialist_id] if segment.service_id in data.durations.get(segment.specialist_id, {}) else []
    return [s for s in sorted(data.durations) if segment.service_id in data.durations[s]]


def _free_for(specialist_id: int, service_id: int, data: _Data) -> list[tuple[int, int]]:
    free = data.free.get(specialist_id, [])
    for resource_id in data.services[service_id].resources:
        free = subtract(free, data.saturated.get(resource_id, []))
    return free


def _aligned_starts(free, lead: int, need: int, step: int, earliest: int, tz: ZoneInfo):
    """Start minutes on the wall-clock grid where [t - lead, t - lead + need) fits in `free`."""
    for a, b in free:
        low = max(a + lead, earliest)
        high = b - need + lead  # the last start that still fits
        if high < low:
            continue
        offset = int(datetime.datetime.fromtimestamp(low * 60, tz=tz).utcoffset().total_seconds()) // 60
        first = low + (-(low + offset)) % step
        yield from range(first, high + 1, step)


def _window(query: Query) -> tuple[datetime.date, datetime.date, int]:
    tz = ZoneInfo(query.company.timezone)
    now = query.now or timezone.now()
    earliest = to_minute(now) + query.min_notice
    today = now.astimezone(tz).date()
    day_from = max(query.date_from, today)
    day_to = query.date_to
    if query.max_days_ahead is not None:
        day_to = min(day_to, today + datetime.timedelta(days=query.max_days_ahead))
    return day_from, day_to, earliest


def _runs(chosen: list[int]):
    """Maximal runs of consecutive segments with the same specialist: (first, last) indexes."""
    first = 0
    for index in range(1, len(chosen) + 1):
        if index == len(chosen) or chosen[index] != chosen[first]:
            yield first, index - 1
            first = index


def _place(query: Query, data: _Data, start: int) -> tuple[Placement, ...] | None:
    """The first assignment of specialists that fits the whole visit starting at `start`."""
    segments = query.segments
    last = len(segments) - 1
    starts: list[int] = []
    chosen: list[int] = []
    tried = 0

    def whole_visit_fits() -> bool:
        for first, final in _runs(chosen):
            specialist_id = chosen[first]
            block_start = starts[first] - data.services[segments[first].service_id].buffer_before
            final_service = segments[final].service_id
            block_end = starts[final] + data.durations[specialist_id][final_service]
            block_end += data.services[final_service].buffer_after
            for k in range(first, final + 1):
                if not covers(_free_for(specialist_id, segments[k].service_id, data), block_start, block_end):
                    return False
        return True

    def search(index: int, t: int) -> bool:
        nonlocal tried
        if index > last:
            return whole_visit_fits()
        candidates = _candidates(segments[index], data)
        if chosen and chosen[-1] in candidates:
            # Prefer staying with the same specialist: one block, no hand-over.
            candidates = [chosen[-1]] + [c for c in candidates if c != chosen[-1]]
        for specialist_id in candidates:
            tried += 1
            if tried > _MAX_COMBINATIONS:
                return False
            duration = data.durations[specialist_id][segments[index].service_id]
            # The service itself must fit; buffers are checked once the neighbours are known.
            if not covers(_free_for(specialist_id, segments[index].service_id, data), t, t + duration):
                continue
            starts.append(t)
            chosen.append(specialist_id)
            if search(index + 1, t + duration):
                return True
            starts.pop()
            chosen.pop()
        return False

    if not search(0, start):
        return None
    return tuple(
        Placement(segments[k].service_id, chosen[k], starts[k], data.durations[chosen[k]][segments[k].service_id])
        for k in range(last + 1)
    )


def find_slots(query: Query) -> list[Slot]:
    """Every free start time in the query's days, earliest first, each with one assignment."""
    day_from, day_to, earliest = _window(query)
    if day_to < day_from or not query.segments:
        return []
    data = _load(query, day_from, day_to)
    step = query.step
    first = query.segments[0]
    info = data.services[first.service_id]
    if len(query.segments) == 1:
        # The common case, kept fast: every fitting start is an arithmetic run per free interval.
        by_start: dict[int, int] = {}
        for specialist_id in _candidates(first, data):
            duration = data.durations[specialist_id][first.service_id]
            need = info.buffer_before + duration + info.buffer_after
            own_step = step or duration
            free = _free_for(specialist_id, first.service_id, data)
            for t in _aligned_starts(free, info.buffer_before, need, own_step, earliest, data.tz):
                by_start.setdefault(t, specialist_id)
        return [
            Slot(t, (Placement(first.service_id, s, t, data.durations[s][first.service_id]),))
            for t, s in sorted(by_start.items())
        ]
    seen: set[int] = set()
    for specialist_id in _candidates(first, data):
        duration = data.durations[specialist_id][first.service_id]
        free = _free_for(specialist_id, first.service_id, data)
        need = info.buffer_before + duration
        seen.update(_aligned_starts(free, info.buffer_before, need, step or duration, earliest, data.tz))
    slots = []
    for t in sorted(seen):
        placements = _place(query, data, t)
        if placements:
            slots.append(Slot(t, placements))
    return slots


def find_free_dates(query: Query) -> list[datetime.date]:
    """The local dates with at least one free start: what a date picker needs. For one service
    it stops looking at a day once a start is found, instead of listing every start."""
    if len(query.segments) != 1:
        return sorted(group_by_local_date(find_slots(query), ZoneInfo(query.company.timezone)))
    day_from, day_to, earliest = _window(query)
    if day_to < day_from:
        return []
    data = _load(query, day_from, day_to)
    first = query.segments[0]
    info = data.services[first.service_id]
    found: set[datetime.date] = set()
    # The UTC minute at which each local day starts: a minute's local date is then one bisect.
    days = [day_from + datetime.timedelta(days=n) for n in range((day_to - day_from).days + 2)]
    midnights = [local_minute(day, datetime.time(), data.tz) for day in days]

    def local_date(minute: int) -> datetime.date:
        return days[max(bisect_right(midnights, minute) - 1, 0)]

    for specialist_id in _candidates(first, data):
        duration = data.durations[specialist_id][first.service_id]
        need = info.buffer_before + duration + info.buffer_after
        for interval in _free_for(specialist_id, first.service_id, data):
            if local_date(interval[0]) in found and local_date(interval[1] - 1) in found:
                continue
            for t in _aligned_starts([interval], info.buffer_before, need, query.step or duration, earliest, data.tz):
                found.add(local_date(t))
                if local_date(interval[1] - 1) in found:
                    break
    return sorted(day for day in found if day_from <= day <= day_to)


def services_free_at(query: Query, start: datetime.datetime) -> set[int]:
    """Which of the query's services, each booked alone (with its segment's specialist or any),
    could start exactly at `start`. One load for all of them: a constant number of queries."""
    tz = ZoneInfo(query.company.timezone)
    local_day = start.astimezone(tz).date()
    day_from, day_to, earliest = _window(Query(**{**query.__dict__, "date_from": local_day, "date_to": local_day}))
    minute = to_minute(start)
    if day_to < day_from or minute < earliest or not query.segments:
        return set()
    data = _load(query, day_from, day_to)
    return {
        segment.service_id
        for segment in query.segments
        if _place(Query(**{**query.__dict__, "segments": [segment]}), data, minute)
    }


def check_slot(query: Query, start: datetime.datetime) -> Slot | None:
    """The assignment for a visit starting exactly at `start`, if it is free; else None."""
    tz = ZoneInfo(query.company.timezone)
    local_day = start.astimezone(tz).date()
    day_from, day_to, earliest = _window(Query(**{**query.__dict__, "date_from": local_day, "date_to": local_day}))
    minute = to_minute(start)
    if day_to < day_from or minute < earliest or not query.segments:
        return None
    data = _load(query, day_from, day_to)
    placements = _place(query, data, minute)
    return Slot(minute, placements) if placements else None


def group_by_local_date(slots: list[Slot], tz: ZoneInfo) -> dict[datetime.date, list[Slot]]:
    days: dict[datetime.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[slot.start_at.astimezone(tz).date()].append(slot)
    return dict(days)
