"""The YCLIENTS wire conventions (shared/yclients-api/core.md §1): the {success, data, meta}
envelope, the error body, and lenient readers of what real clients send (ids as `5.0`, comma
lists and PHP `[]` lists, ISO or unix datetimes, an empty body on writes)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _

from frontdesk.core.money import AmountError, parse_amount


class ApiError(Exception):
    """Answered as the YCLIENTS error body: 401, 403, 404, 422, 429…"""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None, meta: dict | None = None):
        self.status = status
        self.message = str(message)
        self.errors = errors or []
        self.meta = meta or {}
        super().__init__(self.message)


def not_found(message: str | None = None) -> ApiError:
    return ApiError(404, message or _("Not found."))


def invalid(message: str, field: str | None = None, **meta) -> ApiError:
    return ApiError(422, message, [{field or "error": str(message)}], meta)


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, datetime.datetime | datetime.date):
            return o.isoformat()
        return super().default(o)


def ok(data, meta=None, status: int = 200) -> JsonResponse:
    """Always all three keys: some clients declare them without defaults."""
    return JsonResponse(
        {"success": True, "data": data, "meta": meta if meta is not None else []},
        status=status,
        encoder=_Encoder,
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )


def error_response(error: ApiError) -> JsonResponse:
    meta = {"message": error.message, **error.meta}
    if error.errors:
        meta["errors"] = error.errors
    response = JsonResponse(
        {
            "success": False,
            "data": None,
            "meta": meta,
            # yclients_api's book() only notices a failure through this top-level key.
            "errors": {"code": error.status, "message": error.message},
        },
        status=error.status,
        encoder=_Encoder,
        json_dumps_params={"ensure_ascii": False},
    )
    if error.status == 429 and "retry_after" in error.meta:
        response["Retry-After"] = str(error.meta["retry_after"])
    return response


# ---------------------------------------------------------------- reading what clients send
EMPTY_IDS = {"", "0", "none", "null", "0.0"}


def to_int(value, field: str = "id") -> int:
    """`5`, `"5"`, `5.0`, `"5.0"` → 5; anything else is a 422 naming the field."""
    try:
        number = float(str(value).strip())
        if number != number or number in (float("inf"), float("-inf")) or not number.is_integer():
            raise ValueError
        result = int(number)
    except (TypeError, ValueError):
        raise invalid(_("“%(value)s” is not a number.") % {"value": value}, field) from None
    if abs(result) > 2**62:
        raise invalid(_("“%(value)s” is not a number.") % {"value": value}, field)
    return result


def to_amount(value, field: str):
    """An amount the client sent (a JSON number or a string): core.money.parse_amount, zero
    allowed; anything else — 1e26, NaN, a negative, a nested object — is a 422 naming the field."""
    try:
        return parse_amount(value, allow_zero=True)
    except AmountError:
        raise invalid(_("“%(value)s” is not an amount.") % {"value": str(value)[:40]}, field) from None


def path_id(value) -> int:
    """An id in the URL: unknown or malformed ids are simply not found."""
    try:
        return to_int(value)
    except ApiError:
        raise not_found() from None


def optional_path_id(value) -> int | None:
    """List-or-one endpoints: an empty id, 0 and `None` mean "all"."""
    if value is None or str(value).strip().lower() in EMPTY_IDS:
        return None
    return path_id(value)


def optional_int(value, field: str) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in {"", "none", "null"}):
        return None
    return to_int(value, field)


def query_list(request, name: str) -> list[str]:
    """`name=1,2`, `name=1&name=2`, `name[]=1&name[]=2` and `name[]=1,2` all read as ["1", "2"]."""
    values = request.GET.getlist(name) + request.GET.getlist(f"{name}[]")
    items = []
    for value in values:
        items.extend(part.strip() for part in str(value).split(","))
    return [item for item in items if item and item.lower() not in {"none", "null"}]


def query_ids(request, name: str) -> list[int]:
    return [to_int(item, name) for item in query_list(request, name)]


def body_ids(value, field: str) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        value = [value]
    return [to_int(item, field) for item in value]


def flag(value) -> bool:
    return str(value).strip().lower() in {"1", "1.0", "true", "yes", "on"}


MAX_OFFSET = 10**12  # far past any real list, far below 2**63


def page_params(page, count, default: int = 25, maximum: int = 200) -> tuple[int, int]:
    page_number = optional_int(page, "page") or 1
    size = optional_int(count, "count") or default
    if page_number < 1:
        raise invalid(_("The page number starts at 1."), "page")
    if size < 1:
        raise invalid(_("Ask for at least one row."), "count")
    size = min(size, maximum)
    # SQLite is handed the offset as a literal: past 64 bits it reads a real and fails.
    if (page_number - 1) * size > MAX_OFFSET:
        raise invalid(_("The page number is too large."), "page")
    return page_number, size


def parse_date(value, field: str = "date") -> datetime.date | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        if len(text) > 10:
            return parse_datetime(text, datetime.UTC, field).date()
        return datetime.date.fromisoformat(text)
    except (ValueError, ApiError):
        raise invalid(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}, field) from None


def parse_datetime(value, tz, field: str = "datetime") -> datetime.datetime | None:
    """ISO 8601 with or without an offset (without: the branch's wall clock), `YYYY-MM-DD
    HH:MM:SS`, or unix seconds."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        if text.replace(".", "", 1).isdigit():
            return datetime.datetime.fromtimestamp(float(text), tz=datetime.UTC)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        moment = datetime.datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        raise invalid(_("“%(value)s” is not a date and time.") % {"value": value}, field) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    if not 1971 <= moment.year <= 9998:
        raise invalid(_("“%(value)s” is not a date and time.") % {"value": value}, field)
    return moment


# What one API write may send: far more than any real client does (a record with its services,
# a week of schedule), far less than what would hold a worker or exhaust the parser's stack.
MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32


def _reject_constant(name: str):
    raise ValueError(name)


def _depth(data) -> int:
    """How deeply lists and objects nest in `data`, walked without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((item, level + 1) for item in value)
    return deepest


def read_json(request, lenient: bool = False):
    """The request's JSON, bounded: the one reader of every API write (and of Ninja's own body
    parsing). Too big is a 413, too deep, malformed or NaN/Infinity a 422 — always in the API's
    error body, never a parse crash or Django's HTML page. An empty body reads as None, and so
    does a malformed one when `lenient` (a client that sends its fields elsewhere)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise ApiError(413, _("The request body is too big."), [{"body": "too_big"}])
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(413, _("The request body is too big."), [{"body": "too_big"}]) from None
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, _("The request body is too big."), [{"body": "too_big"}])
    if not raw or not raw.strip():
        return None
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise invalid(_("The request body nests too deeply."), "body") from None
    except (ValueError, UnicodeDecodeError):
        if lenient:
            return None
        raise invalid(_("The request body is not valid JSON."), "body") from None
    if _depth(data) > MAX_DEPTH:
        raise invalid(_("The request body nests too deeply."), "body")
    return data


def json_body(request, required: bool = True) -> dict:
    """The JSON object of a write request. Several client methods send no body at all: that is
    a 422 with a JSON error (or {} where the body is optional), never a parse crash."""
    data = read_json(request)
    if data is None:
        if not required:
            return {}
        raise invalid(_("The request body is empty: send a JSON object."), "body")
    if not isinstance(data, dict):
        raise invalid(_("The request body must be a JSON object."), "body")
    return data


def text(value, limit: int = 1000) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return ""
    return str(value).strip()[:limit]


# ---------------------------------------------------------------- writing times
def local_iso(moment: datetime.datetime, tz) -> str:
    """`2026-01-10T10:00:00+03:00`: the branch's wall clock with its offset, as YCLIENTS does."""
    return moment.astimezone(tz).replace(microsecond=0).isoformat()


def local_plain(moment: datetime.datetime, tz) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
