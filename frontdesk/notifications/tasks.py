"""The outbox worker as a task (Django's Tasks API; `manage.py db_worker` runs it with the
django-tasks-db backend). Every run takes whatever is due, so a lost or doubled task is harmless."""

from django_tasks import task

from frontdesk.notifications.worker import deliver_due


@task()
def deliver_due_messages() -> int:
    return deliver_due()
