"""Group events (classes): a specialist, maybe a room, and up to `capacity` clients.

The event itself holds the specialist's time and the room in the scheduling engine. Each
participant is a record of their own visit that points to the event and holds no individual
time. Two guarantees, both under concurrency: a class never overlaps its specialist's other
records and classes or its room beyond capacity (same locks as `book_visit`), and a class never
gets more participants than it has places (the event row is locked while seats are counted).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.catalog.models import Resource
from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row, lock_rows
from frontdesk.scheduling.availability import block_is_free, resource_saturation, to_minute
from frontdesk.scheduling.locks import queue_bookings
from frontdesk.scheduling.models import (
    CancelledBy,
    CancelReason,
    Frequency,
    GroupEvent,
    GroupEventStatus,
    Record,
    RecordSeries,
    RecordService,
    RecordSource,
    RecordStatus,
    Visit,
)
from frontdesk.scheduling.series import MAX_OCCURRENCES, Conflict, SeriesConflict
from frontdesk.scheduling.waitlist import offer_freed_span
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval

ATTENDANCE = [RecordStatus.BOOKED, RecordStatus.ARRIVED, RecordStatus.NO_SHOW]


def with_seats(queryset):
    """Annotate events with `seats_taken` (one query for the whole list)."""
    return queryset.annotate(seats_taken=Count("records", filter=Q(records__status__in=RecordStatus.TAKING_A_SEAT)))


def seats_left(event) -> int:
    taken = getattr(event, "seats_taken", None)
    if taken is None:
        taken = event.records.filter(status__in=RecordStatus.TAKING_A_SEAT).count()
    return max(event.capacity - taken, 0)


def _lock(specialist_id: int, resource_id: int | None) -> None:
    """Queue concurrent bookings of the same specialist and room behind each other: the rows
    `book_visit` locks too."""
    queue_bookings(
        Specialist.objects.filter(pk=specialist_id), Resource.objects.filter(pk=resource_id) if resource_id else None
    )


def _why_busy(company, specialist_id, resource_id, start, end, tz) -> str:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    works = WorkInterval.objects.filter(
        company=company,
        specialist_id=specialist_id,
        date=local_start.date(),
        start__lte=local_start.time(),
        end__gte=local_end.time(),
    ).exists()
    if not works:
        return _("the specialist does not work at this time")
    if resource_id:
        day = local_start.date()
        full = resource_saturation(company, [resource_id], day, day).get(resource_id, [])
        a, b = to_minute(start), to_minute(end)
        if any(x < b and a < y for x, y in full):
            return _("the room is taken at this time")
    return _("the specialist is busy with another record or class")


@dataclass
class ClassPlan:
    """What a class form asks for; `weekdays` (0 = Monday) and `until` make it repeat."""

    service: object
    specialist: object
    start: datetime.datetime
    duration: int | None = None  # minutes; the service's duration when None
    resource: object | None = None
    capacity: int | None = None  # the service's places when None
    comment: str = ""
    weekdays: tuple[int, ...] = ()
    until: datetime.date | None = None


def _validate(company, plan: ClassPlan) -> None:
    if plan.service.company_id != company.pk or plan.service.is_archived:
        raise ValidationError(_("This service cannot be booked here."))
    if not plan.service.is_group:
        raise ValidationError(_("Choose a group service for a class."))
    if plan.specialist.is_dismissed or not plan.specialist.companies.filter(pk=company.pk).exists():
        raise ValidationError(_("This specialist does not work in this branch."))
    if plan.resource is not None and plan.resource.company_id != company.pk:
        raise ValidationError(_("This room belongs to another branch."))
    if (plan.capacity or plan.service.capacity) < 1:
        raise ValidationError(_("A class needs at least one place."))


def _starts(plan: ClassPlan, tz: ZoneInfo) -> list[datetime.datetime]:
    if not plan.weekdays:
        return [plan.start]
    if plan.until is None:
        raise ValidationError(_("Say until which date the class repeats."))
    local = plan.start.astimezone(tz).replace(tzinfo=None)
    if plan.until < local.date():
        raise ValidationError(_("The series must end on or after its first date."))
    rule = rrule(
        WEEKLY,
        byweekday=sorted(set(plan.weekdays)),
        dtstart=local,
        until=datetime.datetime.combine(plan.until, datetime.time.max),
    )
    starts = [naive.replace(tzinfo=tz) for naive in islice(rule, MAX_OCCURRENCES + 1)]
    if len(starts) > MAX_OCCURRENCES:
        raise ValidationError(
            _("A series may have at most %(max)d occurrences. Choose an earlier end date or fewer times.")
            % {"max": MAX_OCCURRENCES}
        )
    if not starts:
        raise ValidationError(_("No date of the series falls on the chosen weekdays."))
    return starts


def schedule_class(
    company, plan: ClassPlan, *, skip_conflicts: bool = False, now=None
) -> tuple[list[GroupEvent], list[Conflict]]:
    """Put a class (or a weekly series of classes) in the journal.

    Every occurrence must find the specialist working and free (no record, no other class) and
    the room free; otherwise nothing is saved and SeriesConflict names each colliding date,
    unless `skip_conflicts` leaves those dates out on purpose."""
    _validate(company, plan)
    tz = ZoneInfo(company.timezone)
    duration = plan.duration or plan.service.duration
    if duration < 5 or duration > 24 * 60:
        raise ValidationError(_("A class lasts from 5 minutes to 24 hours."))
    own = SpecialistService.objects.filter(specialist=plan.specialist, service=plan.service).first()
    if plan.duration is None and own is not None and own.duration:
        duration = own.duration
    if plan.start < (now or timezone.now()):
        raise ValidationError(_("This time has already passed."))
    starts = _starts(plan, tz)
    resource_id = plan.resource.pk if plan.resource is not None else None
    events: list[GroupEvent] = []
    conflicts: list[Conflict] = []
    with transaction.atomic():
        _lock(plan.specialist.pk, resource_id)
        series = None
        if plan.weekdays:
            series = RecordSeries.objects.create(
                company=company, chain_id=company.chain_id, frequency=Frequency.WEEKLY, interval=1, until=plan.until
            )
        for start in starts:
            end = start + datetime.timedelta(minutes=duration)
            if not block_is_free(company, plan.specialist.pk, start, end, [resource_id] if resource_id else []):
                conflicts.append(
                    Conflict(
                        start.astimezone(datetime.UTC),
                        _why_busy(company, plan.specialist.pk, resource_id, start, end, tz),
                    )
                )
                continue
            events.append(
                GroupEvent.objects.create(
                    company=company,
                    chain_id=company.chain_id,
                    service=plan.service,
                    specialist=plan.specialist,
                    resource=plan.resource,
                    start=start,
                    end=end,
                    capacity=plan.capacity or plan.service.capacity,
                    comment=plan.comment,
                    series=series,
                )
            )
        if (conflicts and not skip_conflicts) or not events:
            raise SeriesConflict(conflicts, tz)
    return events, conflicts


def _locked_event(event: GroupEvent) -> GroupEvent:
    # The branch's and the service's rows too: changes of a class queue behind the changes of the
    # branch's records, which lock the branch's row.
    return lock_row(
        GroupEvent.objects.select_related("company", "service"), event.pk, of=("self", "company", "service")
    )


def add_participant(event: GroupEvent, client, *, source: str = RecordSource.ADMIN, created_by=None) -> Record:
    """Give a client a place in the class. Never beyond capacity, whatever arrives at once: the
    event row is locked (PostgreSQL) or the write lock is held (SQLite) while seats are counted."""
    with transaction.atomic():
        event = _locked_event(event)
        if event.status != GroupEventStatus.SCHEDULED:
            raise ValidationError(_("This class is cancelled."))
        if event.end <= timezone.now():
            raise ValidationError(_("This class is already over."))
        taken = Record.objects.filter(group_event=event, status__in=RecordStatus.TAKING_A_SEAT)
        if client is not None and taken.filter(client=client).exists():
            raise ValidationError(_("%(client)s is already in this class.") % {"client": client})
        if taken.count() >= event.capacity:
            raise ValidationError(
                _("No places left: all %(capacity)d places of this class are taken.") % {"capacity": event.capacity}
            )
        company = event.company
        visit = Visit.objects.create(company=company, chain_id=company.chain_id, client=client)
        record = Record.objects.create(
            company=company,
            chain_id=company.chain_id,
            visit=visit,
            client=client,
            specialist_id=event.specialist_id,
            start=event.start,
            end=event.end,
            block_start=event.start,
            block_end=event.end,
            group_event=event,
            source=source,
            created_by=created_by,
        )
        link = SpecialistService.objects.filter(specialist_id=event.specialist_id, service=event.service).first()
        price = link.price_min if link is not None and link.price_min is not None else event.service.price_min
        RecordService.objects.create(
            record=record,
            chain_id=company.chain_id,
            service=event.service,
            start=event.start,
            duration=int((event.end - event.start).total_seconds() // 60),
            price=price,
        )
        return record


def _locked_participant(record: Record) -> Record:
    record = lock_row(Record.objects, record.pk)
    if record.group_event_id is None:
        raise ValidationError(_("This record is not a place in a class."))
    return record


def remove_participant(record: Record, *, reason: str = "", by: str = CancelledBy.SALON) -> Record:
    """Free the client's place (the record stays, cancelled, for the history, with `reason` and
    who cancelled: the salon unless told otherwise)."""
    with transaction.atomic():
        record = _locked_participant(record)
        if record.status == RecordStatus.CANCELLED:
            return record
        record.mark_status(RecordStatus.CANCELLED, reason=reason, by=by)
        record.save()
        return record


def mark_attendance(record: Record, status: str) -> Record:
    """Arrived, no-show, or back to booked: the attendance of one participant."""
    if status not in ATTENDANCE:
        raise ValidationError(_("Mark a participant as arrived or as a no-show."))
    with transaction.atomic():
        record = _locked_participant(record)
        if record.status == RecordStatus.CANCELLED:
            raise ValidationError(_("This client was removed from the class."))
        if record.status != status:
            record.mark_status(status)
            record.save()
        return record


def cancel_class(event: GroupEvent) -> GroupEvent:
    """Cancel the class: the specialist's time and the room are free again, and every
    participant's record is cancelled."""
    with transaction.atomic():
        event = _locked_event(event)
        if event.status == GroupEventStatus.CANCELLED:
            return event
        event.status = GroupEventStatus.CANCELLED
        event.save()
        for record in lock_rows(
            Record.objects.filter(group_event=event).exclude(status=RecordStatus.CANCELLED)
        ).values():
            record.mark_status(RecordStatus.CANCELLED, reason=CancelReason.CLASS_CANCELLED)
            record.save()
        log_action(event, code="group_event.cancelled")
        transaction.on_commit(partial(offer_freed_span, event.company, event.specialist_id, event.start, event.end))
        return event


@dataclass(frozen=True)
class ClassSlot:
    event: GroupEvent
    seats_left: int

    @property
    def start(self) -> datetime.datetime:
        return self.event.start


def class_slots(
    company, date_from: datetime.date, date_to: datetime.date, service_ids=None, now=None
) -> list[ClassSlot]:
    """Classes of the branch in these local days that a client can still join (not started,
    places left), earliest first — what online booking offers. Two queries."""
    tz = ZoneInfo(company.timezone)
    start = datetime.datetime.combine(date_from, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    events = GroupEvent.objects.filter(
        company=company,
        status=GroupEventStatus.SCHEDULED,
        start__gte=max(start, now or timezone.now()),
        start__lt=end,
        service__is_archived=False,
    ).select_related("service", "specialist", "resource")
    if service_ids is not None:
        events = events.filter(service_id__in=list(service_ids))
    slots = [ClassSlot(event, seats_left(event)) for event in with_seats(events).order_by("start", "id")]
    return [slot for slot in slots if slot.seats_left > 0]


def week_classes(company, monday: datetime.date):
    """The branch's classes of one local week, with seats taken (one query)."""
    tz = ZoneInfo(company.timezone)
    start = datetime.datetime.combine(monday, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time(), tzinfo=tz)
    return with_seats(
        GroupEvent.objects.filter(company=company, start__gte=start, start__lt=end).select_related(
            "service", "specialist", "resource"
        )
    ).order_by("start", "id")
