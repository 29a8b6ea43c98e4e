"""The outbox worker as tasks (Django's Tasks API; `manage.py db_worker` runs them with the
django-tasks-db backend). Every run takes whatever is due, so a lost or doubled task is harmless."""

import logging

from django_tasks import task

from frontdesk.notifications.worker import deliver_due

logger = logging.getLogger("frontdesk.notifications")


@task()
def deliver_due_messages() -> int:
    return deliver_due()
