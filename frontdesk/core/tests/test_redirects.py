"""`safe_next` lets through only a path on this site (frontdesk/core/redirects.py)."""

import pytest
from django.test import RequestFactory

from frontdesk.core.redirects import next_from, safe_next


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "https://evil.example/",
        "http://testserver.evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,hi",
        "evil.example",
        "clients/1/",
    ],
)
def test_anything_but_a_path_on_this_site_is_refused(value):
    assert safe_next(RequestFactory().get("/"), value) == ""


@pytest.mark.parametrize("value", ["/", "/c/1/clients/7/", "/c/1/journal/?d=2025-01-31&view=day", " /c/1/ "])
def test_a_path_on_this_site_passes(value):
    assert safe_next(RequestFactory().get("/"), value) == value.strip()


def test_next_from_reads_the_form_before_the_query_string():
    request = RequestFactory().post("/?next=/from-query/", {"next": "/from-form/"})
    assert next_from(request) == "/from-form/"
    assert next_from(RequestFactory().post("/?next=/from-query/")) == "/from-query/"
    assert next_from(RequestFactory().get("/?next=//evil.example")) == ""
