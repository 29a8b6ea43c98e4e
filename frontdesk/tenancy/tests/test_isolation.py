"""Tenant isolation across every route: nobody in network A ever reads or changes network B."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from frontdesk.core.models import Event
from frontdesk.testing.fixtures import client_for
from frontdesk.testing.isolation import (
    NOT_OBJECTS,
    OBJECT_FACTORIES,
    PREFIXES_WITH_OWN_TESTS,
    ROUTES_OUTSIDE_BACKOFFICE,
)

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else None, entry.callback


ROUTES = list(_walk(get_resolver().url_patterns))
BACKOFFICE = [(route, name, view) for route, name, view in ROUTES if "<int:company_id>" in route]


def _value(name, tenant):
    return NOT_OBJECTS[name] if name in NOT_OBJECTS else OBJECT_FACTORIES[name](tenant)


def _names_objects(route) -> bool:
    """The route names some object besides its branch."""
    return any(m.group("name") not in ("company_id", *NOT_OBJECTS) for m in PARAM.finditer(route))


def _fill(route, values):
    return "/" + PARAM.sub(lambda m: str(values[m.group("name")]), route)


def test_every_route_is_accounted_for():
    """A route is either a back-office route (scoped by company_id) or listed on purpose."""
    unknown = [
        (route, name)
        for route, name, _view in ROUTES
        if "<int:company_id>" not in route
        and name not in ROUTES_OUTSIDE_BACKOFFICE
        and not route.startswith(PREFIXES_WITH_OWN_TESTS)
        and not route.startswith("^")
    ]
    assert unknown == [], "Add these routes to frontdesk/testing/isolation.py or scope them by company_id"


@pytest.mark.parametrize("route,name,view", BACKOFFICE, ids=[name or route for route, name, _ in BACKOFFICE])
def test_every_backoffice_view_checks_permissions(route, name, view):
    assert hasattr(view, "frontdesk_section") or hasattr(getattr(view, "view_class", None), "frontdesk_section"), (
        f"{name}: decorate the view with section_required(...) or any_member"
    )


@pytest.mark.parametrize("route,name,view", BACKOFFICE, ids=[name or route for route, name, _ in BACKOFFICE])
def test_other_networks_branch_is_not_found(route, name, view, tenant_a, tenant_b, alice):
    """Alice (owner of A, every right) asks for B's branch and B's objects: 404, nothing changes."""
    names = [m.group("name") for m in PARAM.finditer(route)]
    missing = [n for n in names if n != "company_id" and n not in OBJECT_FACTORIES and n not in NOT_OBJECTS]
    assert not missing, f"Teach frontdesk/testing/isolation.py how to make a {missing} for the matrix"
    values = {n: _value(n, tenant_b) for n in names if n != "company_id"}
    values["company_id"] = tenant_b.company.pk
    url = _fill(route, values)
    client = client_for(alice)
    events_before = Event.objects.filter(chain=tenant_b.chain).count()
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "hijack", "role": "manager"}).status_code == 404
    assert Event.objects.filter(chain=tenant_b.chain).count() == events_before


@pytest.mark.parametrize(
    "route,name,view",
    [r for r in BACKOFFICE if _names_objects(r[0])],
    ids=[name or route for route, name, _ in BACKOFFICE if _names_objects(route)],
)
def test_other_networks_object_through_own_branch_is_not_found(route, name, view, tenant_a, tenant_b, alice):
    """Alice uses her own branch in the URL but B's object id: still 404, nothing changes."""
    names = [m.group("name") for m in PARAM.finditer(route)]
    values = {n: OBJECT_FACTORIES[n](tenant_b) for n in names if n != "company_id"}
    values["company_id"] = tenant_a.company.pk
    url = _fill(route, values)
    client = client_for(alice)
    events_before = Event.objects.filter(chain=tenant_b.chain).count()
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "hijack", "role": "manager"}).status_code == 404
    assert Event.objects.filter(chain=tenant_b.chain).count() == events_before


@pytest.mark.parametrize("route,name,view", BACKOFFICE, ids=[name or route for route, name, _ in BACKOFFICE])
def test_anonymous_visitor_is_sent_to_login(route, name, view, tenant_a, client):
    names = [m.group("name") for m in PARAM.finditer(route)]
    values = {n: _value(n, tenant_a) for n in names if n != "company_id"}
    values["company_id"] = tenant_a.company.pk
    response = client.get(_fill(route, values))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
