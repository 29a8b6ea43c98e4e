"""Rate limits count in a store every worker shares (core.ratelimit): the window's semantics with
real threads on the database store and on the cache store, and the real server with several
gunicorn workers answering 429 once the limit is used up, whichever worker gets the request."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from frontdesk.core import ratelimit
from frontdesk.core.models import RateCounter
from frontdesk.testing.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["database", "cache"])
def store(request, settings):
    settings.RATELIMIT_STORE = request.param
    from django.core.cache import cache

    cache.clear()
    return request.param


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    return now


def test_exactly_the_limit_passes_when_many_threads_hit_at_once(store, clock):
    outcomes = race(12, lambda i: [ratelimit.allow("login:10.0.0.1", 20, 60) for _ in range(3)], ())
    passed = [allowed for outcome, results in outcomes if outcome == "ok" for allowed in results]
    assert [outcome for outcome, _ in outcomes] == ["ok"] * 12, outcomes
    assert passed.count(True) == 20
    assert passed.count(False) == 16


def test_a_new_window_starts_a_new_count_and_keys_count_apart(store, clock):
    assert all(ratelimit.allow("signup:10.0.0.1", 3, 60) for _ in range(3))
    assert not ratelimit.allow("signup:10.0.0.1", 3, 60)
    assert ratelimit.exceeded("signup:10.0.0.1", 3, 60)
    assert ratelimit.allow("signup:10.0.0.2", 3, 60), "another address has its own count"
    clock[0] += 60
    assert not ratelimit.exceeded("signup:10.0.0.1", 3, 60)
    assert ratelimit.allow("signup:10.0.0.1", 3, 60), "the next window starts from zero"
    assert ratelimit.hits("signup:10.0.0.1", 60) == 1


def test_reading_a_count_does_not_add_to_it(store, clock):
    ratelimit.allow("codes:1", 2, 60)
    for _ in range(5):
        assert not ratelimit.exceeded("codes:1", 2, 60)
    assert ratelimit.allow("codes:1", 2, 60)
    assert ratelimit.exceeded("codes:1", 2, 60)


def test_database_counts_outlive_the_process_memory_and_expired_windows_are_swept(settings, clock, monkeypatch):
    settings.RATELIMIT_STORE = "database"
    ratelimit.allow("old:1", 5, 60)
    assert RateCounter.objects.filter(hits=1).count() == 1, "the count is a row, not process memory"
    clock[0] += 120
    monkeypatch.setattr(ratelimit.random, "randrange", lambda n: 0)  # this new window sweeps
    ratelimit.allow("new:1", 5, 60)
    assert list(RateCounter.objects.values_list("hits", flat=True)) == [1]
    assert RateCounter.objects.get().key.startswith("rl:new:1:")


def test_a_long_key_is_counted_under_a_short_name(settings, clock):
    settings.RATELIMIT_STORE = "database"
    key = "api:" + "f" * 300
    assert ratelimit.allow(key, 1, 60)
    assert not ratelimit.allow(key, 1, 60)
    assert len(RateCounter.objects.get().key) < 100


# ---------------------------------------------------------------- the real server
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def server(tmp_path):
    """gunicorn with three workers on a free loopback port, on a SQLite file copied from the test
    database (already migrated), with the embedded defaults: no Redis, counters in the database."""
    if connection.vendor != "sqlite":
        pytest.skip("the embedded set-up is SQLite")
    database = tmp_path / "frontdesk.sqlite3"
    target = __import__("sqlite3").connect(database)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "RATELIMIT_STORE")},
        "SQLITE_PATH": str(database),
        "DATA_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": "ratelimit-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    port = _free_port()
    # Production settings refuse to start without the site's address (core.siteurl).
    env["SITE_URL"] = f"http://127.0.0.1:{port}"
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen(  # noqa: S603
        [gunicorn, "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "3", "--preload", "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_limit_holds_across_three_gunicorn_workers_and_their_restart(server):
    process, url = server
    page = url + reverse("notifications:unsubscribe", kwargs={"token": "no-such-link"})
    # 20 a window per address. Requests go out in parallel, so that every worker takes some: a
    # worker busy with one cannot accept the next. Counted per worker, all 45 would pass (3 × 20).
    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda _: _get(page), range(45)))
    assert statuses.count(404) == 20, statuses
    assert statuses.count(429) == 25, statuses
    # A graceful restart replaces every worker; the count is not forgotten.
    process.send_signal(signal.SIGHUP)
    time.sleep(1.5)
    assert _get(page) == 429
