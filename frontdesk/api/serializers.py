"""Frontdesk objects in YCLIENTS' JSON shapes (field lists: shared/yclients-api/booking_models.md).
Numbers where the clients expect numbers, strings where they expect strings, `null` rather than a
wrong type (a wrong JSON type fails the client's validation)."""

from __future__ import annotations

from frontdesk.api.wire import local_iso, local_plain
from frontdesk.core.money import to_money
from frontdesk.core.siteurl import absolute_url
from frontdesk.scheduling.models import RecordSource, RecordStatus

ATTENDANCE = {
    RecordStatus.BOOKED: 0,
    RecordStatus.CONFIRMED: 2,
    RecordStatus.ARRIVED: 1,
    RecordStatus.COMPLETED: 1,
    RecordStatus.NO_SHOW: -1,
    RecordStatus.CANCELLED: -1,
}
STATUS_BY_ATTENDANCE = {
    0: RecordStatus.BOOKED,
    2: RecordStatus.CONFIRMED,
    1: RecordStatus.ARRIVED,
    -1: RecordStatus.NO_SHOW,
}


def money(value) -> float:
    return float(to_money(value or 0))


def media_url(field) -> str:
    if not field:
        return ""
    return absolute_url(field.url)


def company_json(company, *, staff_count: int | None = None) -> dict:
    data = {
        "id": company.pk,
        "title": company.name,
        "public_title": company.name,
        "short_descr": company.get_business_type_display(),
        "logo": media_url(company.logo),
        "active": "1" if company.is_active else "0",
        "phone": company.phone,
        "phones": [company.phone] if company.phone else [],
        "email": company.email,
        "country_id": 0,
        "country": company.country,
        "city_id": 0,
        "city": company.city,
        "timezone_name": company.timezone,
        "timezone": int(company.tz.utcoffset(_now()).total_seconds() // 3600),
        "address": company.address,
        "site": company.site,
        "description": company.description,
        "currency_short_title": company.chain.currency_symbol,
        "phone_confirmation": False,
        "group_priority": 0,
        "main_group_id": company.chain_id,
        "main_group": [{"id": company.chain_id, "title": company.chain.name}],
        "social": {},
        "bookforms": [],
    }
    if staff_count is not None:
        data["active_staff_count"] = staff_count
    return data


def _now():
    from django.utils import timezone

    return timezone.now()


def position_json(position) -> dict | None:
    # An object or null: the clients reject the `[]` of older YCLIENTS docs.
    return {"id": position.pk, "title": position.title} if position is not None else None


def staff_json(specialist, company) -> dict:
    return {
        "id": specialist.pk,
        "api_id": None,
        "name": specialist.name,
        "company_id": company.pk,
        "specialization": specialist.specialization,
        "position": position_json(specialist.position),
        "avatar": media_url(specialist.photo),
        "avatar_big": media_url(specialist.photo),
        "rating": float(specialist.rating),
        "votes_count": 0,
        "comments_count": 0,
        "information": specialist.description,
        "fired": 1 if specialist.is_dismissed else 0,
        "dismissal_date": specialist.dismissed_on.isoformat() if specialist.dismissed_on else None,
        "status": 0,
        "hidden": 1 if specialist.hidden_online else 0,
        "bookable": not specialist.hidden_online and not specialist.is_dismissed,
        "user_id": specialist.user_id,
        "weight": specialist.sort_order,
        "phone": specialist.phone,
        "email": specialist.email,
    }


def category_json(category, staff_ids=()) -> dict:
    return {
        "id": category.pk,
        "salon_service_id": category.pk,
        "title": category.title,
        "api_id": str(category.pk),
        "weight": category.sort_order,
        "sex": 0,
        "staff": list(staff_ids),
    }


def service_json(service, links=()) -> dict:
    """`links`: the service's SpecialistService rows (with their own durations)."""
    return {
        "id": service.pk,
        "salon_service_id": service.pk,
        "title": service.title,
        "category_id": service.category_id,
        "price_min": money(service.price_min),
        "price_max": money(service.price_max),
        "discount": "0",
        "comment": service.description,
        "weight": service.sort_order,
        "active": 0 if service.is_archived else 1,
        "api_id": str(service.pk),
        "booking_title": service.title,
        "duration": service.duration * 60,
        "is_multi": False,
        "capacity": service.capacity,
        "service_type": 1 if service.online_booking else 0,
        "image": media_url(service.image),
        "staff": [{"id": link.specialist_id, "seance_length": link.effective_duration * 60} for link in links],
    }


def client_json(client) -> dict | None:
    if client is None:
        return None
    return {
        "id": client.pk,
        "name": client.name,
        "display_name": client.name,
        "surname": "",
        "patronymic": "",
        "phone": client.phone,
        "email": client.email,
        "card": "",
        "comment": client.comment,
        "sex_id": 0,
        "sex": "",
        "discount": 0,
        "success_visits_count": 0,
        "fail_visits_count": 0,
        "categories": [],
        "custom_fields": {},
    }


def client_card_json(client) -> dict:
    data = client_json(client)
    data.update({"birth_date": "", "importance_id": 0, "spent": 0, "paid": 0, "balance": 0, "visits": 0})
    return data


def _line_json(line) -> dict:
    price = money(line.price)
    return {
        "id": line.service_id,
        "title": line.service.title,
        "cost": price,
        "manual_cost": price,
        "cost_per_unit": price,
        "cost_to_pay": price,
        "discount": 0,
        "first_cost": price,
        "amount": 1,
    }


def record_json(record) -> dict:
    """A record as records.list / records.get answer it. Needs select_related("specialist__position",
    "client", "company") and prefetch_related("lines__service") to stay at a fixed query count."""
    tz = record.company.tz
    lines = list(record.lines.all())
    seconds = int((record.end - record.start).total_seconds())
    specialist = record.specialist
    return {
        "id": record.pk,
        "company_id": record.company_id,
        "staff_id": record.specialist_id,
        "services": [_line_json(line) for line in lines],
        "goods_transactions": [],
        "staff": {
            "id": specialist.pk,
            "api_id": None,
            "name": specialist.name,
            "specialization": specialist.specialization,
            "position": position_json(specialist.position),
            "avatar": media_url(specialist.photo),
            "avatar_big": media_url(specialist.photo),
            "rating": float(specialist.rating),
            "votes_count": 0,
        },
        "client": client_json(record.client),
        "comer": None,
        "clients_count": 1,
        "date": local_plain(record.start, tz),
        "datetime": local_iso(record.start, tz),
        "create_date": local_iso(record.created_at, tz),
        "comment": record.comment,
        "online": record.source in (RecordSource.ONLINE, RecordSource.WIDGET, RecordSource.API),
        "visit_attendance": ATTENDANCE.get(record.status, 0),
        "attendance": ATTENDANCE.get(record.status, 0),
        "confirmed": 1
        if record.status in (RecordStatus.CONFIRMED, RecordStatus.ARRIVED, RecordStatus.COMPLETED)
        else 0,
        "seance_length": seconds,
        "length": seconds,
        "technical_break_duration": 0,
        "sms_before": 0,
        "sms_now": 0,
        "sms_now_text": "",
        "email_now": 0,
        "notified": 0,
        "master_request": 1,
        "api_id": "",
        "from_url": "",
        "review_requested": 0,
        "visit_id": record.visit_id,
        "created_user_id": record.created_by_id or 0,
        "deleted": record.status == RecordStatus.CANCELLED,
        "paid_full": 1 if record.status == RecordStatus.COMPLETED else 0,
        "prepaid": record.prepaid,
        "prepaid_confirmed": False,
        "payment_status": 0,
        "last_change_date": local_iso(record.updated_at, tz),
        "custom_color": record.colour,
        "custom_font_color": "#ffffff",
        "record_labels": [],
        "activity_id": record.group_event_id or 0,
        "custom_fields": {},
        "documents": [],
        "sms_remain_hours": 0,
        "email_remain_hours": 0,
        "bookform_id": 0,
        "record_from": record.get_source_display(),
        "is_mobile": 0,
        "is_sale_bill_printed": False,
        "consumables": [],
        "finance_transactions": [],
        "status": record.status,
    }


def user_record_json(record) -> dict:
    """The customer's view of a record (user_records.get)."""
    tz = record.company.tz
    data = record_json(record)
    company = record.company
    return {
        "id": record.pk,
        "services": data["services"],
        "company": {
            "id": company.pk,
            "title": company.name,
            "address": company.address,
            "phone": company.phone,
            "timezone_name": company.timezone,
            "timezone": company.timezone,
            "allow_delete_record": True,
            "allow_change_record": False,
        },
        "staff": data["staff"],
        "clients_count": 1,
        "date": data["date"],
        "datetime": local_iso(record.start, tz),
        "create_date": data["create_date"],
        "comment": record.comment,
        "deleted": data["deleted"],
        "attendance": data["attendance"],
        "length": data["length"],
        "notify_by_sms": 0,
        "notify_by_email": 0,
        "master_requested": True,
        "online": data["online"],
        "api_id": "",
        "last_change_date": data["last_change_date"],
        "prepaid": record.prepaid,
        "prepaid_confirmed": False,
        "activity_id": data["activity_id"],
    }
