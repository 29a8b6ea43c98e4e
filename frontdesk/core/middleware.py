from frontdesk.core.context import Actor, Source, reset_actor, set_actor


def client_ip(request) -> str | None:
    # Behind a trusted proxy the deployment sets REMOTE_ADDR correctly (e.g. gunicorn's
    # --forwarded-allow-ips); we never trust X-Forwarded-For from the open internet.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Tells the event log who acts in this request and through which door."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = Source.API if request.path_info.startswith("/api/") else Source.WEB
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        token = set_actor(Actor(user_id=user_id, source=source, ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            reset_actor(token)
