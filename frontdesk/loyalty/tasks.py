"""Background work of loyalty: thin wrappers over the services."""

from django_tasks import task


@task()
def loyalty_daily_task() -> dict:
    from frontdesk.loyalty.daily import run_daily

    return run_daily()
