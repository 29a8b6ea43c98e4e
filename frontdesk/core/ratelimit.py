"""Fixed-window rate limits whose counters every worker process and app server shares.

A limit counted in a process's own memory does not hold: gunicorn runs several workers, each
would count on its own (three workers, three times the limit) and a restart would forget every
count. So the counters live in a shared store, chosen by `settings.RATELIMIT_STORE`:

- ``"database"`` (the embedded default): one row per key and window in `core.RateCounter`,
  counted with one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (SQLite ≥ 3.35 and
  PostgreSQL), so two workers hitting the same key at once both see a distinct count.
  Expired windows are deleted now and then by the writer that opens a new window.
- ``"cache"`` (the default when `REDIS_URL` is set): Django's cache, i.e. Redis, with an atomic
  ``add`` and ``incr``.

Every limit in the product goes through `allow` (counts a hit) or `exceeded` (only reads), and
the `ratelimit` decorator for views; nothing else keeps its own counter."""

import hashlib
import random
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.shortcuts import render
from django.utils.translation import gettext as _

from frontdesk.core.middleware import client_ip

# One new window in this many deletes the expired rows: cheap (an indexed range delete) and
# often enough that the table holds little more than the windows still open.
CLEANUP_ONE_IN = 50


def _now() -> float:
    return time.time()


def _store() -> str:
    return getattr(settings, "RATELIMIT_STORE", "database")


def _bucket(key: str, window: int) -> tuple[str, float]:
    """The window's counter name and the Unix time at which the window ends."""
    start = int(_now() // window)
    name = f"rl:{key}:{start}"
    if len(name) > 200:  # an address or token in the key can be long; the column is not
        name = "rl:" + hashlib.sha256(name.encode()).hexdigest()
    return name, float((start + 1) * window)


def _db_hit(name: str, ends: float) -> int:
    from frontdesk.core.models import RateCounter

    table, key, hits, expires = (
        connection.ops.quote_name(n) for n in (RateCounter._meta.db_table, "key", "hits", "expires_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {hits}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608 (names are ours)
            f"ON CONFLICT ({key}) DO UPDATE SET {hits} = {table}.{hits} + 1 RETURNING {hits}",
            [name, ends],
        )
        count = cursor.fetchone()[0]
        if count == 1 and random.randrange(CLEANUP_ONE_IN) == 0:  # noqa: S311 (not security)
            # One indexed range delete in SQL: no rows loaded, no per-row delete signals.
            cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [_now()])  # noqa: S608
    return count


def _db_hits(name: str) -> int:
    from frontdesk.core.models import RateCounter

    return RateCounter.objects.filter(key=name).values_list("hits", flat=True).first() or 0


def _cache_hit(name: str, ends: float) -> int:
    timeout = max(1, int(ends - _now()) + 1)
    if cache.add(name, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=timeout)
        return 1


def hits(key: str, window: int) -> int:
    """How many hits `key` has in the current window (reads, does not count)."""
    name, _ends = _bucket(key, window)
    if _store() == "cache":
        return cache.get(name) or 0
    return _db_hits(name)


def allow(key: str, limit: int, window: int) -> bool:
    """Count one hit on `key`; False once more than `limit` hits fall in the current window.
    Exactly `limit` hits of a window are allowed however many processes count at once."""
    name, ends = _bucket(key, window)
    count = _cache_hit(name, ends) if _store() == "cache" else _db_hit(name, ends)
    return count <= limit


def exceeded(key: str, limit: int, window: int) -> bool:
    """Whether `key` already has `limit` hits in the current window (reads, does not count)."""
    return hits(key, window) >= limit


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
