"""Every API write reads its body through one bounded JSON reader (wire.read_json): deeply nested,
huge, malformed or NaN bodies get the YCLIENTS error body with 413/422, on every write route, and
nothing under /api/ answers with Django's HTML error page."""

import re

import pytest

from frontdesk.api import wire
from frontdesk.api.api import api
from frontdesk.api.tests.conftest import ACCEPT, ApiClient, user_token
from frontdesk.api.v1 import auth as auth_v1
from frontdesk.clients.models import Client
from frontdesk.testing.fixtures import PASSWORD
from frontdesk.testing.isolation import _record
from frontdesk.warehouse.models import Goods, GoodsCategory

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 40 + "1" + "}" * 40  # parses, but nests past the bound
HUGE = '{"comment": "' + "x" * (3 * 1024 * 1024) + '"}'  # above Django's 2.5 MB upload cap too
BAD_BODIES = {"deep": DEEP, "deep_object": DEEP_OBJECT, "huge": HUGE, "nan": '{"staff_id": NaN}'}


def _write_routes():
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    if method in ("POST", "PUT", "PATCH") and operation.include_in_schema:
                        yield method, path


@pytest.fixture
def ids(salon, alice):
    client = Client.objects.create(chain=salon.tenant.chain, name="Ира", phone="+79001112233")
    category = GoodsCategory.objects.create(chain=salon.tenant.chain, title="Уход")
    goods = Goods.objects.create(chain=salon.tenant.chain, title="Шампунь", category=category)
    return {
        "good_id": goods.pk,
        "category_id": category.pk,
        "company_id": salon.company.pk,
        "record_id": _record(salon.tenant),
        "id": client.pk,
        "client_id": client.pk,
        "staff_id": salon.specialist.pk,
    }


def _assert_api_error(response, statuses):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert response.status_code in statuses, body
    assert body["success"] is False and body["meta"]["message"]
    return body


def test_every_write_route_answers_bad_bodies_in_the_api_error_body(salon, alice, ids, monkeypatch):
    routes = list(_write_routes())
    assert len(routes) >= 9
    reached = set()
    real_reader = wire.read_json

    def spy(request, *args, **kwargs):
        reached.add(request.path)
        return real_reader(request, *args, **kwargs)

    monkeypatch.setattr(wire, "read_json", spy)
    monkeypatch.setattr(auth_v1, "read_json", spy)
    client = ApiClient(salon.partner, user_token(salon, alice))
    for method, path in routes:
        url = "/api" + re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), "x")), path)
        for name, body in BAD_BODIES.items():
            response = client.call(method.lower(), url, raw_body=body)
            expected = {413} if name == "huge" else {422}
            _assert_api_error(response, expected)
    # Each route got as far as the reader (not refused earlier for a missing id or right).
    assert len(reached) == len(routes), sorted({r[1] for r in routes})


def test_a_huge_body_is_refused_before_it_is_read(partner_client):
    response = partner_client.call("post", "/api/v1/auth", raw_body=HUGE)
    body = _assert_api_error(response, {413})
    assert body["meta"]["message"] == "The request body is too big."


def test_a_deep_login_body_is_refused_and_a_malformed_one_falls_back_to_the_query(salon, alice):
    client = ApiClient(salon.partner)
    _assert_api_error(client.call("post", "/api/v1/auth", raw_body=DEEP), {422})
    response = client.call("post", f"/api/v1/auth?login=alice@example.com&password={PASSWORD}", raw_body="not json")
    assert response.json()["data"]["user_token"]


def test_a_wrong_method_and_an_unknown_path_answer_in_the_api_body(partner_client, salon):
    _assert_api_error(partner_client.call("delete", "/api/v1/companies"), {405})
    _assert_api_error(partner_client.call("get", "/api/v1/no-such-thing"), {404})


def test_a_bug_in_an_api_method_answers_in_the_api_body(salon, monkeypatch):
    from django.test import Client as DjangoClient

    from frontdesk.api.v1 import catalog

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog, "ok", broken)
    client = DjangoClient(raise_request_exception=False)
    response = client.get("/api/v1/companies", headers={"Accept": ACCEPT, "Authorization": f"Bearer {salon.partner}"})
    body = _assert_api_error(response, {500})
    assert "boom" not in response.content.decode()
    assert body["errors"]["code"] == 500
