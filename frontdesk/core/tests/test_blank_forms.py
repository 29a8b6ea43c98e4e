"""A blank form never offers a 0 the owner did not type in an optional number field.

A pre-filled 0 in an optional field ("price to", "largest amount", "days") is read as a real value:
the service form used to refuse a fixed price because "price to" arrived as 0. This test opens every
"add" form of the back office reachable with the branch alone and looks for such inputs.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.testing import fixtures

pytestmark = pytest.mark.django_db


def _add_form_names():
    names = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif (
                isinstance(p, URLPattern)
                and p.name
                and re.search(r"(^|_)(add|new)$", p.name)
                and set(p.pattern.regex.groupindex) == {"company_id"}
            ):
                names.append(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return sorted(set(names))


class _NumberInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "number":
            self.found.append(a)


def test_the_scan_reaches_the_forms_that_had_the_problem():
    assert "catalog:service_add" in _add_form_names()


@pytest.mark.parametrize("name", _add_form_names())
def test_no_optional_number_field_arrives_pre_filled_with_zero(tenant_a, alice, name):
    # A branch with a service and a specialist, so that no form sends the owner elsewhere first.
    make_specialist(tenant_a.company, services=[make_service(tenant_a.company)])
    response = fixtures.client_for(alice).get(reverse(name, kwargs={"company_id": tenant_a.company.pk}))
    if response.status_code == 405:
        pytest.skip(f"{name} takes only a POST (its form lives on another page)")
    assert response.status_code == 200, f"{name} answers {response.status_code} to a plain GET"
    parser = _NumberInputs()
    parser.feed(response.content.decode())
    zeros = [a["name"] for a in parser.found if "required" not in a and a.get("value") in ("0", "0.00", "0,00")]
    assert zeros == [], f"{name}: optional number fields pre-filled with 0: {zeros}"
