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
