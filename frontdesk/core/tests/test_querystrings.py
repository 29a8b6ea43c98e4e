"""Links that change a query parameter replace it: repeated parameters never pile up."""

import pathlib
import re

from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory

from frontdesk.core.querystrings import with_params

ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_a_changed_parameter_replaces_every_earlier_value():
    base = QueryDict("s=1&s=2&d=2026-12-01&d=2026-12-02&t=10:00&lang=ru")
    assert with_params(base, d="2026-12-03", t=None) == "?s=1&s=2&d=2026-12-03&lang=ru"
    assert with_params({"s": [1, 2], "m": "any"}, s=[3]) == "?s=3&m=any"
    assert with_params(None) == "?"


def test_the_template_tag_starts_from_the_current_page():
    request = RequestFactory().get("/book/1/?d=2026-12-01&d=2026-12-02&lang=en")
    html = Template("{% load querystrings %}{% query d=day %}").render(Context({"request": request, "day": "x"}))
    assert html == "?d=x&amp;lang=en"


# A query string glued by hand: a variable holding a query or URL followed by "&name=", a loop over
# request.GET, or "?{{ query }}&…".
GLUED = re.compile(
    r"\{\{\s*[\w.]*(url|query|params)[\w.]*\s*\}\}&(amp;)?\w+="
    r"|request\.GET\.(items|lists|urlencode)"
)


def test_no_template_appends_to_a_query_string_by_hand():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(ROOT.glob("frontdesk/**/templates/**/*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if GLUED.search(line)
    ]
    assert len(list(ROOT.glob("frontdesk/**/templates/**/*.html"))) > 100
    assert offenders == [], "use {% query … %} (frontdesk.core.querystrings) for these links"
