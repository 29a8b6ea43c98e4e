"""The hourly jobs (frontdesk.core.periodic) as a task that books its own next run."""

import datetime
import logging

from django.core.cache import cache
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from frontdesk.core.periodic import run_hourly_jobs

logger = logging.getLogger("frontdesk.periodic")


@task()
def hourly_jobs_task() -> dict:
    results = run_hourly_jobs()
    schedule_next_hourly_run()
    return {key: str(value) for key, value in results.items()}


def _already_queued(run_after: datetime.datetime) -> bool:
    """True if the database task backend already holds a run for `run_after`: every `make run`
    asks again from a fresh process, whose own cache remembers nothing."""
    from django_tasks_db.backend import DatabaseBackend  # the default backend; others keep the cache check only
    from django_tasks_db.models import DBTaskResult

    if not isinstance(hourly_jobs_task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=hourly_jobs_task.module_path, run_after=run_after, status=TaskResultStatus.READY
    ).exists()


def schedule_next_hourly_run(now: datetime.datetime | None = None) -> None:
    """Ask the task worker to run the jobs again at the next full hour. One run per hour is
    enqueued however many processes ask, and however often `make run` restarts (the queue is
    checked); a doubled run would write nothing twice anyway."""
    now = now or timezone.now()
    next_hour = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    if not cache.add(f"hourly-jobs:{next_hour:%Y%m%d%H}", 1, timeout=2 * 3600) or _already_queued(next_hour):
        return
    try:
        if hourly_jobs_task.get_backend().supports_defer:
            hourly_jobs_task.using(run_after=next_hour).enqueue()
    except Exception:  # cron (`manage.py run_hourly_jobs`) does the same
        logger.exception("Could not enqueue the hourly jobs")
