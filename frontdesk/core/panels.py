"""Read-only panels that one module shows on another module's page, without either importing
the other: the page names a slot (`{% panels "journal.record" record=record %}`), a module
registers a function for it in its AppConfig.ready():

    register_panel("journal.record", "prepaid", abonements_for_record)

A panel function takes the request and the page's keyword arguments and returns HTML (a safe
string) or "" when it has nothing to show. Panels only read; each runs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

_slots: dict[str, dict[str, Callable[..., str]]] = {}


def register_panel(slot: str, key: str, panel: Callable[..., str]) -> None:
    _slots.setdefault(slot, {})[key] = panel


def render_panels(slot: str, request=None, **context) -> SafeString:
    parts = [panel(request, **context) for _key, panel in sorted(_slots.get(slot, {}).items())]
    return format_html_join("", "{}", ((mark_safe(part),) for part in parts if part))  # noqa: S308 - panels return safe HTML
