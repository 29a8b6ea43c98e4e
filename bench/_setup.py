"""Shared start-up for the benchmark scripts: a database of their own (never the demo one)."""

import gc
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL"):
        # SQLite in a folder of the benchmarks' own, kept between runs so data is generated once.
        os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("AXES_ENABLED", "0")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="frontdesk-bench-media-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # As config/wsgi.py does in every worker: what is loaded at start-up is left out of the
    # garbage collector's full collections.
    gc.collect()
    gc.freeze()


def percentile(values, q):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure_get(browser, path, params, runs=30, warm=3):
    """Whole GET requests of `path` with `params()` each time, after `warm` unmeasured ones:
    (times in ms, the SQL query count of the last request)."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm):
        browser.get(path, params())
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = browser.get(path, params())
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return times, queries
