"""Background work of loyalty: thin wrappers over the services."""

from django_tasks import task

from frontdesk.loyalty.daily import run_daily


@task()
def loyalty_daily_task() -> dict:
    return run_daily()
