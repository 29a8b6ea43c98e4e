"""Booking: the one path through which a record comes to hold a specialist's time."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q

from frontdesk.catalog.models import Resource, Service
from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row, lock_rows
from frontdesk.scheduling.availability import (
    Placement,
    Query,
    Segment,
    ServiceUnavailable,
    Slot,
    block_is_free,
    check_slot,
    find_slots,
    from_minute,
    to_minute,
)
from frontdesk.scheduling.errors import BookingError, SlotTaken
from frontdesk.scheduling.locks import queue_bookings
from frontdesk.scheduling.models import (
    MAX_LENGTH,
    CancelledBy,
    Record,
    RecordService,
    RecordSource,
    RecordStatus,
    ResourceBooking,
    Visit,
    overlapping,
)
from frontdesk.staff.models import Specialist, SpecialistService

ALTERNATIVES = 6


def nearest_alternatives(query: Query, wanted: datetime.datetime, days: int = 7) -> list[Slot]:
    """Free starts closest to the wanted time: that day first, then the following days."""
    tz = ZoneInfo(query.company.timezone)
    day = wanted.astimezone(tz).date()
    probe = Query(**{**query.__dict__, "date_from": day, "date_to": day + datetime.timedelta(days=days)})
    try:
        slots = find_slots(probe)
    except ServiceUnavailable:
        return []
    return nearest_slots(slots, wanted, tz)


def nearest_slots(slots: list[Slot], wanted: datetime.datetime, tz: ZoneInfo) -> list[Slot]:
    """The ALTERNATIVES free starts closest to `wanted` on either side, its own day first, in
    the order of time: what every "this time is not free" answer offers."""
    day, minute = wanted.astimezone(tz).date(), to_minute(wanted)
    slots = sorted(slots, key=lambda slot: (slot.start_at.astimezone(tz).date() != day, abs(slot.start - minute)))
    return sorted(slots[:ALTERNATIVES], key=lambda slot: slot.start)


def why_not_free(query: Query, start: datetime.datetime) -> str:
    """Why check_slot refused `start`, in the words of SlotTaken.reason: another visit of the
    specialists who would serve it overlaps the visit's time, or the time is simply closed."""
    minutes = Service.objects.filter(pk__in=[s.service_id for s in query.segments]).values_list("duration", flat=True)
    end = start + datetime.timedelta(minutes=sum(minutes) or 1)
    chosen = {s.specialist_id for s in query.segments if s.specialist_id}
    if any(s.specialist_id is None for s in query.segments):
        chosen |= set(
            SpecialistService.objects.filter(
                service_id__in=[s.service_id for s in query.segments], specialist__companies=query.company
            ).values_list("specialist_id", flat=True)
        )
    others = overlapping(
        Record.objects.filter(company=query.company, specialist_id__in=chosen, status__in=RecordStatus.HOLDING),
        start,
        end,
    ).exclude(pk__in=query.ignore_record_ids)
    return "slot_occupied" if others.exists() else "slot_closed"


def _check_length(block_start, block_end) -> None:
    # Queries for what overlaps a window rely on this bound (models.MAX_LENGTH).
    if block_end - block_start > MAX_LENGTH:
        raise BookingError("too_long")


def _lock_candidates(query: Query) -> None:
    """On PostgreSQL, queue concurrent bookings of the same specialists and resources behind
    each other (rows locked in primary-key order, so no deadlock); the exclusion constraint stays
    as the last line of defence. SQLite needs nothing: the transaction began with the write lock."""
    chosen = Q(pk__in={s.specialist_id for s in query.segments if s.specialist_id})
    service_ids = [s.service_id for s in query.segments]
    if any(s.specialist_id is None for s in query.segments):
        # Anyone who could be given the booking: a subquery, so SQLite runs nothing at all.
        chosen |= Q(
            pk__in=SpecialistService.objects.filter(
                service_id__in=service_ids, specialist__companies=query.company
            ).values("specialist_id")
        )
    queue_bookings(Specialist.objects.filter(chosen), Resource.objects.filter(services__in=service_ids))


def _forced_slot(query: Query, start: datetime.datetime) -> Slot:
    """An overbooking: the specialists the administrator chose, whatever the engine says."""
    if any(s.specialist_id is None for s in query.segments):
        raise BookingError("specialist_needed")
    durations = dict(
        Service.objects.filter(pk__in=[s.service_id for s in query.segments]).values_list("id", "duration")
    )
    own = {
        (link.specialist_id, link.service_id): link.duration
        for link in SpecialistService.objects.filter(specialist_id__in=[s.specialist_id for s in query.segments])
    }
    t = to_minute(start)
    placements = []
    for segment in query.segments:
        if segment.service_id not in durations:
            raise BookingError("service_unavailable")
        duration = own.get((segment.specialist_id, segment.service_id)) or durations[segment.service_id]
        placements.append(Placement(segment.service_id, segment.specialist_id, t, duration))
        t += duration
    return Slot(placements[0].start, tuple(placements))


def book_visit(
    *,
    company,
    segments: list[Segment],
    start: datetime.datetime,
    client=None,
    source: str = RecordSource.ADMIN,
    comment: str = "",
    created_by=None,
    overbook: bool = False,
    prepaid: bool = False,
    online: bool = False,
    step: int = 15,
    min_notice: int = 0,
    max_days_ahead: int | None = None,
    now: datetime.datetime | None = None,
) -> list[Record]:
    """Book a visit (services in a row) starting at `start`. Returns its records, one per run of
    services with the same specialist.

    Guarantees: a specialist is never in two overlapping holding records and a resource is never
    beyond its capacity, whatever arrives concurrently; the loser gets SlotTaken with the
    nearest free times. `overbook=True` skips the check on purpose and is written to the event log.
    """
    if not segments:
        raise BookingError("no_segments")
    query = Query(
        company=company,
        segments=list(segments),
        date_from=start.date(),
        date_to=start.date(),
        step=step,
        min_notice=min_notice,
        max_days_ahead=max_days_ahead,
        online=online,
        now=now,
    )
    try:
        with transaction.atomic():
            _lock_candidates(query)
            try:
                slot = check_slot(query, start)
            except ServiceUnavailable:
                raise BookingError("service_unavailable") from None
            forced = slot is None
            if forced:
                if not overbook:
                    raise SlotTaken(reason=why_not_free(query, start))
                slot = _forced_slot(query, start)
            records = _create_records(
                company, slot, client, source, comment, created_by, overbooked=forced, prepaid=prepaid
            )
    except SlotTaken as taken:
        raise SlotTaken(nearest_alternatives(query, start), reason=taken.reason) from None
    except IntegrityError:
        # PostgreSQL's exclusion constraint caught a race the locks did not (e.g. a specialist
        # added to the service mid-flight).
        raise SlotTaken(nearest_alternatives(query, start)) from None
    return records


def _create_records(
    company, slot: Slot, client, source, comment, created_by, *, overbooked: bool, prepaid: bool = False
) -> list[Record]:
    services = {
        service.pk: service
        for service in Service.objects.filter(pk__in=[p.service_id for p in slot.placements]).prefetch_related(
            "resources"
        )
    }
    own_prices = {
        (link.specialist_id, link.service_id): link.price_min
        for link in SpecialistService.objects.filter(
            specialist_id__in={p.specialist_id for p in slot.placements},
            service_id__in=services,
        )
    }
    visit = Visit.objects.create(company=company, chain_id=company.chain_id, client=client)
    records = []
    placements = list(slot.placements)
    index = 0
    while index < len(placements):
        run = [placements[index]]
        while index + len(run) < len(placements) and placements[index + len(run)].specialist_id == run[0].specialist_id:
            run.append(placements[index + len(run)])
        first, final = run[0], run[-1]
        start, end = first.start, final.start + final.duration
        block_start = start - services[first.service_id].buffer_before
        block_end = end + services[final.service_id].buffer_after
        _check_length(from_minute(block_start), from_minute(block_end))
        record = Record.objects.create(
            company=company,
            chain_id=company.chain_id,
            visit=visit,
            client=client,
            specialist_id=first.specialist_id,
            start=from_minute(start),
            end=from_minute(end),
            block_start=from_minute(block_start),
            block_end=from_minute(block_end),
            source=source,
            comment=comment,
            created_by=created_by,
            overbooked=overbooked,
            prepaid=prepaid,
        )
        for position, placement in enumerate(run):
            service = services[placement.service_id]
            price = own_prices.get((placement.specialist_id, placement.service_id))
            RecordService.objects.create(
                record=record,
                chain_id=company.chain_id,
                service=service,
                start=from_minute(placement.start),
                duration=placement.duration,
                price=service.price_min if price is None else price,
                position=position,
            )
            for resource in service.resources.all():
                ResourceBooking.objects.create(
                    record=record,
                    chain_id=company.chain_id,
                    resource=resource,
                    block_start=record.block_start,
                    block_end=record.block_end,
                )
        if overbooked:
            log_action(record, code="record.overbooked")
        records.append(record)
        index += len(run)
    return records


# Which status a record may go to from which; completion by checkout arrives with the cash desk.
TRANSITIONS = {
    RecordStatus.BOOKED: {RecordStatus.CONFIRMED, RecordStatus.ARRIVED, RecordStatus.NO_SHOW, RecordStatus.CANCELLED},
    RecordStatus.CONFIRMED: {RecordStatus.BOOKED, RecordStatus.ARRIVED, RecordStatus.NO_SHOW, RecordStatus.CANCELLED},
    RecordStatus.ARRIVED: {RecordStatus.CONFIRMED, RecordStatus.COMPLETED, RecordStatus.CANCELLED},
    RecordStatus.COMPLETED: {RecordStatus.ARRIVED},
    RecordStatus.NO_SHOW: {RecordStatus.BOOKED, RecordStatus.CONFIRMED},
    RecordStatus.CANCELLED: {RecordStatus.BOOKED},
}


# Checks other modules add on changing a booked record: the cash desk refuses changes to a visit
# that is checked out, so a paid visit changes only through a logged refund. Each guard takes the
# locked record and raises BookingError to refuse.
_change_guards: list = []


def register_change_guard(guard) -> None:
    if guard not in _change_guards:
        _change_guards.append(guard)


def change_refusal(record: Record) -> str:
    """Why the record may not be changed now (another module's guard), or "" when it may."""
    for guard in _change_guards:
        try:
            guard(record)
        except BookingError as exc:
            return exc.message
    return ""


def _locked(record: Record, *, guarded: bool = True) -> Record:
    """Re-read the record under a row lock (PostgreSQL) before deciding anything, and let the
    other modules' guards refuse the change."""
    # The branch's row too: changes of one branch's records queue behind each other (the
    # resources they book have no exclusion constraint to fall back on).
    record = lock_row(Record.objects.select_related("company"), record.pk, of=("self", "company"))
    for guard in _change_guards if guarded else ():
        guard(record)
    return record


def _place_record(record: Record, start, end, specialist_id, *, overbook: bool) -> Record:
    lines = list(record.lines.select_related("service").order_by("position"))
    buffer_before = lines[0].service.buffer_before if lines else 0
    buffer_after = lines[-1].service.buffer_after if lines else 0
    block_start = start - datetime.timedelta(minutes=buffer_before)
    block_end = end + datetime.timedelta(minutes=buffer_after)
    _check_length(block_start, block_end)
    resource_ids = list(record.resource_bookings.values_list("resource_id", flat=True))
    queue_bookings(Specialist.objects.filter(pk=specialist_id))
    free = block_is_free(record.company, specialist_id, block_start, block_end, resource_ids, (record.pk,))
    if not free and not overbook:
        raise BookingError("outside_work")
    shift = start - record.start
    record.start, record.end = start, end
    record.block_start, record.block_end = block_start, block_end
    record.specialist_id = specialist_id
    record.overbooked = not free
    record.save()
    for line in lines:
        line.start = line.start + shift
        line.save(update_fields=["start"])
    record.resource_bookings.update(block_start=block_start, block_end=block_end)
    if not free:
        log_action(record, code="record.overbooked")
    return record


def move_record(record: Record, *, start: datetime.datetime, specialist=None, overbook: bool = False) -> Record:
    """Move a record to another time and/or specialist (drag in the journal), keeping its length."""
    try:
        with transaction.atomic():
            record = _locked(record)
            if record.status not in RecordStatus.UNFINISHED:
                raise BookingError("not_movable")
            end = start + (record.end - record.start)
            specialist_id = getattr(specialist, "pk", specialist) or record.specialist_id
            if record.holds_time:
                _offer_freed_time_later(record, record.block_start, record.block_end, record.specialist_id)
            return _place_record(record, start, end, specialist_id, overbook=overbook)
    except IntegrityError:
        raise BookingError("outside_work") from None


def resize_record(record: Record, *, end: datetime.datetime, overbook: bool = False) -> Record:
    """Change where a record ends (drag its edge); the last service line takes the difference."""
    try:
        with transaction.atomic():
            record = _locked(record)
            if record.status not in RecordStatus.UNFINISHED:
                raise BookingError("not_movable")
            if end <= record.start:
                raise BookingError("end_before_start")
            if end - record.start > datetime.timedelta(hours=24):
                raise BookingError("too_long")
            last = record.lines.order_by("-position").first()
            if last is not None:
                new_duration = int((end - last.start).total_seconds() // 60)
                if new_duration < 5:
                    raise BookingError("end_before_start")
                last.duration = new_duration
                last.save(update_fields=["duration"])
            return _place_record(record, record.start, end, record.specialist_id, overbook=overbook)
    except IntegrityError:
        raise BookingError("outside_work") from None


def set_record_status(
    record: Record, status: str, *, reason: str = "", comment: str = "", by: str = CancelledBy.SALON
) -> Record:
    """Confirm, check in, mark a no-show, cancel, or restore a record. A cancelled record that
    comes back must find its time still free.

    A cancellation keeps `reason` (a CancelReason; empty: not stated), `comment` and who
    cancelled (`by`, a CancelledBy); a no-show is "the client did not come" whatever is given;
    a restored record loses them (`Record.mark_status`)."""
    try:
        with transaction.atomic():
            record = _locked(record)
            if status == record.status:
                return record
            if status not in TRANSITIONS.get(record.status, set()):
                raise BookingError(
                    "bad_transition",
                    **{"from": RecordStatus(record.status).label, "to": RecordStatus(status).label},
                )
            was_holding = record.holds_time
            record.mark_status(status, reason=reason, comment=comment, by=by)
            if (
                not was_holding
                and record.holds_time
                and not block_is_free(
                    record.company,
                    record.specialist_id,
                    record.block_start,
                    record.block_end,
                    list(record.resource_bookings.values_list("resource_id", flat=True)),
                    (record.pk,),
                )
            ):
                raise BookingError("outside_work")
            record.save()
            record.resource_bookings.update(active=status in RecordStatus.HOLDING)
            if was_holding and not record.holds_time:
                _offer_freed_time_later(record, record.block_start, record.block_end, record.specialist_id)
            return record
    except IntegrityError:
        raise BookingError("outside_work") from None


def _offer_freed_time_later(record: Record, start, end, specialist_id) -> None:
    """Once the change is committed, the waiting list gets its chance at the time it gave back."""
    from frontdesk.scheduling import waitlist  # inside: waitlist imports services (it books through them)

    transaction.on_commit(lambda: waitlist.offer_freed_time(record, start=start, end=end, specialist_id=specialist_id))


def cancel_record(record: Record, *, reason: str = "", comment: str = "", by: str = CancelledBy.SALON) -> Record:
    """Cancel a record, keeping why and by whom (see `set_record_status`)."""
    return set_record_status(record, RecordStatus.CANCELLED, reason=reason, comment=comment, by=by)


def complete_visit(visit: Visit) -> list[Record]:
    """Mark the visit's records completed: the last step of its checkout, in the checkout's
    transaction (it refuses to run outside one). Returns the records it completed.

    Guarantees: the records are locked (primary-key order) and re-read first; cancelled and
    no-show records stay as they are, completed ones are not saved again; each completion is a
    model save, so it is announced like any status change (`scheduling.record_status_changed`).
    The change guards are not asked, as before this service existed: the change they refuse — to
    a visit that is checked out — is this checkout itself, whose sale already exists. Nor do the
    status transitions of `set_record_status` apply: a visit is checked out from booked,
    confirmed or arrived alike, and a completed record still holds its time."""
    records = lock_rows(Record.objects.filter(visit=visit, status__in=RecordStatus.UNFINISHED))
    for record in records.values():
        record.status = RecordStatus.COMPLETED
        record.save(update_fields=["status", "updated_at"])
    return list(records.values())


def set_record_comment(record: Record, comment: str) -> Record:
    """Change a record's comment (the journal's details dialog); the event log keeps the old one."""
    with transaction.atomic():
        record = _locked(record, guarded=False)  # a note is not a change of what was sold
        record.comment = comment.strip()
        record.save(update_fields=["comment", "updated_at"])
        return record


def change_record_services(
    record: Record, service_ids: list[int], *, specialist=None, overbook: bool = False
) -> Record:
    """Give a record other services (in this order) and, if `specialist` is given, another
    specialist, from the same start: the visit dialog of the journal and the API.

    Guarantees, as for a booking: the lines' durations and prices are the specialist's own (else
    the service's), as `book_visit` sets them; the new block must be free for that specialist and
    the services' resources (BookingError "does_not_fit" otherwise, unless `overbook`, which is
    logged); a checked-out visit (the change guards), a finished or cancelled record and a place in
    a class are refused; the time given back goes to the waiting list after commit. Each saved or
    deleted line and the record's save are announced like any other change
    (`scheduling.record_lines_changed`, `scheduling.record_moved`)."""
    if not service_ids:
        raise BookingError("no_segments")
    specialist_id = getattr(specialist, "pk", specialist) or record.specialist_id
    end = record.end
    try:
        with transaction.atomic():
            record = _locked(record)
            if record.status not in RecordStatus.UNFINISHED:
                raise BookingError("not_changeable")
            if record.group_event_id:
                raise BookingError("class_record")
            services = {
                s.pk: s
                for s in Service.objects.filter(
                    company=record.company, pk__in=service_ids, is_archived=False
                ).prefetch_related("resources")
            }
            links = {
                link.service_id: link
                for link in SpecialistService.objects.filter(specialist_id=specialist_id, service_id__in=services)
            }
            if set(service_ids) - set(services) or set(service_ids) - set(links):
                raise BookingError("service_unavailable")
            first, last = services[service_ids[0]], services[service_ids[-1]]
            durations = [links[pk].duration or services[pk].duration for pk in service_ids]
            end = record.start + datetime.timedelta(minutes=sum(durations))
            block_start = record.start - datetime.timedelta(minutes=first.buffer_before)
            block_end = end + datetime.timedelta(minutes=last.buffer_after)
            _check_length(block_start, block_end)
            resource_ids = sorted({r.pk for pk in service_ids for r in services[pk].resources.all()})
            queue_bookings(Specialist.objects.filter(pk=specialist_id))
            free = block_is_free(record.company, specialist_id, block_start, block_end, resource_ids, (record.pk,))
            if not free and not overbook:
                raise _does_not_fit(record, specialist_id, end)
            if record.holds_time:
                _offer_freed_time_later(record, record.block_start, record.block_end, record.specialist_id)
            record.lines.all().delete()
            moment = record.start
            for position, (pk, duration) in enumerate(zip(service_ids, durations, strict=True)):
                own_price = links[pk].price_min
                RecordService.objects.create(
                    record=record,
                    chain_id=record.chain_id,
                    service=services[pk],
                    start=moment,
                    duration=duration,
                    price=services[pk].price_min if own_price is None else own_price,
                    position=position,
                )
                moment += datetime.timedelta(minutes=duration)
            record.specialist_id = specialist_id
            record.end, record.block_start, record.block_end = end, block_start, block_end
            record.overbooked = not free
            record.save()
            record.resource_bookings.all().delete()
            for resource_id in resource_ids:
                ResourceBooking.objects.create(
                    record=record,
                    chain_id=record.chain_id,
                    resource_id=resource_id,
                    block_start=block_start,
                    block_end=block_end,
                    active=record.status in RecordStatus.HOLDING,
                )
            if not free:
                log_action(record, code="record.overbooked")
            return record
    except IntegrityError:
        raise _does_not_fit(record, specialist_id, end) from None


def _does_not_fit(record: Record, specialist_id, end) -> BookingError:
    """The refusal of a change that would collide: who is busy, and until when it would run."""
    tz = ZoneInfo(record.company.timezone)
    name = Specialist.objects.filter(pk=specialist_id).values_list("name", flat=True).first() or ""
    return BookingError(
        "does_not_fit",
        specialist=name,
        start=record.start.astimezone(tz).strftime("%H:%M"),
        end=end.astimezone(tz).strftime("%H:%M"),
    )


def set_record_prepaid(record: Record, prepaid: bool) -> Record:
    """Mark whether the client must pay in advance; the event log keeps the change."""
    with transaction.atomic():
        record = _locked(record, guarded=False)
        if record.prepaid != prepaid:
            record.prepaid = prepaid
            record.save(update_fields=["prepaid", "updated_at"])
        return record
