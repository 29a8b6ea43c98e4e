"""The address every link Frontdesk gives out is built on: `absolute_url(path, request=None)`.

A link in an SMS, a letter, a snippet to paste on the salon's site or a page to share works only
on an address its reader can reach. Which one that is:

1. **The request's own address**, where there is a request: the owner who runs `make run
   PORT=8080`, a salon on its LAN address, a proxy's public host — the address the page was
   served from is one that works. Only when ALLOWED_HOSTS names the host itself: a `*` entry
   lets any Host header in, and a link built on a forged Host (a password-reset letter, a booking
   confirmation) would send its reader to someone else's site; under `*` rule 3 applies.
2. **The address of the request that caused it**, for work a request starts and the task worker
   finishes: a message is written to the outbox while the booking's request runs and rendered
   later by the worker. The outbox row records `current_base_url()` when it is written and the
   worker renders it inside `serving(row's address)`; the same context is set for the whole of
   every request by `SiteUrlMiddleware`, so code deep in a service needs no request passed down.
3. **SITE_URL**, for what no request started (hourly jobs, commands, mailings sent on schedule).
   With DEBUG off it must be set: `config/wsgi.py` and `config/asgi.py` refuse to serve without
   it (so a production never runs without one) and `manage.py check --deploy` names it
   (`siteurl.E001`); commands that only build or migrate run without it. `make run` passes one made of its HOST and PORT.
   Where it is still missing (DEBUG on, or a task worker started alone) links fall back to
   http://127.0.0.1:8000, with a warning in the log when DEBUG is off.

`core/tests/test_siteurl.py` fails when a product module reads SITE_URL or builds an absolute
address from the request itself instead of coming here.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core import checks
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.http.request import split_domain_port, validate_host

logger = logging.getLogger(__name__)

DEVELOPMENT_URL = "http://127.0.0.1:8000"

_base_url: ContextVar[str] = ContextVar("frontdesk_base_url", default="")


def request_base_url(request) -> str:
    """`scheme://host[:port]` of the request, or "" when ALLOWED_HOSTS lets its host in only
    through a `*` entry (or not at all)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    domain, _port = split_domain_port(host)
    named = [entry for entry in settings.ALLOWED_HOSTS if entry != "*"]
    if settings.DEBUG and not settings.ALLOWED_HOSTS:
        named = [".localhost", "127.0.0.1", "[::1]"]  # what Django itself allows then
    if not domain or not validate_host(domain, named):
        return ""
    return f"{request.scheme}://{host}"


def configured_base_url() -> str:
    """SITE_URL without its trailing slash; the development address when it is unset."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if not settings.DEBUG:
        logger.warning("SITE_URL is not set: a link without a request uses %s", DEVELOPMENT_URL)
    return DEVELOPMENT_URL


def current_base_url() -> str:
    """The address of the request being served (or re-entered with `serving`), "" outside one.
    What an outbox row records, so that the worker builds its links on the same address."""
    return _base_url.get()


@contextmanager
def serving(base_url: str):
    """Build links on `base_url` inside the block ("" leaves SITE_URL in charge): a request's
    address for the whole request, or the recorded one when the worker renders a message."""
    token = _base_url.set(base_url.rstrip("/"))
    try:
        yield
    finally:
        _base_url.reset(token)


def absolute_url(path: str, request=None) -> str:
    """The full address of `path` (an absolute path such as `reverse(...)`, or "" for the site's
    root): on `request`'s address when it is given and trusted, else on the address of the
    request being served, else on SITE_URL."""
    base = (request_base_url(request) if request is not None else "") or current_base_url()
    return (base or configured_base_url()) + path


class SiteUrlMiddleware:
    """Serves each request on its own trusted address (rule 1 above), for every link built while
    it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with serving(request_base_url(request)):
            return self.get_response(request)


def site_url_problem() -> str:
    """Why links without a request would have no address, or ""."""
    if settings.DEBUG or settings.SITE_URL.strip():
        return ""
    return (
        "SITE_URL is not set. Links in messages the task worker sends (reminders, mailings) need "
        "the address clients reach Frontdesk at: set SITE_URL, e.g. SITE_URL=https://crm.example.com "
        "(`make run` sets it from HOST and PORT), or DEBUG=1 on a development machine."
    )


def refuse_to_serve_without_site_url() -> None:
    """Called by config/wsgi.py and config/asgi.py: with DEBUG off, no SITE_URL, no serving."""
    if problem := site_url_problem():
        raise ImproperlyConfigured(problem)


# A deployment check: building and migrating need no address, serving does (config/wsgi.py).
@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    problem = site_url_problem()
    return [checks.Error(problem, id="siteurl.E001")] if problem else []
