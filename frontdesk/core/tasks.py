"""The hourly jobs (frontdesk.core.periodic) as a task that books its own next run, and the steps
of a large spreadsheet import (frontdesk.core.spreadsheets.background)."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from frontdesk.core.periodic import run_hourly_jobs
from frontdesk.core.ratelimit import allow
from frontdesk.core.spreadsheets import background

logger = logging.getLogger("frontdesk.periodic")


@task()
def hourly_jobs_task() -> dict:
    results = run_hourly_jobs()
    schedule_next_hourly_run()
    return {key: str(value) for key, value in results.items()}


def schedule_next_hourly_run(now: datetime.datetime | None = None) -> None:
    """Ask the task worker to run the jobs again at the next full hour. The shared counter lets one run
    per hour be enqueued however many processes ask; a doubled run writes nothing twice anyway."""
    now = now or timezone.now()
    next_hour = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    if not allow(f"hourly-jobs:{next_hour:%Y%m%d%H}", 1, 2 * 3600):
        return
    try:
        if hourly_jobs_task.get_backend().supports_defer:
            hourly_jobs_task.using(run_after=next_hour).enqueue()
    except Exception:  # cron (`manage.py run_hourly_jobs`) does the same
        logger.exception("Could not enqueue the hourly jobs")


@task()
def run_import_job(job_id: int, step: str) -> str:
    return background.run(job_id, step)
