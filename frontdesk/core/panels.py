"""Read-only panels that one module shows on another module's page, without either importing
the other: the page names a slot (`{% panels "journal.record" record=record %}`), a module
registers a function for it in its AppConfig.ready():

    register_panel("journal.record", "prepaid", abonements_for_record)

A panel function takes the request and the page's keyword arguments and returns HTML (a safe
string) or "" when it has nothing to show. Panels only read; each runs a fixed number of queries.

A page that lists rows (the refunds of a sale) offers a row slot instead: a row panel is called
once with all the rows and answers {row's pk: HTML} for the rows it has something for, so the
page's queries do not grow with its rows. The view renders them (`render_row_panels`) and puts
each row's HTML where the row is shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

_slots: dict[str, dict[str, Callable[..., str]]] = {}
_row_slots: dict[str, dict[str, Callable[..., dict]]] = {}


def register_panel(slot: str, key: str, panel: Callable[..., str]) -> None:
    _slots.setdefault(slot, {})[key] = panel


def _joined(parts) -> SafeString:
    return format_html_join("", "{}", ((mark_safe(part),) for part in parts if part))  # noqa: S308 - panels return safe HTML


def render_panels(slot: str, request=None, **context) -> SafeString:
    return _joined(panel(request, **context) for _key, panel in sorted(_slots.get(slot, {}).items()))


def register_row_panel(slot: str, key: str, panel: Callable[..., dict]) -> None:
    """`panel(request, rows, **context) -> {row.pk: HTML}` for a row slot; rows it leaves out
    (or answers "" for) show nothing."""
    _row_slots.setdefault(slot, {})[key] = panel


def render_row_panels(slot: str, rows: Sequence, request=None, **context) -> dict[object, SafeString]:
    """{row.pk: the HTML of the slot's panels for that row} — each panel called once, with every
    row; no call at all when there are no rows."""
    if not rows:
        return {}
    answers = [panel(request, rows, **context) for _key, panel in sorted(_row_slots.get(slot, {}).items())]
    shown = {}
    for row in rows:
        html = _joined(answer.get(row.pk, "") for answer in answers)
        if html:
            shown[row.pk] = html
    return shown
