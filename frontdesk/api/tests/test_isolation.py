"""Tenant isolation through the API: a token of network A never reads or changes network B's
branches, records, clients, staff or goods, whatever ids it puts in the path or the body."""

import datetime
import re

import pytest

from frontdesk.api.api import api
from frontdesk.api.tests.conftest import ApiClient, user_token
from frontdesk.booking.services import Origin, book_online
from frontdesk.clients.models import Client
from frontdesk.core.models import Event
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Record
from frontdesk.warehouse.models import Goods, GoodsCategory

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"{(\w+)}")


def _operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method, path.removeprefix("/api")


OPERATIONS = sorted(_operations())
WITH_COMPANY = [op for op in OPERATIONS if "{company_id}" in op[1] or op[1].startswith("/v1/company/{id}")]
WITH_OBJECT = [op for op in WITH_COMPANY if len(PARAM.findall(op[1])) > 1]

BODIES = {
    "/v1/records/{company_id}": lambda o: {
        "staff_id": o["staff_id"],
        "services": [{"id": o["service_id"]}],
        "client": {"phone": "+79165550000", "name": "Hijack"},
        "datetime": o["datetime"],
        "save_if_busy": True,
    },
    "/v1/book_record/{company_id}": lambda o: {
        "phone": "+79165550000",
        "fullname": "Hijack",
        "email": "",
        "appointments": [{"id": 1, "services": [o["service_id"]], "staff_id": 0, "datetime": o["datetime"]}],
    },
    "/v1/book_check/{company_id}": lambda o: {
        "appointments": [{"id": 1, "services": [o["service_id"]], "staff_id": 0, "datetime": o["datetime"]}]
    },
    "/v1/company/{company_id}/staff/schedule": lambda o: {
        "schedules_to_set": [
            {"staff_id": o["staff_id"], "dates": [o["date"]], "slots": [{"from": "9:00", "to": "10:00"}]}
        ]
    },
}
DEFAULT_BODY = {"name": "Hijack", "phone": "+79165550001", "comment": "hijack", "datetime": "2030-01-01T10:00:00"}


@pytest.fixture
def network_b(salon_b):
    """B's objects: its branch, specialist, service, a record booked online with its hash, a client."""
    with scope(salon_b.tenant.chain):
        start = datetime.datetime.combine(salon_b.day, datetime.time(11), tzinfo=salon_b.company.tz)
        records, link = book_online(
            company=salon_b.company,
            segments=[Segment(salon_b.service.pk, salon_b.specialist.pk)],
            start=start,
            name="Bob's client",
            phone="+79165551111",
            origin=Origin(channel="api"),
        )
        care = GoodsCategory.objects.create(chain=salon_b.tenant.chain, title="Bob's care")
        wax = Goods.objects.create(chain=salon_b.tenant.chain, title="Bob's wax", category=care, price=900)
    record = records[0]
    return {
        "good_id": wax.pk,
        "category_id": care.pk,
        "parent_category_id": care.pk,
        "company_id": salon_b.company.pk,
        "id": salon_b.company.pk,
        "record_id": record.pk,
        "record_hash": link.token,
        "staff_id": salon_b.specialist.pk,
        "service_id": salon_b.service.pk,
        "client_id": record.client_id,
        "date": salon_b.day.isoformat(),
        "datetime": f"{salon_b.day.isoformat()}T12:00:00+03:00",
        "salon": salon_b,
    }


@pytest.fixture
def alice_api(salon, alice):
    return ApiClient(salon.partner, user_token(salon, alice))


def _fill(path, values):
    return PARAM.sub(lambda m: str(values[m.group(1)]), path)


def _call(client, method, path, values):
    body = BODIES.get(path, lambda o: DEFAULT_BODY)(values) if method in ("post", "put") else None
    return client.call(method, "/api" + _fill(path, values), body, service_ids=str(values["service_id"]))


def _b_state(network_b):
    chain = network_b["salon"].tenant.chain
    return (
        Event.objects.filter(chain=chain).count(),
        list(Record.objects.filter(chain=chain).values_list("pk", "status", "start", "specialist_id", "comment")),
        list(Client.objects.filter(chain=chain).values_list("pk", "name", "phone", "email")),
        list(Goods.objects.filter(chain=chain).values_list("pk", "title", "price", "is_archived", "category_id")),
        list(GoodsCategory.objects.filter(chain=chain).values_list("pk", "title", "parent_id")),
    )


@pytest.mark.parametrize("method,path", WITH_COMPANY, ids=[f"{m} {p}" for m, p in WITH_COMPANY])
def test_other_networks_branch_is_not_found(method, path, alice_api, network_b):
    before = _b_state(network_b)
    values = dict(network_b)
    if "{id}" in path and "client" in path:
        values["id"] = network_b["client_id"]
    response = _call(alice_api, method, path, values)
    assert response.status_code == 404, response.content
    assert response.json()["success"] is False
    assert _b_state(network_b) == before


@pytest.mark.parametrize("method,path", WITH_OBJECT, ids=[f"{m} {p}" for m, p in WITH_OBJECT])
def test_other_networks_object_through_own_branch_is_refused(method, path, alice_api, salon, network_b):
    """Alice's own branch in the URL, B's object ids in the path and the body."""
    before = _b_state(network_b)
    values = {**network_b, "company_id": salon.company.pk}
    if "{id}" in path:
        values["id"] = network_b["client_id"] if "client" in path else network_b["service_id"]
    response = _call(alice_api, method, path, values)
    assert response.status_code in (404, 422), response.content
    assert _b_state(network_b) == before


@pytest.mark.parametrize(
    "path", ["/v1/records/{company_id}", "/v1/book_record/{company_id}", "/v1/book_check/{company_id}"]
)
def test_other_networks_ids_in_the_body_book_nothing(path, alice_api, salon, network_b):
    before = _b_state(network_b)
    values = {**network_b, "company_id": salon.company.pk}
    response = _call(alice_api, "post", path, values)
    assert response.status_code == 422, response.content
    assert not Record.objects.filter(company=salon.company).exists()
    assert _b_state(network_b) == before


def test_customer_links_of_another_network_are_not_found(alice_api, network_b):
    path = f"/v1/user/records/{network_b['record_id']}/{network_b['record_hash']}"
    before = _b_state(network_b)
    assert alice_api.get("/api" + path).status_code == 404
    assert alice_api.delete("/api" + path).status_code == 404
    assert _b_state(network_b) == before


def test_companies_list_shows_only_the_tokens_network(alice_api, salon, network_b):
    ids = {c["id"] for c in alice_api.get("/api/v1/companies").json()["data"]}
    assert ids == {c.pk for c in salon.tenant.companies}


def test_client_search_never_finds_another_networks_client(alice_api, salon, network_b):
    found = alice_api.post(
        f"/api/v1/company/{salon.company.pk}/clients/search",
        {"filters": [{"type": "id", "state": {"value": [network_b["client_id"]]}}]},
    ).json()
    assert found["data"] == [] and found["meta"]["total_count"] == 0


def test_a_user_token_works_only_with_its_own_networks_partner_token(salon, salon_b, alice):
    token = user_token(salon, alice)
    mixed = ApiClient(salon_b.partner, token)
    assert mixed.get(f"/api/v1/records/{salon_b.company.pk}").status_code == 401
