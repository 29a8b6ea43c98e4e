"""The online-booking flow and the CRM methods over the wire, with the Django test client."""

import pytest

from frontdesk.booking.models import BookingLink, BookingSource
from frontdesk.scheduling.models import Record, RecordSource, RecordStatus

pytestmark = pytest.mark.django_db


def _first_time(client, salon):
    response = client.get(
        f"/api/v1/book_times/{salon.company.pk}/{salon.specialist.pk}/{salon.day.isoformat()}",
        service_ids=str(salon.service.pk),
    )
    assert response.status_code == 200, response.content
    return response.json()["data"][0]


def test_times_are_in_the_branch_time_zone_with_its_offset(partner_client, salon):
    slot = _first_time(partner_client, salon)
    assert slot["time"] == "10:00"
    assert slot["datetime"] == f"{salon.day.isoformat()}T10:00:00+03:00"
    assert slot["seance_length"] == 3600


def test_a_client_books_online_through_the_api(partner_client, salon):
    slot = _first_time(partner_client, salon)
    body = {
        "phone": "8 916 123-45-67",
        "fullname": "Ivan",
        "email": "ivan@example.com",
        "appointments": [
            {
                "id": 7.0,
                "services": [float(salon.service.pk)],
                "staff_id": float(salon.specialist.pk),
                "datetime": slot["datetime"],
            }
        ],
    }
    check = partner_client.post(f"/api/v1/book_check/{salon.company.pk}", {"appointments": body["appointments"]})
    assert check.status_code == 201
    assert check.json() == {"success": True, "data": {}, "meta": {"message": "Created"}}
    response = partner_client.post(f"/api/v1/book_record/{salon.company.pk}/", body)
    assert response.status_code == 201, response.content
    [item] = response.json()["data"]
    record = Record.objects.get(pk=item["record_id"])
    assert item["id"] == 7
    assert item["record_hash"] == BookingLink.objects.get(visit=record.visit).token
    assert record.source == RecordSource.API
    assert record.client.phone == "+79161234567"
    assert BookingSource.objects.get(visit=record.visit).channel == "api"

    again = partner_client.post(f"/api/v1/book_record/{salon.company.pk}", body)
    assert again.status_code == 422
    payload = again.json()
    assert payload["success"] is False and payload["data"] is None
    assert payload["meta"]["errors"] == [{"datetime": "busy"}]
    assert payload["meta"]["message"].startswith("This time is already taken by another visit.")
    assert payload["errors"]["code"] == 422
    assert payload["meta"]["alternatives"] and all("datetime" in a for a in payload["meta"]["alternatives"])
    assert Record.objects.filter(company=salon.company).count() == 1


def test_the_customer_sees_and_cancels_the_booking_by_its_hash(partner_client, salon):
    slot = _first_time(partner_client, salon)
    body = {
        "phone": "+79161234567",
        "fullname": "Ivan",
        "email": "",
        "appointments": [{"id": 1, "services": [salon.service.pk], "staff_id": 0, "datetime": slot["datetime"]}],
    }
    [item] = partner_client.post(f"/api/v1/book_record/{salon.company.pk}", body).json()["data"]
    path = f"/api/v1/user/records/{item['record_id']}/{item['record_hash']}"
    shown = partner_client.get(path)
    assert shown.status_code == 200
    assert shown.json()["data"][0]["deleted"] is False
    forged = partner_client.delete(f"/api/v1/user/records/{item['record_id']}/{'0' * 32}")
    assert forged.status_code == 404
    assert Record.objects.get(pk=item["record_id"]).status == RecordStatus.BOOKED
    assert partner_client.delete(path).status_code == 200
    assert Record.objects.get(pk=item["record_id"]).status == RecordStatus.CANCELLED
    assert partner_client.get(path + "/").json()["data"][0]["deleted"] is True


def test_crm_creates_lists_moves_and_cancels_a_record(crm_client, salon):
    company = salon.company.pk
    start = f"{salon.day.isoformat()}T12:00:00+03:00"
    created = crm_client.post(
        f"/api/v1/records/{company}",
        {
            "staff_id": float(salon.specialist.pk),
            "services": [{"id": float(salon.service.pk), "cost": 1800.0}],
            "client": {"phone": "79990000000", "name": "Petr"},
            "save_if_busy": False,
            "datetime": start,
            "seance_length": 3600.0,
            "comment": "first visit",
        },
    )
    assert created.status_code == 201, created.content
    [record] = created.json()["data"]
    assert record["datetime"] == start and record["services"][0]["cost"] == 1800.0
    listed = crm_client.get(
        f"/api/v1/records/{company}", start_date=salon.day.isoformat(), end_date=salon.day.isoformat()
    )
    assert [r["id"] for r in listed.json()["data"]] == [record["id"]]
    assert listed.json()["meta"]["total_count"] == 1
    moved = crm_client.put(
        f"/api/v1/record/{company}/{record['id']}.0",
        {"datetime": f"{salon.day.isoformat()} 14:00:00", "comment": "moved", "attendance": 2},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["data"]["datetime"] == f"{salon.day.isoformat()}T14:00:00+03:00"
    assert moved.json()["data"]["attendance"] == 2
    assert crm_client.get(f"/api/v1/record/{company}/{record['id']}").json()["data"]["comment"] == "moved"
    # Other services: the record's lines and end follow, priced as sent.
    from frontdesk.catalog.models import Service
    from frontdesk.staff.models import SpecialistService

    beard = Service.objects.create(
        company=salon.company,
        chain=salon.company.chain,
        category=salon.service.category,
        title="Борода",
        duration=30,
        price_min=700,
        price_max=700,
    )
    SpecialistService.objects.create(chain=salon.company.chain, specialist=salon.specialist, service=beard)
    changed = crm_client.put(
        f"/api/v1/record/{company}/{record['id']}",
        {"services": [{"id": salon.service.pk, "cost": 1800}, {"id": float(beard.pk), "cost": 650.0}]},
    )
    assert changed.status_code == 200, changed.content
    assert [(s["id"], s["cost"]) for s in changed.json()["data"]["services"]] == [
        (salon.service.pk, 1800.0),
        (beard.pk, 650.0),
    ]
    assert changed.json()["data"]["seance_length"] == 90 * 60
    assert crm_client.delete(f"/api/v1/record/{company}/{record['id']}").status_code == 200
    assert Record.objects.get(pk=record["id"]).status == RecordStatus.CANCELLED
    assert crm_client.get(f"/api/v1/records/{company}").json()["data"] == []
    assert len(crm_client.get(f"/api/v1/records/{company}", with_deleted=1).json()["data"]) == 1


def test_crm_manages_clients(crm_client, salon):
    company = salon.company.pk
    created = crm_client.post(f"/api/v1/clients/{company}", {"name": "Olga", "phone": "+7 916 000-11-22"})
    assert created.status_code == 201, created.content
    client_id = created.json()["data"]["id"]
    assert crm_client.put(f"/api/v1/client/{company}/{client_id}", {"email": "olga@example.com"}).status_code == 200
    card = crm_client.get(f"/api/v1/client/{company}/{client_id}").json()["data"]
    assert card["phone"] == "+79160001122" and card["email"] == "olga@example.com"
    found = crm_client.post(
        f"/api/v1/company/{company}/clients/search",
        {
            "page": 1,
            "page_size": 10,
            "fields": ["id", "name"],
            "filters": [{"type": "quick_search", "state": {"value": "0001122"}}],
        },
    ).json()
    assert found["data"] == [{"id": client_id, "name": "Olga"}] and found["meta"]["total_count"] == 1
    listed = crm_client.get(f"/api/v1/clients/{company}", fullname="olg").json()
    assert [c["id"] for c in listed["data"]] == [client_id]
    duplicate = crm_client.post(f"/api/v1/clients/{company}", {"name": "Other", "phone": "89160001122"})
    assert duplicate.status_code == 422


def test_staff_schedule_is_read_and_set(crm_client, salon):
    company = salon.company.pk
    day = salon.day.isoformat()
    read = crm_client.get(f"/api/v1/company/{company}/staff/schedule", start_date=day, end_date=day)
    assert read.status_code == 200
    assert read.json()["data"][0]["slots"] == [{"from": "10:00", "to": "18:00"}]
    assert read.json()["meta"]["count"] == 1
    changed = crm_client.put(
        f"/api/v1/company/{company}/staff/schedule/",
        {
            "schedules_to_set": [
                {"staff_id": salon.specialist.pk, "dates": [day], "slots": [{"from": "11:00", "to": "15:00"}]}
            ]
        },
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["data"][0]["slots"] == [{"from": "11:00", "to": "15:00"}]


def test_list_or_one_endpoints_answer_lists(partner_client, salon):
    company = salon.company.pk
    for path in (
        f"/api/v1/company/{company}/staff/",
        f"/api/v1/company/{company}/staff/None",
        f"/api/v1/company/{company}/staff/0",
        f"/api/v1/company/{company}/services/",
        f"/api/v1/company/{company}/service_categories/",
    ):
        response = partner_client.get(path)
        assert response.status_code == 200, path
        assert isinstance(response.json()["data"], list) and response.json()["data"], path
    one = partner_client.get(f"/api/v1/company/{company}.0/staff/{salon.specialist.pk}.0").json()
    assert [s["id"] for s in one["data"]] == [salon.specialist.pk]
    assert set(one) == {"success", "data", "meta"}


def test_both_trailing_slash_forms_answer_without_redirect(partner_client, salon):
    company = salon.company.pk
    for path in (
        f"/api/v1/company/{company}/",
        f"/api/v1/company/{company}",
        f"/api/v1/book_dates/{company}",
        f"/api/v1/book_dates/{company}/",
    ):
        assert partner_client.get(path, service_ids=f"{salon.service.pk}").status_code == 200, path


def test_book_dates_accepts_php_lists_and_returns_strings(partner_client, salon):
    response = partner_client.get(f"/api/v1/book_dates/{salon.company.pk}", **{"service_ids[]": [salon.service.pk]})
    data = response.json()["data"]
    assert salon.day.isoformat() in data["booking_dates"]
    assert str(salon.day.day) in data["booking_days"][str(salon.day.month)]


def test_a_branch_with_phone_confirmation_books_through_the_api_only_with_the_sms_code(partner_client, salon):
    from frontdesk.booking.models import OnlineBookingSettings
    from frontdesk.core import sms

    settings = OnlineBookingSettings.for_company(salon.company)
    settings.phone_confirmation = True
    settings.save()
    sms.outbox.clear()
    slot = _first_time(partner_client, salon)
    body = {
        "phone": "8 916 123-45-67",
        "fullname": "Ivan",
        "appointments": [
            {"id": 1, "services": [salon.service.pk], "staff_id": salon.specialist.pk, "datetime": slot["datetime"]}
        ],
    }
    # Without a code, and with a wrong one: refused, nothing booked.
    refused = partner_client.post(f"/api/v1/book_record/{salon.company.pk}", body)
    assert refused.status_code == 422 and refused.json()["meta"]["errors"] == [{"code": "Enter the code from the SMS."}]
    sent = partner_client.post(f"/api/v1/book_code/{salon.company.pk}", {"phone": "+79161234567", "fullname": "Ivan"})
    assert sent.status_code == 201 and sent.json() == {"success": True, "data": {}, "meta": {}}
    code = sms.outbox[-1].text.split()[0]
    wrong = partner_client.post(
        f"/api/v1/book_record/{salon.company.pk}", {**body, "code": "0000" if code != "0000" else "1111"}
    )
    assert wrong.status_code == 422 and "wrong" in wrong.json()["meta"]["message"]
    assert not Record.objects.exists()
    # Asking again at once hits the cooldown: 429 with a clear message.
    again = partner_client.post(f"/api/v1/book_code/{salon.company.pk}", {"phone": "+79161234567"})
    assert again.status_code == 429 and "Wait" in again.json()["meta"]["message"]
    # Sent as a number, as the YCLIENTS client types it: a code like 0042 arrives as 42.0.
    booked = partner_client.post(f"/api/v1/book_record/{salon.company.pk}", {**body, "code": float(code)})
    assert booked.status_code == 201, booked.content
    assert Record.objects.count() == 1


def test_book_services_at_a_moment_lists_only_what_could_start_then(partner_client, salon):
    company = salon.company.pk
    at_noon = f"{salon.day.isoformat()}T12:00:00+03:00"
    listed = partner_client.get(f"/api/v1/book_services/{company}", datetime=at_noon)
    assert [s["id"] for s in listed.json()["data"]["services"]] == [salon.service.pk]
    # Evening, after the 10:00–18:00 shift: nothing can start.
    late = partner_client.get(f"/api/v1/book_services/{company}", datetime=f"{salon.day.isoformat()}T17:30:00+03:00")
    assert late.status_code == 200 and late.json()["data"]["services"] == []
    # Unix seconds work too, as the yclients client sends them.
    import datetime as dt

    unix = int(dt.datetime.fromisoformat(at_noon).timestamp())
    assert partner_client.get(f"/api/v1/book_services/{company}", datetime=unix).json()["data"]["services"]


def test_a_record_with_a_cost_that_is_not_an_amount_is_refused_and_nothing_is_booked(crm_client, salon):
    company = salon.company.pk
    for cost in (1e26, -1, "NaN", "Infinity", "1e5", "12,345.6", {"value": 1}):
        refused = crm_client.post(
            f"/api/v1/records/{company}",
            {
                "staff_id": salon.specialist.pk,
                "services": [{"id": salon.service.pk, "cost": cost}],
                "client": {"phone": "79990000000", "name": "Petr"},
                "datetime": f"{salon.day.isoformat()}T12:00:00+03:00",
                "seance_length": 3600,
            },
        )
        assert refused.status_code == 422, (cost, refused.content)
        assert "is not an amount" in refused.content.decode(), cost
    assert not Record.objects.exists()
