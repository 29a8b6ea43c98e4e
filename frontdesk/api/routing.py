"""The NinjaAPI object, its error handlers, and `route`, which registers both trailing-slash
forms of a path on one handler (the clients use both; a redirect would break them)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from frontdesk.api.auth import TokenAuth
from frontdesk.api.wire import ApiError, error_response, local_iso, not_found, path_id, read_json
from frontdesk.scheduling.errors import BookingError
from frontdesk.tenancy.models import Company

DESCRIPTION = """
The YCLIENTS-compatible REST API of Frontdesk. Point a YCLIENTS client at this server's root
(e.g. `http://127.0.0.1:8000`) and keep the paths.

* `Authorization: Bearer <partner token>` on every request (issued under Settings → Integrations);
  CRM methods also need `, User <user token>` from `POST /api/v1/auth`.
* Answers are `{"success": …, "data": …, "meta": …}`; errors carry `meta.message` and `meta.errors`.
* Ids may be sent as `5` or `5.0`; lists as `ids=1,2` or `ids[]=1&ids[]=2`; datetimes as ISO 8601
  (without an offset: the branch's time zone) or unix seconds.
"""


class BoundedParser(Parser):
    """Ninja's body parsing through the API's one bounded JSON reader (wire.read_json)."""

    def parse_body(self, request):
        data = read_json(request)
        return {} if data is None else data


api = NinjaAPI(
    parser=BoundedParser(),
    title="Frontdesk API (YCLIENTS-compatible)",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiError)
def _api_error(request, exc):
    return error_response(exc)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return error_response(ApiError(401, _("Send the partner token: “Authorization: Bearer <token>”.")))


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc):
    errors = [{".".join(str(p) for p in e.get("loc", [])[1:]) or "error": e.get("msg", "")} for e in exc.errors]
    return error_response(ApiError(422, _("The request has wrong values."), errors))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error_response(ApiError(exc.status_code, str(exc)))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(not_found())


@api.exception_handler(ValidationError)
def _django_validation_error(request, exc):
    messages = exc.messages
    return error_response(ApiError(422, " ".join(messages), [{"error": m} for m in messages]))


@api.exception_handler(BookingError)
def _booking_error(request, exc):
    return error_response(booking_error(exc, datetime.UTC))


def booking_error(exc: BookingError, tz, field: str = "datetime") -> ApiError:
    """A refused booking, with the nearest free times in meta (as the booking page offers them)."""
    meta = {}
    if exc.alternatives:
        meta["alternatives"] = [
            {
                "datetime": local_iso(slot.start_at, tz),
                "staff_id": slot.placements[0].specialist_id,
                "seance_length": (slot.end - slot.start) * 60,
            }
            for slot in exc.alternatives
        ]
    code = "busy" if exc.code == "slot_taken" else exc.code
    return ApiError(422, exc.message, [{field: code}], meta)


def route(router, methods: str | list[str], path: str, **options):
    """Register `path` with and without the trailing slash on the same handler."""
    methods = [methods] if isinstance(methods, str) else methods
    other = path[:-1] if path.endswith("/") else path + "/"

    def decorator(fn):
        hidden = {**options, "include_in_schema": False}
        router.api_operation(methods, other, **hidden)(fn)
        router.api_operation(methods, path, **options)(fn)
        return fn

    return decorator


def company_or_404(company_id) -> Company:
    """A branch of the token's network (the scope filters); another network's branch is not found."""
    company = Company.objects.select_related("chain").filter(pk=path_id(company_id), is_active=True).first()
    if company is None:
        raise not_found(_("No such branch."))
    return company
