"""The apps form a stack (frontdesk/core/layers.py): an app imports only the apps below it, even
inside a function. A lower app that has news for higher ones sends a domain event instead.

Templates obey the same order: an app's template includes or extends only templates of its own
app and of the apps below it, and loads only their tag libraries. What a higher app shows on a
lower app's page comes through a registry (a panel, a row panel, a tab). Links between pages by
URL name (`{% url 'payments:receipts' ... %}`) stay allowed: a page may link to another app's
page, as one site links to another; what is checked is that no template needs code or a
template of an app above it to render."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from frontdesk.core.layers import LAYERS, TEST_ONLY, may_import

ROOT = Path(__file__).resolve().parents[2]  # frontdesk/


def imported_apps(source: str, module: str) -> list[tuple[int, str]]:
    """(line, app) for every import of a frontdesk app in a module's source, at any depth:
    `import frontdesk.x`, `from frontdesk.x import y`, `from frontdesk import x`, and relative
    imports resolved against `module` (its dotted name)."""
    found = []
    package = module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [target] if target != "frontdesk" else [f"frontdesk.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "frontdesk":
                found.append((node.lineno, parts[1]))
    return found


def product_modules():
    for app in LAYERS:
        if app in TEST_ONLY:
            continue
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if {"tests", "migrations"} & set(relative.parts):
                continue
            module = ".".join(("frontdesk", *relative.with_suffix("").parts))
            yield app, path, module


def upward_imports(app: str, source: str, module: str) -> list[str]:
    return [
        f"line {line}: {app} imports {other}"
        for line, other in imported_apps(source, module)
        if other in LAYERS and not may_import(app, other)
    ]


# `{% include "x/y.html" %}`, `{% extends 'x/y.html' %}`: names written out. A name computed from
# a variable cannot be checked here (the product has one: the error pages' `extends` of
# "backoffice.html" or "auth_base.html", both core's).
TEMPLATE_TAG = re.compile(r"""\{%\s*(include|extends)\s+(["'])([^"']+)\2""")


# `{% load lib %}`, `{% load a b %}`, `{% load tag from lib %}`: a tag library is code of its app.
LOAD_TAG = re.compile(r"\{%\s*load\s+([^%]+?)\s*%\}")


def tag_libraries() -> dict[str, str]:
    """{tag library: its app} for the product's libraries (`<app>/templatetags/<library>.py`);
    Django's own (i18n, static, tz) are nobody's layer."""
    return {path.stem: path.parent.parent.name for path in ROOT.glob("*/templatetags/*.py") if path.stem != "__init__"}


def template_owner(name: str) -> str:
    """The app a template belongs to: "<app>/..." is the app's own; every other name ("base.html",
    "backoffice.html", "includes/field.html", Django's own) is a project-wide one of core."""
    first = name.split("/", 1)[0]
    return first if "/" in name and first in LAYERS else "core"


def upward_templates(app: str, source: str, libraries: dict[str, str] | None = None) -> list[str]:
    """What a template of `app` includes, extends or loads from an app above it."""
    libraries = tag_libraries() if libraries is None else libraries

    def line(match) -> int:
        return source.count("\n", 0, match.start()) + 1

    wrong = [
        f"line {line(match)}: {app} {match.group(1)}s {match.group(3)}"
        for match in TEMPLATE_TAG.finditer(source)
        if not may_import(app, template_owner(match.group(3)))
    ]
    for match in LOAD_TAG.finditer(source):
        words = match.group(1).split()
        for library in words[-1:] if "from" in words else words:
            owner = libraries.get(library)
            if owner is not None and not may_import(app, owner):
                wrong.append(f"line {line(match)}: {app} loads {library} of {owner}")
    return wrong


def product_templates():
    for app in LAYERS:
        if app in TEST_ONLY:
            continue
        for path in sorted((ROOT / app / "templates").rglob("*")):
            if path.is_file():
                yield app, path


def test_every_app_is_in_the_declared_order():
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert on_disk == set(LAYERS), "add the new app to frontdesk/core/layers.py, above what it reads"


def test_no_app_imports_an_app_above_it():
    wrong = []
    for app, path, module in product_modules():
        wrong += [f"{path.relative_to(ROOT)} {w}" for w in upward_imports(app, path.read_text("utf-8"), module)]
    assert wrong == [], "upward imports (send a domain event, or register from above):\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "source",
    [
        "from frontdesk.notifications.outbox import write_message",
        "import frontdesk.booking.services",
        "from frontdesk import payments",
        "def later():\n    from frontdesk.loyalty.services import accrue\n    return accrue",
        "from ...notifications import outbox",
    ],
)
def test_an_upward_import_is_caught_even_inside_a_function(source):
    # A synthetic module of scheduling that reaches up, as the real ones once did.
    assert upward_imports("scheduling", source, "frontdesk.scheduling.sub.waitlist") != []


@pytest.mark.parametrize(
    "source",
    [
        "from frontdesk.clients.models import Client",
        "from frontdesk.core.events import DomainEvent",
        "from . import models",
        "from .models import Record",
    ],
)
def test_imports_of_lower_apps_and_of_the_same_app_are_allowed(source):
    assert upward_imports("scheduling", source, "frontdesk.scheduling.waitlist") == []


def test_no_template_includes_extends_or_loads_from_an_app_above_it():
    libraries = tag_libraries()
    wrong = []
    for app, path in product_templates():
        relative = path.relative_to(ROOT)
        wrong += [f"{relative} {found}" for found in upward_templates(app, path.read_text("utf-8"), libraries)]
    assert wrong == [], "upward templates (let the app above fill a panel or a registry):\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "source",
    [
        '{% include "payments/_online_refund.html" with refund=r.online_refund %}',
        "{% extends 'booking/base.html' %}",
        '{%include "loyalty/_my_records.html"%}',
    ],
)
def test_an_upward_include_or_extends_is_caught(source):
    # A synthetic template of finance that reaches up, as the sale page once did.
    assert upward_templates("finance", source) != []


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n loyalty_tags %}",
        "{% load my_loyalty from loyalty_tags %}",
        "{% load prepaid_period %}",
    ],
)
def test_loading_the_tag_library_of_an_app_above_is_caught(source):
    # As booking's «my bookings» page once loaded loyalty's tags.
    libraries = {"loyalty_tags": "loyalty", "prepaid_period": "prepaid", "finance": "finance"}
    assert upward_templates("booking", source, libraries) != []
    assert upward_templates("booking", "{% load i18n static finance %}", libraries) == []


@pytest.mark.parametrize(
    "source",
    [
        '{% extends "backoffice.html" %}',
        '{% include "includes/field.html" with field=form.name %}',
        '{% include "finance/_nav.html" with finance_tab="items" %}',
        '{% include "scheduling/_record.html" %}',
        "<a href=\"{% url 'payments:receipts' request.company.pk %}\">",
        "{% load i18n static tz panels finance %}",
    ],
)
def test_templates_of_lower_apps_core_and_links_to_pages_above_are_allowed(source):
    assert upward_templates("finance", source) == []


def test_the_docs_and_the_readme_print_the_same_order():
    # One list: docs/architecture.md's and the README's tables of the stack follow LAYERS.
    repo = ROOT.parent
    architecture = (repo / "docs" / "architecture.md").read_text("utf-8")
    assert re.findall(r"^\| (?:\d+|—) \| `(\w+)` \|", architecture, flags=re.M) == list(LAYERS)
    readme = (repo / "README.md").read_text("utf-8")
    listed = re.findall(r"^\| \d+ \| .*? \| `frontdesk/(\w+)/` \|$", readme, flags=re.M)
    assert listed == [app for app in LAYERS if app not in TEST_ONLY]
