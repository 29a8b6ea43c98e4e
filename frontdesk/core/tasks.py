"""The hourly jobs as a task that books its own next run (see frontdesk.core.periodic)."""

from django_tasks import task


@task()
def hourly_jobs_task() -> dict:
    from frontdesk.core.periodic import run_hourly_jobs, schedule_next_hourly_run

    results = run_hourly_jobs()
    schedule_next_hourly_run()
    return {key: str(value) for key, value in results.items()}
