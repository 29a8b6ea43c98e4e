"""Following a `next` link that a request brought (where a page was opened from, where to go after
logging in): `next_from` and `safe_next` are the only ways a view may redirect to such an address.

Only a path on this site passes: an absolute URL to another host, a scheme-relative `//host`, a
backslash that a browser reads as a slash (`/\\host`), a `javascript:` or other scheme, and control
characters (which browsers drop, turning `/\t/host` into `//host`) all give ''. The caller then
goes to its own default, so a crafted link can never send a person off the site (an open redirect).
"""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, value: str | None) -> str:
    """`value` when it is a path on this site, else ''."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return ""
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False):
        return ""
    return value


def next_from(request) -> str:
    """The request's `next` (the form's field first, then the query string) when it is safe, else ''."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))
