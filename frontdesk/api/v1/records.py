"""Records (appointments) for CRM integrations: list, create, read, change, cancel. Needs a user
token with rights in the journal; a specialist limited to own records sees and books only their
own. Every change goes through the scheduling services (no double booking, event log)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Router

from frontdesk.accounts.permissions import Level, Section
from frontdesk.api.auth import require_user
from frontdesk.api.routing import booking_error, company_or_404, route
from frontdesk.api.serializers import STATUS_BY_ATTENDANCE, record_json
from frontdesk.api.wire import (
    ApiError,
    flag,
    invalid,
    json_body,
    not_found,
    ok,
    optional_int,
    page_params,
    parse_date,
    parse_datetime,
    path_id,
    text,
    to_amount,
    to_int,
)
from frontdesk.clients.models import Client
from frontdesk.clients.services import find_or_create_client
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import Record, RecordService, RecordSource, RecordStatus
from frontdesk.scheduling.services import (
    book_visit,
    cancel_record,
    change_record_services,
    move_record,
    set_record_status,
)
from frontdesk.staff.models import Specialist

router = Router(tags=["records"])

RECORD_FIELDS = {
    "type": "object",
    "properties": {
        "staff_id": {"type": "integer"},
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "cost": {"type": "number"}, "discount": {"type": "number"}},
            },
        },
        "client": {
            "type": "object",
            "properties": {"phone": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"}},
        },
        "datetime": {"type": "string", "example": "2026-01-10T10:00:00+03:00"},
        "seance_length": {"type": "integer"},
        "save_if_busy": {"type": "boolean"},
        "comment": {"type": "string"},
        "attendance": {"type": "integer", "enum": [-1, 0, 1, 2]},
    },
}
RECORD_BODY = {"requestBody": {"content": {"application/json": {"schema": RECORD_FIELDS}}, "required": True}}


def _records(context, company):
    records = Record.objects.filter(company=company).select_related("company__chain", "specialist__position", "client")
    if context.membership.own_records_only:
        records = records.filter(specialist__user=context.user)
    return records.prefetch_related("lines__service")


def _record_or_404(context, company, record_id) -> Record:
    record = _records(context, company).filter(pk=path_id(record_id)).first()
    if record is None:
        raise not_found(_("No such record."))
    return record


@route(router, "GET", "/v1/records/{company_id}", summary="List records")
def list_records(
    request,
    company_id: str,
    page: str | None = None,
    count: str | None = None,
    staff_id: str | None = None,
    client_id: str | None = None,
    created_user_id: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    c_start_date: str | None = None,
    c_end_date: str | None = None,
    changed_after: str | None = None,
    changed_before: str | None = None,
    include_consumables: str | None = None,
    include_finance_transactions: str | None = None,
    with_deleted: str | None = None,
):
    company = company_or_404(company_id)
    context = require_user(request, Section.JOURNAL, Level.VIEW, company)
    tz = company.tz
    records = _records(context, company)
    if not flag(with_deleted):
        records = records.exclude(status=RecordStatus.CANCELLED)
    for value, field in ((staff_id, "specialist_id"), (client_id, "client_id"), (created_user_id, "created_by_id")):
        number = optional_int(value, field.removesuffix("_id"))
        if number:
            records = records.filter(**{field: number})
    for value, lookup, name in (
        (start_date, "start__gte", "start_date"),
        (c_start_date, "created_at__gte", "c_start_date"),
    ):
        day = parse_date(value, name)
        if day:
            records = records.filter(**{lookup: _day_start(day, tz)})
    for value, lookup, name in ((end_date, "start__lt", "end_date"), (c_end_date, "created_at__lt", "c_end_date")):
        day = parse_date(value, name)
        if day:
            records = records.filter(**{lookup: _day_start(day, tz, next_day=True)})
    after = parse_datetime(changed_after, tz, "changed_after")
    if after:
        records = records.filter(updated_at__gte=after)
    before = parse_datetime(changed_before, tz, "changed_before")
    if before:
        records = records.filter(updated_at__lte=before)
    page_number, size = page_params(page, count, default=25, maximum=200)
    total = records.count()
    rows = records.order_by("start", "pk")[(page_number - 1) * size : page_number * size]
    return ok([record_json(r) for r in rows], {"page": page_number, "count": total, "total_count": total})


def _day_start(day, tz, next_day=False):
    import datetime

    if next_day:
        day = day + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(), tzinfo=tz)


def _service_lines(raw) -> list[tuple[int, object]]:
    """[(service_id, cost or None)] from `[{"id": 1.0, "cost": 100.0}]` or `[1, 2]`."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid(_("Services must be a list."), "services")
    lines = []
    for item in raw:
        if isinstance(item, dict):
            cost = item.get("cost")
            cost = to_amount(cost, "services") if cost not in (None, "") else None
            lines.append((to_int(item.get("id"), "services"), cost))
        else:
            lines.append((to_int(item, "services"), None))
    return lines


def _client_from(company, raw) -> Client | None:
    if raw is None or raw == [] or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise invalid(_("The client must be an object with a phone and a name."), "client")
    if raw.get("id") not in (None, "", 0):
        client = Client.objects.filter(pk=to_int(raw.get("id"), "client")).first()
        if client is None:
            raise invalid(_("No such client."), "client")
        return client
    name = " ".join(text(raw.get(k), 150) for k in ("name", "surname") if text(raw.get(k)))
    try:
        return find_or_create_client(
            chain=company.chain, phone=text(raw.get("phone"), 40), name=name, email=text(raw.get("email"), 254)
        )
    except ValidationError as exc:
        raise invalid(" ".join(exc.messages), "phone") from None


def _check_own(context, specialist_id):
    if (
        context.membership.own_records_only
        and not Specialist.objects.filter(pk=specialist_id, user=context.user).exists()
    ):
        raise ApiError(403, _("You can only book and change your own records."))


def _set_prices(records, costs: dict[int, object]):
    if not costs:
        return
    for line in RecordService.objects.filter(record__in=records, service_id__in=list(costs)):
        if costs[line.service_id] is not None:
            line.price = costs[line.service_id]
            line.save(update_fields=["price"])


def _set_attendance(record, value):
    if value is None:
        return record
    status = STATUS_BY_ATTENDANCE.get(to_int(value, "attendance"))
    if status is None:
        raise invalid(_("Attendance is one of -1, 0, 1, 2."), "attendance")
    return set_record_status(record, status)


@route(router, "POST", "/v1/records/{company_id}", summary="Create a record", openapi_extra=RECORD_BODY)
def create_record(request, company_id: str):
    company = company_or_404(company_id)
    context = require_user(request, Section.JOURNAL, Level.EDIT, company)
    body = json_body(request)
    staff_id = optional_int(body.get("staff_id"), "staff_id")
    if not staff_id:
        raise invalid(_("Choose a specialist."), "staff_id")
    if not Specialist.objects.filter(pk=staff_id, companies=company).exists():
        raise invalid(_("This specialist does not work in this branch."), "staff_id")
    _check_own(context, staff_id)
    lines = _service_lines(body.get("services"))
    if not lines:
        raise invalid(_("Choose at least one service."), "services")
    start = parse_datetime(body.get("datetime"), company.tz)
    if start is None:
        raise invalid(_("Choose the date and time."), "datetime")
    try:
        with transaction.atomic():
            client = _client_from(company, body.get("client"))
            records = book_visit(
                company=company,
                segments=[Segment(service_id, staff_id) for service_id, _cost in lines],
                start=start,
                client=client,
                source=RecordSource.API,
                comment=text(body.get("comment"), 2000),
                created_by=context.user,
                overbook=flag(body.get("save_if_busy")),
            )
            _set_prices(records, dict(lines))
            for record in records:
                _set_attendance(record, body.get("attendance"))
    except BookingError as exc:
        raise booking_error(exc, company.tz) from None
    fresh = _records(context, company).filter(pk__in=[r.pk for r in records]).order_by("start", "pk")
    return ok([record_json(r) for r in fresh], {}, status=201)


@route(router, "GET", "/v1/record/{company_id}/{record_id}", summary="Get a record")
def get_record(
    request,
    company_id: str,
    record_id: str,
    include_consumables: str | None = None,
    include_finance_transactions: str | None = None,
):
    company = company_or_404(company_id)
    context = require_user(request, Section.JOURNAL, Level.VIEW, company)
    return ok(record_json(_record_or_404(context, company, record_id)))


@route(router, "PUT", "/v1/record/{company_id}/{record_id}", summary="Change a record", openapi_extra=RECORD_BODY)
def update_record(request, company_id: str, record_id: str):
    """Move (datetime, staff_id), change the services, the comment, prices or attendance."""
    company = company_or_404(company_id)
    context = require_user(request, Section.JOURNAL, Level.EDIT, company)
    record = _record_or_404(context, company, record_id)
    body = json_body(request)
    lines = _service_lines(body.get("services"))
    current = [line.service_id for line in record.lines.order_by("position")]
    wanted = [service_id for service_id, _cost in lines]
    start = parse_datetime(body.get("datetime"), company.tz)
    staff_id = optional_int(body.get("staff_id"), "staff_id")
    if staff_id and staff_id != record.specialist_id:
        if not Specialist.objects.filter(pk=staff_id, companies=company).exists():
            raise invalid(_("This specialist does not work in this branch."), "staff_id")
        _check_own(context, staff_id)
    try:
        with transaction.atomic():
            if (start and start != record.start) or (staff_id and staff_id != record.specialist_id):
                record = move_record(
                    record,
                    start=start or record.start,
                    specialist=staff_id or None,
                    overbook=flag(body.get("save_if_busy")),
                )
            if wanted and wanted != current:
                record = change_record_services(record, wanted, overbook=flag(body.get("save_if_busy")))
            if "comment" in body:
                record.comment = text(body.get("comment"), 2000)
                record.save(update_fields=["comment", "updated_at"])
            _set_prices([record], dict(lines))
            _set_attendance(record, body.get("attendance"))
    except BookingError as exc:
        raise booking_error(exc, company.tz) from None
    return ok(record_json(_record_or_404(context, company, record.pk)))


@route(router, "DELETE", "/v1/record/{company_id}/{record_id}", summary="Cancel a record")
def delete_record(
    request,
    company_id: str,
    record_id: str,
    include_consumables: str | None = None,
    include_finance_transactions: str | None = None,
):
    """The record is cancelled (kept in the history and the event log), not erased."""
    company = company_or_404(company_id)
    context = require_user(request, Section.JOURNAL, Level.EDIT, company)
    record = _record_or_404(context, company, record_id)
    try:
        cancel_record(record)
    except BookingError as exc:
        raise booking_error(exc, company.tz) from None
    return ok({}, {"message": "Deleted"})
