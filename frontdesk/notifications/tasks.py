"""The outbox worker as tasks (Django's Tasks API; `manage.py db_worker` runs them with the
django-tasks-db backend). Every run takes whatever is due, so a lost or doubled task is harmless."""

import logging

from django_tasks import task

from frontdesk.core.tasks import hourly_jobs_task
from frontdesk.notifications.worker import deliver_due

logger = logging.getLogger("frontdesk.notifications")


@task()
def deliver_due_messages() -> int:
    return deliver_due()


@task()
def queue_daily_messages_task() -> dict:
    """Kept for runs an earlier version already queued: it now hands over to the hourly jobs."""
    return hourly_jobs_task.call()
