"""Online booking by a client: the same engine and booking path as the journal, with the
branch's online rules (bookable services and specialists, step, notice, horizon)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from frontdesk.booking import errors  # noqa: F401  (registers the booking messages)
from frontdesk.booking.models import BookingLink, BookingSource, Channel, OnlineBookingSettings
from frontdesk.booking.signals import booked_online
from frontdesk.catalog.models import Service
from frontdesk.clients.services import find_or_create_client
from frontdesk.core.siteurl import absolute_url
from frontdesk.scheduling.availability import (
    Query,
    Segment,
    ServiceUnavailable,
    check_slot,
    find_free_dates,
    find_slots,
)
from frontdesk.scheduling.classes import add_participant
from frontdesk.scheduling.errors import BookingError, SlotTaken
from frontdesk.scheduling.models import (
    CancelledBy,
    CancelReason,
    GroupEvent,
    GroupEventStatus,
    Record,
    RecordSource,
    RecordStatus,
)
from frontdesk.scheduling.services import (
    book_visit,
    cancel_record,
    move_record,
    nearest_alternatives,
    nearest_slots,
    why_not_free,
)
from frontdesk.staff.models import Specialist

SOURCE_BY_CHANNEL = {
    Channel.PAGE: RecordSource.ONLINE,
    Channel.SOCIAL: RecordSource.ONLINE,
    Channel.WIDGET: RecordSource.WIDGET,
    Channel.API: RecordSource.API,
}


@dataclass
class Origin:
    channel: str = Channel.PAGE
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    referrer: str = ""


def online_query(company, segments: list[Segment], date_from: datetime.date, date_to: datetime.date) -> Query:
    """The engine query for what a client may book online in this branch."""
    settings = OnlineBookingSettings.for_company(company)
    return Query(
        company=company,
        segments=segments,
        date_from=date_from,
        date_to=date_to,
        step=settings.step,
        min_notice=settings.min_notice,
        max_days_ahead=settings.max_days_ahead,
        online=True,
    )


def online_slots(company, segments, date_from, date_to):
    return find_slots(online_query(company, segments, date_from, date_to))


def online_free_dates(company, segments, date_from, date_to):
    """The dates a client can book online: what a date picker shows."""
    return find_free_dates(online_query(company, segments, date_from, date_to))


def book_online(
    *,
    company,
    segments: list[Segment],
    start: datetime.datetime,
    name: str,
    phone: str,
    email: str = "",
    comment: str = "",
    origin: Origin | None = None,
):
    """Book a visit for a client from the booking page, the widget or the API. Returns
    (records, link). Raises BookingError/SlotTaken (with alternatives) or ValidationError for a
    bad phone; nothing is saved then."""
    origin = origin or Origin()
    settings = OnlineBookingSettings.for_company(company)
    local = start.astimezone(company.tz)
    if settings.step and (local.hour * 60 + local.minute) % settings.step or local.second or local.microsecond:
        # Online, only the times the branch offers can be booked.
        raise SlotTaken(
            nearest_alternatives(online_query(company, segments, local.date(), local.date()), start),
            reason="slot_closed",
        )
    with transaction.atomic():
        client = find_or_create_client(chain=company.chain, phone=phone, name=name, email=email)
        records = book_visit(
            company=company,
            segments=segments,
            start=start,
            client=client,
            source=SOURCE_BY_CHANNEL.get(origin.channel, RecordSource.ONLINE),
            comment=comment,
            online=True,
            step=settings.step,
            min_notice=settings.min_notice,
            max_days_ahead=settings.max_days_ahead,
        )
        link = _remember_origin(company, records[0].visit, origin)
    return records, link


# --- What a client may choose --------------------------------------------------------------


def bookable_services(company):
    """The branch's services a client may book online, with their category (1 query)."""
    return list(
        Service.objects.filter(company=company, is_archived=False, online_booking=True, is_group=False)
        .filter(
            specialist_links__specialist__companies=company,
            specialist_links__specialist__hidden_online=False,
            specialist_links__specialist__is_dismissed=False,
        )
        .distinct()
        .select_related("category")
        .order_by("category__sort_order", "category__title", "sort_order", "title", "id")
    )


def bookable_specialists(company, service_ids=()):
    """Specialists shown online in this branch, who perform every one of `service_ids`."""
    specialists = Specialist.objects.filter(companies=company, is_dismissed=False, hidden_online=False)
    for service_id in service_ids:
        specialists = specialists.filter(service_links__service_id=service_id)
    return list(specialists.select_related("position").distinct().order_by("sort_order", "name", "id"))


@dataclass
class ClassSession:
    event: GroupEvent
    seats_left: int


def class_sessions(company, date_from: datetime.date, date_to: datetime.date, event_id=None) -> list[ClassSession]:
    """Upcoming classes of the branch a client may join online, with the seats left (1 query).
    Within the branch's notice and horizon; full classes are listed with 0 seats."""
    settings = OnlineBookingSettings.for_company(company)
    now = timezone.now()
    earliest = now + datetime.timedelta(minutes=settings.min_notice)
    latest = datetime.datetime.combine(
        now.astimezone(company.tz).date() + datetime.timedelta(days=settings.max_days_ahead + 1),
        datetime.time(),
        tzinfo=company.tz,
    )
    start_from = max(earliest, datetime.datetime.combine(date_from, datetime.time(), tzinfo=company.tz))
    start_to = min(
        latest, datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=company.tz)
    )
    events = (
        GroupEvent.objects.filter(
            company=company,
            status=GroupEventStatus.SCHEDULED,
            service__online_booking=True,
            service__is_archived=False,
            start__gte=start_from,
            start__lt=start_to,
        )
        .select_related("service", "specialist")
        .annotate(taken=Count("records", filter=Q(records__status__in=RecordStatus.HOLDING)))
        .order_by("start", "id")
    )
    if event_id is not None:
        events = events.filter(pk=event_id)
    return [ClassSession(event, max(event.capacity - event.taken, 0)) for event in events]


def book_class(*, company, event_id: int, name: str, phone: str, email: str = "", comment: str = "", origin=None):
    """Join a client to a class. Returns (record, link). Raises BookingError when the class is
    full, gone or out of the online window, ValidationError for a bad phone; nothing is saved then.
    The class row is locked while the seats are counted, so two clients never take the last seat."""
    origin = origin or Origin()
    with transaction.atomic():
        event = GroupEvent.objects.filter(pk=event_id, company=company).first()
        day = event.start.astimezone(company.tz).date() if event else None
        sessions = class_sessions(company, day, day, event_id) if event else []
        if not sessions:
            raise BookingError("class_unavailable")
        if sessions[0].seats_left <= 0:
            raise BookingError("class_full")
        client = find_or_create_client(chain=company.chain, phone=phone, name=name, email=email)
        if event.records.filter(client=client, status__in=RecordStatus.HOLDING).exists():
            raise BookingError("class_joined")
        try:
            # The one path that gives a place in a class: it locks the class and counts seats.
            record = add_participant(event, client, source=SOURCE_BY_CHANNEL.get(origin.channel, RecordSource.ONLINE))
        except ValidationError:
            raise BookingError("class_full") from None
        if comment:
            record.comment = comment
            record.save(update_fields=["comment"])
        visit = record.visit
        link = _remember_origin(company, visit, origin)
    return record, link


def _remember_origin(company, visit, origin: Origin) -> BookingLink:
    link = BookingLink.objects.create(visit=visit, chain_id=company.chain_id)
    source = BookingSource.objects.create(
        visit=visit,
        chain_id=company.chain_id,
        channel=origin.channel,
        utm_source=origin.utm_source[:100],
        utm_medium=origin.utm_medium[:100],
        utm_campaign=origin.utm_campaign[:100],
        referrer=origin.referrer[:500],
    )
    booked_online.send(visit=visit, source=source)
    return link


# --- Self-service through the booking link -------------------------------------------------


def visit_records(visit) -> list[Record]:
    return list(
        visit.records.select_related("specialist", "company", "group_event")
        .prefetch_related("lines__service")
        .order_by("start", "id")
    )


def changeable(visit, records=None, now=None) -> bool:
    """Whether the client may still cancel or move the visit: every record is booked or
    confirmed and the first starts later than the branch's cancellation deadline."""
    records = records if records is not None else visit_records(visit)
    if not records or any(r.status not in RecordStatus.UPCOMING for r in records):
        return False
    settings = OnlineBookingSettings.for_company(visit.company)
    now = now or timezone.now()
    return records[0].start - now >= datetime.timedelta(minutes=settings.cancel_deadline)


def cancel_visit(link: BookingLink) -> list[Record]:
    """The client cancels the visit of the link, if the deadline allows."""
    with transaction.atomic():
        visit = link.visit
        records = visit_records(visit)
        if not changeable(visit, records):
            raise BookingError("too_late")
        return [cancel_record(record, reason=CancelReason.CLIENT_ASKED, by=CancelledBy.CLIENT) for record in records]


def _move_query(visit, records, day_from, day_to) -> Query:
    segments = [Segment(line.service_id, record.specialist_id) for record in records for line in record.lines.all()]
    query = online_query(visit.company, segments, day_from, day_to)
    query.ignore_record_ids = tuple(r.pk for r in records)
    return query


def move_slots(link: BookingLink, day_from, day_to):
    """The times the visit may move to: the branch's online times for the same services and
    specialists, as if the visit were not there."""
    visit = link.visit
    records = visit_records(visit)
    if not changeable(visit, records) or any(r.group_event_id for r in records):
        return []
    try:
        return find_slots(_move_query(visit, records, day_from, day_to))
    except ServiceUnavailable:
        return []


def _check_move(link: BookingLink, visit, records, start: datetime.datetime) -> None:
    if not changeable(visit, records):
        raise BookingError("too_late")
    if any(r.group_event_id for r in records):
        raise BookingError("class_not_movable")
    day = start.astimezone(visit.company.tz).date()
    query = _move_query(visit, records, day, day)
    try:
        slot = check_slot(query, start)
    except ServiceUnavailable:
        slot = None
    local = start.astimezone(visit.company.tz)
    step = OnlineBookingSettings.for_company(visit.company).step
    if slot is None or (step and (local.hour * 60 + local.minute) % step):
        raise SlotTaken(
            nearest_slots(move_slots(link, day, day + datetime.timedelta(days=7)), start, visit.company.tz),
            reason="slot_closed" if slot is not None else why_not_free(query, start),
        )


def check_move(link: BookingLink, start: datetime.datetime) -> None:
    """Whether the visit may move to `start` now (the confirmation page asks before the client
    confirms); raises what move_visit would raise. Reads only: the time is not held."""
    visit = link.visit
    _check_move(link, visit, visit_records(visit), start)


def move_visit(link: BookingLink, start: datetime.datetime) -> list[Record]:
    """The client moves the visit to one of the offered times (move_slots); every record of the
    visit shifts by the same amount, with the same specialists."""
    with transaction.atomic():
        visit = link.visit
        records = visit_records(visit)
        _check_move(link, visit, records, start)
        shift = start - records[0].start
        return [move_record(record, start=record.start + shift) for record in records]


def client_records(chain_id: int, phone: str):
    """A client's records across the network, newest first (for the returning client)."""
    return list(
        Record.objects.filter(chain_id=chain_id, client__phone=phone)
        .select_related("company", "specialist", "visit__booking_link")
        .prefetch_related("lines__service")
        .order_by("-start", "-id")[:100]
    )


def link_for(visit) -> BookingLink:
    """The visit's booking link, made for a visit booked by the salon (no link yet)."""
    try:
        return visit.booking_link
    except BookingLink.DoesNotExist:
        link, _created = BookingLink.objects.get_or_create(visit=visit, defaults={"chain_id": visit.chain_id})
        return link


def self_service_url(visit) -> str:
    """The full address of the visit's own page (cancel, move, pay): the `link` variable of the
    notifications' messages (registered in BookingConfig.ready)."""
    return absolute_url(reverse("booking:my", kwargs={"token": link_for(visit).token}))


def branch_page_url(company) -> str:
    """The full address of the branch's booking page: the `link` variable of messages about no
    visit, such as mailings (registered in BookingConfig.ready)."""
    return absolute_url(reverse("booking:branch", kwargs={"branch_id": company.pk}))


# --- Settings ------------------------------------------------------------------------------


def save_online_settings(form, company, *, online_service_ids: set[int], visible_specialist_ids: set[int]):
    """Save the branch's online booking settings and which services and specialists clients see,
    together or not at all."""
    with transaction.atomic():
        settings = form.save()
        for service in Service.objects.filter(company=company, is_archived=False):
            wanted = service.pk in online_service_ids
            if service.online_booking != wanted:
                service.online_booking = wanted
                service.save(update_fields=["online_booking"])
        for specialist in Specialist.objects.filter(companies=company, is_dismissed=False):
            hidden = specialist.pk not in visible_specialist_ids
            if specialist.hidden_online != hidden:
                specialist.hidden_online = hidden
                specialist.save(update_fields=["hidden_online"])
    return settings
