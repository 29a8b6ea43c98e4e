"""The public online-booking flow (YCLIENTS' book_* methods): what can be booked, when, and the
booking itself through `book_online`, the one online booking path of the product. The partner
token is enough; the customer manages a booking by its record id and hash (the booking link)."""

from __future__ import annotations

import datetime as _dt
import hmac
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from frontdesk.api.routing import booking_error, company_or_404, route
from frontdesk.api.serializers import category_json, service_json, staff_json, user_record_json
from frontdesk.api.wire import (
    ApiError,
    body_ids,
    invalid,
    json_body,
    local_iso,
    not_found,
    ok,
    optional_int,
    parse_date,
    parse_datetime,
    path_id,
    query_ids,
    text,
)
from frontdesk.booking.models import BookingLink, Channel, OnlineBookingSettings
from frontdesk.booking.phone_codes import request_code, verify_code
from frontdesk.booking.services import Origin, book_online, online_free_dates, online_query, online_slots
from frontdesk.catalog.models import Service
from frontdesk.core.middleware import client_ip
from frontdesk.scheduling import engine_sql
from frontdesk.scheduling.availability import Segment, ServiceUnavailable, check_slot, services_free_at
from frontdesk.scheduling.errors import BookingError, SlotTaken
from frontdesk.scheduling.models import CancelledBy, CancelReason, Record
from frontdesk.scheduling.services import cancel_record, nearest_alternatives, why_not_free
from frontdesk.staff.models import Specialist, SpecialistService

router = Router(tags=["online booking"])

# How far book_staff looks for a specialist's nearest free day.
NEAREST_DAYS = 31

_ID_LIST = {"type": "array", "items": {"type": "integer"}}
APPOINTMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "description": "Your id of the appointment, echoed in the answer"},
        "services": _ID_LIST,
        "staff_id": {"type": "integer", "description": "0: any specialist"},
        "datetime": {"type": "string", "example": "2026-01-10T10:00:00+03:00"},
    },
}
CHECK_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"appointments": {"type": "array", "items": APPOINTMENT}},
                    "required": ["appointments"],
                }
            }
        },
        "required": True,
    }
}
RECORD_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "phone": {"type": "string", "example": "+79161234567"},
                        "fullname": {"type": "string"},
                        "email": {"type": "string"},
                        "comment": {"type": "string"},
                        "code": {"type": "number"},
                        "appointments": {"type": "array", "items": APPOINTMENT},
                    },
                    "required": ["phone", "fullname", "appointments"],
                }
            }
        },
        "required": True,
    }
}


def _horizon(company) -> tuple[_dt.date, _dt.date]:
    settings = OnlineBookingSettings.for_company(company)
    today = timezone.now().astimezone(company.tz).date()
    return today, today + _dt.timedelta(days=settings.max_days_ahead)


def _segments(service_ids: list[int], staff_id: int | None) -> list[Segment]:
    if not service_ids:
        raise invalid(_("Choose at least one service."), "service_ids")
    return [Segment(service_id, staff_id or None) for service_id in service_ids]


def _bookable_staff(company):
    return Specialist.objects.filter(companies=company, is_dismissed=False, hidden_online=False)


def _slots(company, segments, date_from, date_to):
    try:
        return online_slots(company, segments, date_from, date_to)
    except ServiceUnavailable:
        raise invalid(_("This service cannot be booked here."), "service_ids") from None


@route(router, "GET", "/v1/book_services/{company_id}", summary="Services bookable online")
def book_services(
    request,
    company_id: str,
    staff_id: str | None = None,
    datetime: str | None = None,  # noqa: A002  (the wire name)
    service_ids: str | None = None,
):
    company = company_or_404(company_id)
    staff_filter = optional_int(staff_id, "staff_id")
    links = SpecialistService.objects.filter(
        service__company=company,
        service__online_booking=True,
        service__is_archived=False,
        specialist__in=_bookable_staff(company),
    ).select_related("service")
    if staff_filter:
        links = links.filter(specialist_id=staff_filter)
    by_service = defaultdict(list)
    for link in links:
        by_service[link.service_id].append(link)
    moment = parse_datetime(datetime, company.tz) if datetime else None
    if moment is not None and by_service:
        # Only what could start at that moment (with that specialist, or anyone).
        local = moment.astimezone(company.tz).date()
        query = online_query(company, [Segment(pk, staff_filter) for pk in sorted(by_service)], local, local)
        free = services_free_at(query, moment)
        by_service = {pk: found for pk, found in by_service.items() if pk in free}
    services = (
        Service.objects.filter(pk__in=list(by_service))
        .select_related("category")
        .order_by("category__sort_order", "sort_order", "title", "pk")
    )
    data_services, categories = [], {}
    for service in services:
        item = service_json(service, by_service[service.pk])
        del item["staff"]
        if staff_filter:
            item["seance_length"] = by_service[service.pk][0].effective_duration * 60
        data_services.append(item)
        categories.setdefault(service.category_id, service.category)
    return ok(
        {
            "events": [],
            "services": data_services,
            "category": [category_json(c) for c in categories.values()],
        }
    )


@route(router, "GET", "/v1/book_staff/{company_id}", summary="Specialists bookable online")
def book_staff(
    request,
    company_id: str,
    service_ids: str | None = None,
    datetime: str | None = None,  # noqa: A002
):
    company = company_or_404(company_id)
    wanted_services = query_ids(request, "service_ids")
    at = parse_datetime(datetime, company.tz)
    staff = _bookable_staff(company).select_related("position").order_by("sort_order", "pk")
    for service_id in wanted_services:
        staff = staff.filter(service_links__service_id=service_id, service_links__service__online_booking=True)
    date_from, date_to = _horizon(company)
    date_to = min(date_to, date_from + _dt.timedelta(days=NEAREST_DAYS))
    data = []
    for specialist in staff.distinct():
        item = staff_json(specialist, company)
        for key in ("phone", "email", "fired", "dismissal_date", "status", "hidden", "user_id", "company_id"):
            item.pop(key, None)
        item["weight"] = str(specialist.sort_order)
        item["seances"] = []
        item["seance_date"] = None
        item["bookable"] = False
        if wanted_services:
            segments = [Segment(s, specialist.pk) for s in wanted_services]
            if at is not None:
                try:
                    item["bookable"] = check_slot(online_query(company, segments, at.date(), at.date()), at) is not None
                except ServiceUnavailable:
                    item["bookable"] = False
            else:
                slots = _slots(company, segments, date_from, date_to)
                if slots:
                    item["bookable"] = True
                    item["seance_date"] = slots[0].start_at.astimezone(company.tz).date().isoformat()
        else:
            item["bookable"] = True
        data.append(item)
    return ok(data)


def _working_dates(company, staff_id, date_from, date_to) -> list[_dt.date]:
    specialists = _bookable_staff(company)
    if staff_id:
        specialists = specialists.filter(pk=staff_id)
    ids = list(specialists.values_list("pk", flat=True))
    if not ids:
        return []
    # The engine's own read of working time (absences left out), as epoch days.
    epoch = _dt.date(1970, 1, 1)
    days = {row[1] for row in engine_sql.working_intervals(company.pk, ids, date_from, date_to)}
    return sorted(epoch + _dt.timedelta(days=n) for n in days)


def _by_month(dates) -> dict[str, list[str]]:
    months = defaultdict(list)
    for day in dates:
        months[str(day.month)].append(str(day.day))
    return dict(months)


@route(router, "GET", "/v1/book_dates/{company_id}", summary="Dates with free times")
def book_dates(
    request,
    company_id: str,
    service_ids: str | None = None,
    staff_id: str | None = None,
    date: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
):
    company = company_or_404(company_id)
    first, last = _horizon(company)
    start = parse_date(date_from, "date_from") or parse_date(date, "date") or first
    end = parse_date(date_to, "date_to") or last
    if end < start:
        raise invalid(_("The end date is before the start date."), "date_to")
    start, end = max(start, first), min(end, last)
    staff_filter = optional_int(staff_id, "staff_id")
    working = _working_dates(company, staff_filter, start, end) if start <= end else []
    wanted_services = query_ids(request, "service_ids")
    if wanted_services and start <= end:
        try:
            booking = online_free_dates(company, _segments(wanted_services, staff_filter), start, end)
        except ServiceUnavailable:
            raise invalid(_("This service cannot be booked here."), "service_ids") from None
    else:
        booking = working
    return ok(
        {
            "booking_dates": [d.isoformat() for d in booking],
            "booking_days": _by_month(booking),
            "working_dates": [d.isoformat() for d in working],
            "working_days": _by_month(working),
        }
    )


@route(router, "GET", "/v1/book_times/{company_id}/{staff_id}/{date}", summary="Free times of a day")
def book_times(request, company_id: str, staff_id: str, date: str, service_ids: str | None = None):
    """`staff_id` 0: any specialist. Times in the branch's time zone, with its offset."""
    company = company_or_404(company_id)
    specialist_id = optional_int(staff_id, "staff_id") if staff_id.lower() not in ("none", "null") else None
    day = parse_date(date, "date")
    if specialist_id and not _bookable_staff(company).filter(pk=specialist_id).exists():
        raise not_found(_("No such specialist."))
    segments = _segments(query_ids(request, "service_ids"), specialist_id)
    tz = company.tz
    data = []
    for slot in _slots(company, segments, day, day):
        length = (slot.end - slot.start) * 60
        data.append(
            {
                "time": slot.start_at.astimezone(tz).strftime("%H:%M"),
                "seance_length": length,
                "sum_length": length,
                "datetime": local_iso(slot.start_at, tz),
            }
        )
    return ok(data)


def _appointments(body) -> list[dict]:
    appointments = body.get("appointments")
    if not isinstance(appointments, list) or not appointments:
        raise invalid(_("Add at least one appointment."), "appointments")
    if len(appointments) > 10:
        raise invalid(_("At most 10 appointments at a time."), "appointments")
    if not all(isinstance(a, dict) for a in appointments):
        raise invalid(_("Each appointment must be an object."), "appointments")
    return appointments


def _read_appointment(company, appointment) -> tuple[list[Segment], _dt.datetime]:
    service_ids = body_ids(appointment.get("services"), "services")
    staff_id = optional_int(appointment.get("staff_id"), "staff_id")
    start = parse_datetime(appointment.get("datetime"), company.tz)
    if start is None:
        raise invalid(_("Choose the date and time."), "datetime")
    return _segments(service_ids, staff_id), start


def _check_enabled(company):
    settings = OnlineBookingSettings.for_company(company)
    if not settings.enabled:
        raise ApiError(422, _("Online booking is off in this branch."))
    return settings


@route(
    router,
    "POST",
    "/v1/book_check/{company_id}",
    summary="Check appointments before booking",
    openapi_extra=CHECK_BODY,
)
def book_check(request, company_id: str):
    company = company_or_404(company_id)
    _check_enabled(company)
    body = json_body(request)
    for appointment in _appointments(body):
        segments, start = _read_appointment(company, appointment)
        local = start.astimezone(company.tz).date()
        query = online_query(company, segments, local, local)
        try:
            slot = check_slot(query, start)
        except ServiceUnavailable:
            raise invalid(_("This service cannot be booked here."), "services") from None
        if slot is None:
            taken = SlotTaken(nearest_alternatives(query, start), reason=why_not_free(query, start))
            raise booking_error(taken, company.tz)
    return ok({}, {"message": "Created"}, status=201)


@route(
    router,
    "POST",
    "/v1/book_record/{company_id}",
    summary="Book (online booking)",
    openapi_extra=RECORD_BODY,
)
def book_record(request, company_id: str):
    """Books every appointment or none. A taken time answers 422 with the nearest free times in
    `meta.alternatives`."""
    company = company_or_404(company_id)
    settings = _check_enabled(company)
    body = json_body(request)
    phone = text(body.get("phone"), 40)
    name = text(body.get("fullname") or body.get("name"), 150)
    if not phone:
        raise invalid(_("Enter a phone number."), "phone")
    if not name:
        raise invalid(_("Enter your name."), "fullname")
    email = text(body.get("email"), 254)
    if email:
        try:
            from django.core.validators import validate_email

            validate_email(email)
        except ValidationError:
            raise invalid(_("Enter a valid email address."), "email") from None
    elif settings.email_required:
        raise invalid(_("Enter your email."), "email")
    comment = text(body.get("comment"), 2000)
    if settings.comment_required and not comment:
        raise invalid(_("Add a comment."), "comment")
    if settings.phone_confirmation:
        # The code sent by book_code, checked (and a wrong guess counted) before anything is booked.
        code = text(str(body.get("code") or "").split(".")[0], 10)
        # YCLIENTS types the code as a number, which drops leading zeros: codes have 4 digits.
        code = code.zfill(4) if code.isdigit() else code
        if not code:
            raise invalid(_("Enter the code from the SMS."), "code")
        try:
            verify_code(company, phone, code)
        except ValidationError as exc:
            raise invalid(" ".join(exc.messages), "code") from None
    appointments = [(a, *_read_appointment(company, a)) for a in _appointments(body)]
    results = []
    try:
        with transaction.atomic():
            for appointment, segments, start in appointments:
                records, link = book_online(
                    company=company,
                    segments=segments,
                    start=start,
                    name=name,
                    phone=phone,
                    email=email,
                    comment=comment,
                    origin=Origin(channel=Channel.API, referrer=text(request.headers.get("Referer"), 500)),
                )
                results.append(
                    {
                        "id": optional_int(appointment.get("id"), "id") or 0,
                        "record_id": records[0].pk,
                        "record_hash": link.token,
                    }
                )
    except ValidationError as exc:
        raise invalid(" ".join(exc.messages), "phone") from None
    except BookingError as exc:
        raise booking_error(exc, company.tz) from None
    return ok(results, {}, status=201)


CODE_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "phone": {"type": "string", "example": "+79161234567"},
                        "fullname": {"type": "string"},
                    },
                    "required": ["phone"],
                }
            }
        },
        "required": True,
    }
}


@route(
    router,
    "POST",
    "/v1/book_code/{company_id}",
    summary="Send an SMS code to confirm the phone",
    openapi_extra=CODE_BODY,
)
def book_code(request, company_id: str):
    """Sends the code a branch with phone confirmation asks for in book_record's `code`. Limited
    per phone, per address and per branch against SMS pumping."""
    company = company_or_404(company_id)
    _check_enabled(company)
    phone = text(json_body(request).get("phone"), 40)
    if not phone:
        raise invalid(_("Enter a phone number."), "phone")
    try:
        request_code(company, phone, client_ip(request))
    except ValidationError as exc:
        status = 422 if exc.code in (None, "invalid", "required") else 429
        raise ApiError(status, " ".join(exc.messages), [{"phone": " ".join(exc.messages)}]) from None
    return ok({}, {}, status=201)


# ---------------------------------------------------------------- the customer's own booking
def _visit_records(record_id, record_hash):
    record = Record.objects.filter(pk=path_id(record_id)).first()
    link = BookingLink.objects.filter(visit_id=record.visit_id).first() if record is not None else None
    # A wrong hash reads exactly like a wrong id: nothing tells a guesser which part was right.
    if link is None or not hmac.compare_digest(link.token.encode(), str(record_hash).encode()):
        raise not_found(_("No such booking."))
    return list(
        Record.objects.filter(visit_id=record.visit_id)
        .select_related("company__chain", "specialist__position", "client")
        .prefetch_related("lines__service")
        .order_by("start", "pk")
    )


@route(router, "GET", "/v1/user/records/{record_id}/{record_hash}", summary="The customer's booking")
def user_record(request, record_id: str, record_hash: str):
    return ok([user_record_json(r) for r in _visit_records(record_id, record_hash)])


@route(router, "DELETE", "/v1/user/records/{record_id}/{record_hash}", summary="Cancel the customer's booking")
def user_record_cancel(request, record_id: str, record_hash: str):
    records = _visit_records(record_id, record_hash)
    company = records[0].company
    settings = OnlineBookingSettings.for_company(company)
    deadline = timezone.now() + _dt.timedelta(minutes=settings.cancel_deadline)
    active = [r for r in records if r.status != "cancelled"]
    if any(r.start < deadline for r in active):
        raise ApiError(
            422,
            _("It is too late to cancel online. Call the branch, please."),
            [{"datetime": "too_late"}],
        )
    try:
        with transaction.atomic():
            for record in active:
                cancel_record(record, reason=CancelReason.CLIENT_ASKED, by=CancelledBy.CLIENT)
    except BookingError as exc:
        raise booking_error(exc, company.tz) from None
    return ok({}, {"message": "Deleted"})
