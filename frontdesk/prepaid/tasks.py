"""Background work: the daily expiry as a task, a thin wrapper over the same function the
`expire_prepaid` command runs."""

from django_tasks import task

from frontdesk.prepaid.expiry import run_expiry


@task()
def expire_prepaid_task() -> dict:
    return run_expiry()
