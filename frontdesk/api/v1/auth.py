"""POST /api/v1/auth: a back-office user logs in through the API and gets a user token."""

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router

from frontdesk.accounts.models import Membership
from frontdesk.api.routing import route
from frontdesk.api.services import issue_user_token
from frontdesk.api.wire import ApiError, ok, read_json, text

router = Router(tags=["auth"])

AUTH_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "login": {"type": "string", "description": "Phone or email"},
                        "password": {"type": "string"},
                    },
                    "required": ["login", "password"],
                }
            }
        },
        "required": False,
    }
}


def _credentials(request) -> tuple[str, str]:
    # yclients sends JSON; yclients_api sends the credentials in the query string.
    data = read_json(request, lenient=True)
    if not isinstance(data, dict):
        data = {}
    login = text(data.get("login") or request.GET.get("login"), 254)
    password = text(data.get("password") or request.GET.get("password"), 254)
    return login, password


@route(router, "POST", "/v1/auth", summary="Log a back-office user in (user token)", openapi_extra=AUTH_BODY)
def login(request):
    """Log in with a phone or email and the password of the back office; answers the user token
    for `Authorization: Bearer <partner>, User <user token>`."""
    context = request.auth
    login_value, password = _credentials(request)
    if not login_value or not password:
        raise ApiError(
            422,
            _("Enter the login and the password."),
            [{"login": _("Enter the login and the password.")}],
        )
    try:
        user = authenticate(request, username=login_value, password=password)
    except PermissionDenied:
        user = None
    if getattr(request, "axes_locked_out", False):
        raise ApiError(429, _("Too many attempts. Wait a few minutes and try again."), meta={"retry_after": 900})
    if user is None:
        raise ApiError(401, _("Wrong login or password."))
    if not Membership.objects.filter(user=user, is_active=True).exists():
        raise ApiError(403, _("This user has no access to the network of this integration."))
    token = issue_user_token(partner=context.partner, user=user)
    # Exactly these keys: one more would make the client read the answer as a 2FA request.
    return ok(
        {
            "id": user.pk,
            "user_token": token,
            "name": user.name,
            "phone": user.phone or "",
            "login": user.email or user.phone or "",
            "email": user.email or "",
            "avatar": "",
            "is_approved": True,
            "is_email_confirmed": user.email_confirmed,
        }
    )
