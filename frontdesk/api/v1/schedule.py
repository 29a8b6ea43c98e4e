"""The staff work schedule by day (YCLIENTS' staff_schedule): read and bulk-set or clear days
through the same service as the back office's schedule grid."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Router

from frontdesk.accounts.permissions import Level, Section
from frontdesk.api.auth import require_user
from frontdesk.api.routing import company_or_404, route
from frontdesk.api.wire import ApiError, invalid, json_body, ok, parse_date, query_ids, to_int
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.staff.models import Absence, Specialist
from frontdesk.staff.schedules import parse_time
from frontdesk.staff.services import day_plans, set_days

router = Router(tags=["staff schedule"])

MAX_DAYS = 93

SCHEDULE_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "schedules_to_set": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "staff_id": {"type": "integer"},
                                    "dates": {"type": "array", "items": {"type": "string", "format": "date"}},
                                    "slots": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
                                        },
                                    },
                                },
                            },
                        },
                        "schedules_to_delete": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "staff_id": {"type": "integer"},
                                    "dates": {"type": "array", "items": {"type": "string", "format": "date"}},
                                },
                            },
                        },
                    },
                }
            }
        },
        "required": True,
    }
}


def _range(start_date, end_date):
    date_from = parse_date(start_date, "start_date") or datetime.date.today()
    date_to = parse_date(end_date, "end_date") or date_from
    if date_to < date_from:
        raise invalid(_("The end date is before the start date."), "end_date")
    if (date_to - date_from).days >= MAX_DAYS:
        raise invalid(_("Ask for at most %(days)s days at a time.") % {"days": MAX_DAYS}, "end_date")
    return date_from, date_to


def _schedule(company, staff_ids, date_from, date_to, with_busy: bool):
    specialists = Specialist.objects.filter(companies=company, is_dismissed=False)
    if staff_ids:
        specialists = specialists.filter(pk__in=staff_ids)
    ids = list(specialists.order_by("sort_order", "pk").values_list("pk", flat=True))
    plans = day_plans(company, ids, date_from, date_to)
    absent = set()
    for absence in Absence.objects.filter(specialist_id__in=ids, date_from__lte=date_to, date_to__gte=date_from):
        day = max(absence.date_from, date_from)
        while day <= min(absence.date_to, date_to):
            absent.add((absence.specialist_id, day))
            day += datetime.timedelta(days=1)
    busy = {}
    if with_busy:
        tz = company.tz
        start = datetime.datetime.combine(date_from, datetime.time(), tzinfo=tz)
        end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
        for pk, specialist_id, rec_start, rec_end in Record.objects.filter(
            Q(company=company), specialist_id__in=ids, status__in=RecordStatus.HOLDING, start__lt=end, end__gt=start
        ).values_list("pk", "specialist_id", "start", "end"):
            local_start, local_end = rec_start.astimezone(tz), rec_end.astimezone(tz)
            busy.setdefault((specialist_id, local_start.date()), []).append(
                {
                    "entity_type": "record",
                    "entity_id": pk,
                    "from": local_start.strftime("%H:%M"),
                    "to": local_end.strftime("%H:%M"),
                }
            )
    data = []
    for specialist_id in ids:
        day = date_from
        while day <= date_to:
            slots = [
                {"from": a.strftime("%H:%M"), "to": b.strftime("%H:%M")}
                for a, b in plans.get(specialist_id, {}).get(day, [])
            ]
            if (specialist_id, day) in absent:
                slots = []
            item = {
                "staff_id": specialist_id,
                "date": day.isoformat(),
                "slots": slots,
                "busy_intervals": busy.get((specialist_id, day), []),
                "is_working": bool(slots),
                "off_day_type": 1 if (specialist_id, day) in absent else None,
            }
            data.append(item)
            day += datetime.timedelta(days=1)
    return data


@route(router, "GET", "/v1/company/{company_id}/staff/schedule", summary="Staff work schedule by day")
def get_schedule(
    request,
    company_id: str,
    start_date: str | None = None,
    end_date: str | None = None,
    staff_ids: str | None = None,
    include: str | None = None,
):
    company = company_or_404(company_id)
    require_user(request, Section.JOURNAL, Level.VIEW, company)
    date_from, date_to = _range(start_date, end_date)
    with_busy = "busy_intervals" in (include or "") or "busy_intervals" in ",".join(request.GET.getlist("include[]"))
    data = _schedule(company, query_ids(request, "staff_ids"), date_from, date_to, with_busy)
    return ok(data, {"count": len(data)})


def _dates(raw) -> list[datetime.date]:
    if not isinstance(raw, list) or not raw:
        raise invalid(_("List the dates."), "dates")
    return [parse_date(d, "dates") for d in raw]


def _slots(raw) -> list[tuple[datetime.time, datetime.time]]:
    if not isinstance(raw, list):
        raise invalid(_("List the working intervals."), "slots")
    slots = []
    for item in raw:
        if not isinstance(item, dict):
            raise invalid(_("List the working intervals."), "slots")
        try:
            slots.append((parse_time(str(item.get("from", ""))), parse_time(str(item.get("to", "")))))
        except ValidationError as exc:
            raise invalid(" ".join(exc.messages), "slots") from None
    return slots


@route(
    router,
    "PUT",
    "/v1/company/{company_id}/staff/schedule",
    summary="Set or clear staff work days",
    openapi_extra=SCHEDULE_BODY,
)
def put_schedule(request, company_id: str):
    company = company_or_404(company_id)
    require_user(request, Section.SETTINGS, Level.EDIT, company)
    body = json_body(request)
    changes: dict[int, dict[datetime.date, list]] = {}
    for key, with_slots in (("schedules_to_delete", False), ("schedules_to_set", True)):
        items = body.get(key) or []
        if not isinstance(items, list):
            raise invalid(_("The schedule must be a list."), key)
        for item in items:
            if not isinstance(item, dict):
                raise invalid(_("The schedule must be a list."), key)
            staff_id = to_int(item.get("staff_id"), "staff_id")
            plan = _slots(item.get("slots") or []) if with_slots else []
            for day in _dates(item.get("dates")):
                changes.setdefault(staff_id, {})[day] = plan
    if not changes:
        raise invalid(_("Nothing to change: send schedules_to_set or schedules_to_delete."), "schedules_to_set")
    days = sorted({day for plan in changes.values() for day in plan})
    if (days[-1] - days[0]).days >= 366:
        raise ApiError(422, _("Choose at most a year at a time."))
    set_days(company, changes)
    data = _schedule(company, list(changes), days[0], days[-1], with_busy=False)
    data = [item for item in data if datetime.date.fromisoformat(item["date"]) in set(days)]
    return ok(data, {"count": len(data)})
