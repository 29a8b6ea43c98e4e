"""A small HTTP client for the gateways we talk to (SMS, Telegram, payments, receipts): every call has a timeout, and
every failure says whether trying again later may help.

Standard library only (urllib): the gateways need form or JSON POSTs and GETs, nothing more.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

DEFAULT_TIMEOUT = 10.0


class HttpError(Exception):
    """A call that did not get a usable answer. `transient`: a later retry may succeed (a timeout,
    a refused connection, a 5xx or 429); otherwise the request itself is wrong."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = True, body: str = ""):
        super().__init__(message)
        self.status = status
        self.transient = transient
        self.body = body


@dataclass
class Response:
    status: int
    body: str

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise HttpError(f"Not JSON: {self.body[:200]!r}", status=self.status, transient=True) from None


def post(
    url: str,
    *,
    form: dict | None = None,
    json_body: dict | None = None,
    headers: dict | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    accept_error_body: bool = False,
) -> Response:
    """POST a form or a JSON document. Raises HttpError; with `accept_error_body`, a 4xx answer is
    returned (some APIs explain the error in the body) instead of raised."""
    headers = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers.setdefault("Content-Type", "application/json")
    else:
        data = urllib.parse.urlencode(form or {}).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    return _send(request, timeout, accept_error_body)


def get(url: str, *, headers: dict | None = None, timeout: float = DEFAULT_TIMEOUT, accept_error_body=False):
    """GET a document (the payment and receipt APIs' status reads); the errors are post()'s."""
    request = urllib.request.Request(url, headers=dict(headers or {}), method="GET")
    return _send(request, timeout, accept_error_body)


def basic_auth(user: str, password: str) -> str:
    """The Authorization header's value for HTTP Basic auth."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _send(request, timeout: float, accept_error_body: bool) -> Response:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (URLs come from settings)
            return Response(answer.status, answer.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace") if error.fp else ""
        transient = error.code >= 500 or error.code == 429
        if accept_error_body and not transient:
            return Response(error.code, body)
        raise HttpError(f"HTTP {error.code}", status=error.code, transient=transient, body=body) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise HttpError(f"Network error: {reason}", transient=True) from None
