"""Work that runs every hour whatever else happens: the day's birthday greetings and win-backs,
the expiry of bonuses, certificates and abonements. Each module registers its job in its
AppConfig.ready(); every job is idempotent (a second run in the same hour or day writes nothing
twice), so one hourly run serves branches in every time zone.

Two ways to run them: cron (`manage.py run_hourly_jobs` at minute 5 of every hour), or the task
worker on its own (`manage.py run_hourly_jobs --schedule` once at start-up; each run then asks
for the next one, which is what `make run` does on a laptop without cron)."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger("frontdesk.periodic")

_jobs: dict[str, Callable[[], object]] = {}


def register_hourly(key: str, job: Callable[[], object]) -> None:
    _jobs[key] = job


def hourly_jobs() -> dict[str, Callable[[], object]]:
    return dict(_jobs)


def run_hourly_jobs() -> dict[str, object]:
    """Run every registered job; one that fails is logged and does not stop the others."""
    results: dict[str, object] = {}
    for key, job in sorted(_jobs.items()):
        try:
            results[key] = job()
        except Exception:
            logger.exception("The hourly job %s failed", key)
            results[key] = "failed"
    return results
