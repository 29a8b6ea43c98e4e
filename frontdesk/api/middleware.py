"""Nothing under /api/ answers with an HTML page. The API's own errors are already its JSON error
body; this catches what is answered before or around an API method — a method the path does not
take (405, from Django Ninja), Django's 400/413 for a request it refuses, a server error outside
a method — and gives it the same YCLIENTS error body, keeping the status and the Allow header."""

from django.utils.translation import gettext as _

from frontdesk.api.wire import ApiError, error_response


def _message(status: int, response) -> str:
    if status == 405:
        return _("This path does not take this method. Allowed: %(allowed)s.") % {"allowed": response.get("Allow", "")}
    if status == 404:
        return _("No such API method.")
    if status == 413:
        return _("The request body is too big.")
    if status >= 500:
        return _("Something went wrong on the server. Try again later.")
    return _("The request cannot be processed.")


class ApiErrorBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allow = response.get("Allow")
            response = error_response(ApiError(response.status_code, _message(response.status_code, response)))
            if allow:
                response["Allow"] = allow
        return response
