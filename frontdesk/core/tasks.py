"""The hourly jobs (frontdesk.core.periodic) as a task that books its own next run, and the steps
of a large spreadsheet import (frontdesk.core.spreadsheets.background)."""

import datetime
import logging

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from frontdesk.core.periodic import run_hourly_jobs
from frontdesk.core.ratelimit import allow
from frontdesk.core.spreadsheets import background

logger = logging.getLogger("frontdesk.periodic")


@task()
def hourly_jobs_task() -> dict:
    results = run_hourly_jobs()
    schedule_next_hourly_run()
    return {key: str(value) for key, value in results.items()}


def _already_queued(run_after: datetime.datetime) -> bool:
    """True if the database task backend already holds a run for `run_after`: every `make run`
    asks again, and the queue itself is the record of what is booked."""
    from django_tasks_db.backend import DatabaseBackend  # the default backend; others keep the counter only
    from django_tasks_db.models import DBTaskResult

    if not isinstance(hourly_jobs_task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=hourly_jobs_task.module_path, run_after=run_after, status=TaskResultStatus.READY
    ).exists()


def schedule_next_hourly_run(now: datetime.datetime | None = None) -> None:
    """Ask the task worker to run the jobs again at the next full hour. One run per hour is
    enqueued however many processes ask (the shared counter) and however often `make run`
    restarts (the queue is checked); a doubled run would write nothing twice anyway."""
    now = now or timezone.now()
    next_hour = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    if not allow(f"hourly-jobs:{next_hour:%Y%m%d%H}", 1, 2 * 3600) or _already_queued(next_hour):
        return
    try:
        if hourly_jobs_task.get_backend().supports_defer:
            hourly_jobs_task.using(run_after=next_hour).enqueue()
    except Exception:  # cron (`manage.py run_hourly_jobs`) does the same
        logger.exception("Could not enqueue the hourly jobs")


@task()
def run_import_job(job_id: int, step: str) -> str:
    return background.run(job_id, step)
