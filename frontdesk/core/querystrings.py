"""The one way a link changes query parameters: replace them, never append.

Appending ("{{ url }}&d=…") piles up repeated parameters (d=1&d=2&d=3 after three clicks) and
leaves the server to guess which one counts. Every link that changes a parameter goes through
`with_params` (templates: `{% load querystrings %}{% query base d=day t=None %}`); a test scans the
templates for query strings glued together by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlencode


def with_params(base: Mapping | None = None, **changes) -> str:
    """`base` (a QueryDict, or a dict whose values may be lists) with `changes` applied: a value
    replaces every earlier value of its key, a list gives the key several values, None or "" drops
    it. Returns "?…" (just "?" when nothing is left, which still points at the same page)."""
    params: dict[str, list[str]] = {}
    if base is not None:
        for key in base:
            values = base.getlist(key) if hasattr(base, "getlist") else base[key]
            params[key] = _as_list(values)
    for key, value in changes.items():
        params[key] = _as_list(value)
    pairs = [(key, value) for key, values in params.items() for value in values if value not in ("", None)]
    return "?" + urlencode(pairs)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return [str(v) for v in value]
    return [str(value)]
