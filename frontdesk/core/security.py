"""Who may frame a page. By default nobody (`frame-ancestors 'none'`, `X-Frame-Options: DENY`,
config/settings.py): the back office, the client's own booking page and the API cannot be put in
another site's frame to trick a click. The pages the booking widget opens are the exception, and
they say so through `allow_framing` — for the salon's own website when the branch has one set.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from csp.constants import SELF

ANY_SITE = None


def site_origins(urls: Iterable[str]) -> list[str]:
    """The origins (scheme://host[:port]) of the websites in `urls`, each with its www. twin —
    a salon's site answers on both — and its https twin of a plain-http address. Anything that
    is not a plain http(s) address with a host name is left out."""
    origins: list[str] = []
    for url in urls:
        try:
            parts = urlsplit((url or "").strip())
            port = parts.port
            # A policy names hosts in ASCII: салон.рф is xn--80awgdm.xn--p1ai there.
            host = (parts.hostname or "").encode("idna").decode("ascii")
        except (ValueError, UnicodeError):
            continue
        if parts.scheme not in ("http", "https") or not host or not all(c.isalnum() or c in ".-" for c in host):
            continue
        bare = host.removeprefix("www.")
        schemes = ["https"] if parts.scheme == "https" else ["http", "https"]
        for scheme in schemes:
            for name in (bare, "www." + bare):
                origin = f"{scheme}://{name}" + (f":{port}" if port else "")
                if origin not in origins:
                    origins.append(origin)
    return origins


def allow_framing(response, origins: list[str] | None):
    """Let this site and `origins` frame `response`; ANY_SITE (None) lets every page frame it,
    a local file or a site builder's preview included. Returns the response."""
    ancestors = None if origins is ANY_SITE else [SELF, *origins]  # None drops the directive
    replace = dict(getattr(response, "_csp_replace", None) or {})
    replace["frame-ancestors"] = ancestors
    response._csp_replace = replace  # read by django-csp's middleware, like its csp_replace decorator
    if origins == []:
        response["X-Frame-Options"] = "SAMEORIGIN"
    else:
        response.xframe_options_exempt = True  # X-Frame-Options cannot name another site
    return response
