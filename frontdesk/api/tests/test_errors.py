"""Bad input and missing rights: the right status, a translated message in the YCLIENTS error
body, and nothing saved."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import translation

from frontdesk.accounts.permissions import Role
from frontdesk.api.models import PartnerToken, hash_token
from frontdesk.api.services import revoke_partner_token
from frontdesk.api.tests.conftest import ApiClient, user_token
from frontdesk.clients.models import Client
from frontdesk.scheduling.models import Record
from frontdesk.testing.fixtures import add_member

pytestmark = pytest.mark.django_db


def _error(response, status):
    assert response.status_code == status, response.content
    payload = response.json()
    assert set(payload) == {"success", "data", "meta", "errors"}
    assert payload["success"] is False and payload["data"] is None
    assert payload["errors"]["code"] == status
    assert payload["meta"]["message"]
    return payload


def _booking(salon, **changes):
    body = {
        "phone": "+79161234567",
        "fullname": "Ivan",
        "email": "",
        "appointments": [
            {
                "id": 1,
                "services": [salon.service.pk],
                "staff_id": salon.specialist.pk,
                "datetime": f"{salon.day.isoformat()}T10:00:00+03:00",
            }
        ],
    }
    body.update(changes)
    return body


def test_no_token_wrong_token_and_revoked_token_are_401(salon):
    _error(ApiClient(None).get(f"/api/v1/company/{salon.company.pk}/"), 401)
    _error(ApiClient("not-a-token").get(f"/api/v1/company/{salon.company.pk}/"), 401)
    bad_header = ApiClient(None)
    bad_header.headers["Authorization"] = "Token abc"
    _error(bad_header.get("/api/v1/companies"), 401)
    revoke_partner_token(PartnerToken.objects.get(token_hash=hash_token(salon.partner)))
    _error(ApiClient(salon.partner).get("/api/v1/companies"), 401)


def test_the_authorization_header_is_read_leniently(salon, alice):
    token = user_token(salon, alice)
    for header in (
        f"Bearer {salon.partner}, User {token}",
        f"Bearer {salon.partner},User {token}",
        f"  bearer {salon.partner} ,  User {token} ",
    ):
        client = ApiClient(None)
        client.headers["Authorization"] = header
        assert client.get(f"/api/v1/records/{salon.company.pk}").status_code == 200, header


def test_crm_methods_need_a_user_token(partner_client, salon):
    payload = _error(partner_client.get(f"/api/v1/records/{salon.company.pk}"), 401)
    assert "/api/v1/auth" in payload["meta"]["message"]
    _error(ApiClient(salon.partner, "forged-user-token").get(f"/api/v1/records/{salon.company.pk}"), 401)


def test_login_with_wrong_password_is_401_and_with_the_right_one_gives_a_token(partner_client, salon, alice):
    _error(partner_client.post("/api/v1/auth", {"login": alice.email, "password": "wrong"}), 401)
    _error(partner_client.post("/api/v1/auth", raw_body=""), 422)
    # yclients_api sends the credentials in the query string and no body.
    from frontdesk.testing.fixtures import PASSWORD

    response = partner_client.post("/api/v1/auth/", login=alice.phone, password=PASSWORD)
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {
        "id",
        "user_token",
        "name",
        "phone",
        "login",
        "email",
        "avatar",
        "is_approved",
        "is_email_confirmed",
    }
    assert ApiClient(salon.partner, data["user_token"]).get(f"/api/v1/records/{salon.company.pk}").status_code == 200


def test_a_user_without_the_right_is_403(salon, tenant_a, amy):
    # An administrator has no access to settings (the schedule) and works in branch A1 only.
    client = ApiClient(salon.partner, user_token(salon, amy))
    day = salon.day.isoformat()
    body = {
        "schedules_to_set": [
            {"staff_id": salon.specialist.pk, "dates": [day], "slots": [{"from": "9:00", "to": "12:00"}]}
        ]
    }
    _error(client.put(f"/api/v1/company/{salon.company.pk}/staff/schedule", body), 403)
    _error(client.get(f"/api/v1/records/{tenant_a.companies[1].pk}"), 403)
    accountant = add_member(tenant_a, "acc@example.com", Role.ACCOUNTANT)
    _error(ApiClient(salon.partner, user_token(salon, accountant)).get(f"/api/v1/clients/{salon.company.pk}"), 403)


def test_a_specialist_sees_only_own_records(salon, crm_client, sam):
    crm_client.post(
        f"/api/v1/records/{salon.company.pk}",
        {"staff_id": salon.specialist.pk, "services": [salon.service.pk], "datetime": f"{salon.day.isoformat()}T10:00"},
    )
    client = ApiClient(salon.partner, user_token(salon, sam))
    assert client.get(f"/api/v1/records/{salon.company.pk}").json()["data"] == []
    record = Record.objects.get()
    _error(client.get(f"/api/v1/record/{salon.company.pk}/{record.pk}"), 404)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/company/999999/", "/api/v1/company/abc/staff/", "/api/v1/record/{c}/999999", "/api/v1/client/{c}/1e400"],
)
def test_unknown_ids_are_404(crm_client, salon, path):
    _error(crm_client.get(path.format(c=salon.company.pk)), 404)


def test_unknown_staff_and_services_in_the_booking_flow(partner_client, salon):
    company = salon.company.pk
    _error(partner_client.get(f"/api/v1/company/{company}/staff/999999"), 404)
    _error(partner_client.get(f"/api/v1/book_times/{company}/999999/{salon.day}", service_ids="1"), 404)
    _error(partner_client.get(f"/api/v1/book_dates/{company}", service_ids="999999"), 422)
    _error(partner_client.get(f"/api/v1/book_dates/{company}", service_ids="x,y"), 422)


@pytest.mark.parametrize(
    "params",
    [{"date_from": "2026-13-45"}, {"date_from": "2026-05-10", "date_to": "2026-05-01"}, {"date": "yesterday"}],
)
def test_out_of_range_dates_are_422(partner_client, salon, params):
    _error(
        partner_client.get(f"/api/v1/book_dates/{salon.company.pk}", service_ids=str(salon.service.pk), **params), 422
    )


def test_dates_outside_the_booking_horizon_have_no_times(partner_client, salon):
    company, staff = salon.company.pk, salon.specialist.pk
    for day in ("2001-01-01", (salon.day + datetime.timedelta(days=400)).isoformat()):
        response = partner_client.get(f"/api/v1/book_times/{company}/{staff}/{day}", service_ids=str(salon.service.pk))
        assert response.status_code == 200 and response.json()["data"] == []
    _error(partner_client.get(f"/api/v1/book_times/{company}/{staff}/2026-02-30", service_ids="1"), 422)


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"phone": "12"}, "phone"),
        ({"phone": "not a phone"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"fullname": ""}, "fullname"),
        ({"email": "nope"}, "email"),
        ({"appointments": []}, "appointments"),
        ({"appointments": [{"services": [1], "staff_id": 0, "datetime": "99999-01-01T10:00"}]}, "datetime"),
        ({"appointments": [{"services": [], "staff_id": 0, "datetime": "2030-01-01T10:00"}]}, "service_ids"),
        ({"appointments": "x"}, "appointments"),
    ],
)
def test_bad_booking_input_is_422_and_saves_nothing(partner_client, salon, changes, field):
    payload = _error(partner_client.post(f"/api/v1/book_record/{salon.company.pk}", _booking(salon, **changes)), 422)
    assert field in payload["meta"]["errors"][0]
    assert not Record.objects.exists() and not Client.objects.exists()


def test_past_times_and_times_off_the_grid_are_refused_with_alternatives(partner_client, salon):
    for when in ("2020-01-01T10:00:00+03:00", f"{salon.day.isoformat()}T10:07:00+03:00"):
        body = _booking(salon)
        body["appointments"][0]["datetime"] = when
        _error(partner_client.post(f"/api/v1/book_record/{salon.company.pk}", body), 422)
    assert not Record.objects.exists()


def test_unix_timestamps_are_read_as_utc_instants(partner_client, salon):
    start = datetime.datetime.combine(salon.day, datetime.time(10), tzinfo=salon.company.tz)
    body = _booking(salon)
    body["appointments"][0]["datetime"] = str(int(start.timestamp()))
    assert partner_client.post(f"/api/v1/book_record/{salon.company.pk}", body).status_code == 201
    assert Record.objects.get().start == start


@pytest.mark.parametrize(
    "method,path",
    [
        ("post", "/api/v1/book_record/{c}"),
        ("post", "/api/v1/book_check/{c}"),
        ("post", "/api/v1/records/{c}"),
        ("post", "/api/v1/clients/{c}"),
        ("put", "/api/v1/company/{c}/staff/schedule"),
    ],
)
@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]"])
def test_an_empty_or_broken_body_is_a_json_422(crm_client, salon, method, path, raw):
    _error(crm_client.call(method, path.format(c=salon.company.pk), raw_body=raw), 422)
    assert not Record.objects.exists() and not Client.objects.exists()


def test_a_malformed_phone_on_a_client_card_is_refused(crm_client, salon):
    _error(crm_client.post(f"/api/v1/clients/{salon.company.pk}", {"name": "X", "phone": "+7 000"}), 422)
    assert not Client.objects.exists()


def test_messages_follow_the_accept_language(salon):
    response = ApiClient("nope", language="ru").get("/api/v1/companies")
    with translation.override("ru"):
        expected = translation.gettext("The partner token is wrong or revoked.")
    assert response.json()["meta"]["message"] == expected


def test_too_many_requests_are_429_with_retry_after(partner_client, salon, settings, one_ratelimit_window):
    settings.API_RATE_LIMIT = 3
    cache.clear()
    statuses = [partner_client.get("/api/v1/companies").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = partner_client.get("/api/v1/companies")
    assert response["Retry-After"] == "60"
    cache.clear()


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/nothing/", "/api/v2/companies/1/waiting_list"])
def test_unknown_api_paths_are_json_404_never_a_redirect(partner_client, path):
    _error(partner_client.get(path), 404)


def test_the_vendor_accept_type_and_plain_json_are_both_answered(salon):
    for accept in ("application/vnd.yclients.v2+json", "application/json", "*/*", ""):
        client = ApiClient(salon.partner)
        client.headers["Accept"] = accept
        response = client.get("/api/v1/companies")
        assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_the_docs_and_the_openapi_document_are_served_without_a_cdn(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.") and "/api/v1/book_record/{company_id}" in schema["paths"]
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle" in page and "cdn." not in page
