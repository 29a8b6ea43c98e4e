"""The apps form a stack (frontdesk/core/layers.py): an app imports only the apps below it, even
inside a function. A lower app that has news for higher ones sends a domain event instead."""

from __future__ import annotations

import ast
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
