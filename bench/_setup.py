"""Shared start-up for the benchmark scripts: a database of their own (never the demo one), the
owner they log in as, a logged-in client for whole requests, and the printed table's rows.

Django is set up by `django_setup()`, after this module is imported: the helpers that need it
import what they use when called."""

import contextlib
import gc
import os
import statistics
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


def print_row(title, times, queries, width=58):
    """One line of a benchmark's table: p50 and p95 of `times` (ms) and the queries of one run."""
    print(f"{title:{width}} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}", flush=True)


def bench_owner(chain, email):
    """The network's owner (of every branch) the benchmarks log in as: made once, then found."""
    from frontdesk.accounts.models import Membership, User
    from frontdesk.accounts.permissions import Role

    owner = User.objects.filter(email=email).first()
    if owner is None:
        owner = User.objects.create_user(email=email, password="bench", name="Bench owner", language="en")
        Membership.objects.create(chain=chain, user=owner, role=Role.OWNER, all_companies=True)
    return owner


@contextlib.contextmanager
def browser_for(user):
    """A test client logged in as `user` that makes whole requests as a server worker answers
    them: any host is allowed, and static files are named plainly (the benchmarks run no
    collectstatic, which the manifest storage needs)."""
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        browser = Client()
        browser.force_login(user, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
        yield browser


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
