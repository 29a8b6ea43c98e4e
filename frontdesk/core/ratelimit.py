"""A fixed-window rate limit on the shared cache (Redis in production), for public endpoints."""

import time
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from frontdesk.core.middleware import client_ip


def _now() -> float:
    return time.time()


def allow(key: str, limit: int, window: int) -> bool:
    """Count one hit on `key`; False once more than `limit` hits fall in the current window."""
    bucket = f"rl:{key}:{int(_now() // window)}"
    if cache.add(bucket, 1, timeout=window + 1):
        return True
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 1)
        return True


def ratelimit(name: str, limit: int, window: int, methods=("POST",)):
    """Limit a view per client IP; over the limit the client gets a clear 429 page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not allow(f"{name}:{client_ip(request)}", limit, window):
                response = render(
                    request,
                    "429.html",
                    {"message": _("Too many attempts. Wait a few minutes and try again.")},
                    status=429,
                )
                response["Retry-After"] = str(window)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
