"""The network's client base for CRM integrations: search, list, create, read, change. Clients
belong to the network (one card works in every branch); the branch in the URL must be one the
user works in. A specialist limited to own clients sees only the clients of their records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Router

from frontdesk.accounts.permissions import Level, Section
from frontdesk.api.auth import require_user
from frontdesk.api.routing import company_or_404, route
from frontdesk.api.serializers import client_card_json, client_json
from frontdesk.api.wire import invalid, json_body, not_found, ok, optional_int, page_params, path_id, text, to_int
from frontdesk.clients.models import Client
from frontdesk.clients.selectors import search_condition
from frontdesk.clients.services import create_client, update_client

router = Router(tags=["clients"])

CLIENT_FIELDS = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "surname": {"type": "string"},
        "phone": {"type": "string", "example": "+79161234567"},
        "email": {"type": "string"},
        "comment": {"type": "string"},
    },
}
CLIENT_BODY = {"requestBody": {"content": {"application/json": {"schema": CLIENT_FIELDS}}, "required": True}}
SEARCH_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "page": {"type": "integer"},
                        "page_size": {"type": "integer", "maximum": 200},
                        "fields": {"type": "array", "items": {"type": "string"}},
                        "order_by": {"type": "string", "enum": ["id", "name", "phone", "email"]},
                        "order_by_direction": {"type": "string", "enum": ["ASC", "DESC"]},
                        "operation": {"type": "string", "enum": ["AND", "OR"]},
                        "filters": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"type": {"type": "string"}, "state": {"type": "object"}},
                            },
                        },
                    },
                }
            }
        },
        "required": False,
    }
}
ORDER = {"id": "pk", "name": "name", "phone": "phone", "email": "email"}


def _clients(request, company_id, level=Level.VIEW):
    company = company_or_404(company_id)
    context = require_user(request, Section.CLIENTS, level, company)
    clients = Client.objects.all()
    if context.membership.own_records_only:
        clients = clients.filter(records__specialist__user=context.user).distinct()
    return company, clients


def _page(rows, page, size):
    total = rows.count()
    return list(rows[(page - 1) * size : page * size]), total


def _text_filter(value: str) -> Q:
    """YCLIENTS' quick search: the client base's search (name, any part of the phone, served by
    the trigram indexes), and the email as well."""
    value = value.strip()
    return search_condition(value) | Q(email__icontains=value)


@route(router, "POST", "/v1/company/{company_id}/clients/search", summary="Search clients", openapi_extra=SEARCH_BODY)
def search_clients(request, company_id: str):
    _company, clients = _clients(request, company_id)
    body = json_body(request, required=False)
    page, size = page_params(body.get("page"), body.get("page_size"), default=25, maximum=200)
    conditions = []
    filters = body.get("filters") or []
    if not isinstance(filters, list):
        raise invalid(_("Filters must be a list."), "filters")
    for item in filters:
        if not isinstance(item, dict):
            raise invalid(_("Filters must be a list."), "filters")
        kind = text(item.get("type"), 50)
        state = item.get("state") if isinstance(item.get("state"), dict) else {}
        value = state.get("value")
        if kind == "id":
            ids = value if isinstance(value, list) else [value]
            conditions.append(Q(pk__in=[to_int(v, "filters") for v in ids if v not in (None, "")]))
        elif kind in ("quick_search", "name", "phone", "email") and text(value):
            conditions.append(_text_filter(text(value, 150)))
    if conditions:
        combined = conditions[0]
        for condition in conditions[1:]:
            combined = (combined | condition) if body.get("operation") == "OR" else (combined & condition)
        clients = clients.filter(combined)
    order = ORDER.get(text(body.get("order_by"), 20), "name")
    if body.get("order_by_direction") == "DESC":
        order = "-" + order
    rows, total = _page(clients.order_by(order, "pk"), page, size)
    fields = body.get("fields") if isinstance(body.get("fields"), list) else None
    data = []
    for client in rows:
        item = client_json(client)
        if fields:
            item = {key: value for key, value in item.items() if key in fields or key == "id"}
        data.append(item)
    return ok(data, {"page": page, "count": total, "total_count": total})


@route(router, "GET", "/v1/clients/{company_id}", summary="List clients (deprecated YCLIENTS form)")
def list_clients(
    request,
    company_id: str,
    fullname: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    paid_min: str | None = None,
    paid_max: str | None = None,
    page: str | None = None,
    count: str | None = None,
    id: str | None = None,  # noqa: A002
):
    _company, clients = _clients(request, company_id)
    if text(fullname):
        clients = clients.filter(name__icontains=text(fullname, 150))
    if text(phone):
        digits = "".join(ch for ch in phone if ch.isdigit())
        clients = clients.filter(phone__contains=digits) if digits else clients.none()
    if text(email):
        clients = clients.filter(email__icontains=text(email, 254))
    wanted = optional_int(id, "id")
    if wanted:
        clients = clients.filter(pk=wanted)
    page_number, size = page_params(page, count, default=25, maximum=200)
    rows, total = _page(clients.order_by("name", "pk"), page_number, size)
    return ok([client_json(c) for c in rows], {"page": page_number, "count": total, "total_count": total})


def _fields(body) -> dict:
    name = " ".join(part for part in (text(body.get("name"), 150), text(body.get("surname"), 150)) if part)
    return {
        "name": name if ("name" in body or "surname" in body) else None,
        "phone": text(body.get("phone"), 40) if "phone" in body else None,
        "email": text(body.get("email"), 254) if "email" in body else None,
        "comment": text(body.get("comment"), 2000) if "comment" in body else None,
    }


@route(router, "POST", "/v1/clients/{company_id}", summary="Create a client", openapi_extra=CLIENT_BODY)
def create(request, company_id: str):
    company, _clients_qs = _clients(request, company_id, Level.EDIT)
    fields = _fields(json_body(request))
    try:
        client = create_client(chain=company.chain, **{k: v or "" for k, v in fields.items()})
    except ValidationError as exc:
        raise invalid(" ".join(exc.messages), "client") from None
    return ok(client_card_json(client), {}, status=201)


def _client_or_404(clients, client_id) -> Client:
    client = clients.filter(pk=path_id(client_id)).first()
    if client is None:
        raise not_found(_("No such client."))
    return client


@route(router, "GET", "/v1/client/{company_id}/{id}", summary="Get a client")
def get_client(request, company_id: str, id: str):  # noqa: A002
    _company, clients = _clients(request, company_id)
    return ok(client_card_json(_client_or_404(clients, id)))


@route(router, "PUT", "/v1/client/{company_id}/{id}", summary="Change a client", openapi_extra=CLIENT_BODY)
def put_client(request, company_id: str, id: str):  # noqa: A002
    _company, clients = _clients(request, company_id, Level.EDIT)
    client = _client_or_404(clients, id)
    fields = _fields(json_body(request))
    try:
        client = update_client(client, **fields)
    except ValidationError as exc:
        raise invalid(" ".join(exc.messages), "phone") from None
    return ok(client_card_json(client))
