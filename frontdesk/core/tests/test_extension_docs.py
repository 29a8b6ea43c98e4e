"""docs/extensions.md is the list new modules read to know where to plug in: it must name every
domain event the product declares, with each name of its payload."""

import importlib
import re
from pathlib import Path

from frontdesk.core.events import declared_events
from frontdesk.core.layers import LAYERS

DOC = Path(__file__).resolve().parents[3] / "docs" / "extensions.md"


def product_events():
    for app in LAYERS:
        if (DOC.parents[1] / "frontdesk" / app / "signals.py").exists():
            importlib.import_module(f"frontdesk.{app}.signals")
    return {name: event for name, event in declared_events().items() if not name.startswith("test.")}


def test_every_domain_event_is_documented_with_its_payload():
    text = DOC.read_text("utf-8")
    sections = dict(re.findall(r"^#### `([\w.]+)`\n(.*?)(?=^#### |^## |\Z)", text, flags=re.M | re.S))
    missing = [name for name in product_events() if name not in sections]
    assert missing == [], f"add these events to docs/extensions.md: {missing}"
    for name, event in product_events().items():
        for field in event.payload:
            assert f"`{field}`" in sections[name], f"docs/extensions.md: {name} does not describe `{field}`"


def test_the_documented_events_exist():
    text = DOC.read_text("utf-8")
    documented = set(re.findall(r"^#### `([\w.]+)`", text, flags=re.M))
    assert documented <= set(product_events()), "docs/extensions.md names events nobody sends"
