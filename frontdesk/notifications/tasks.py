"""The outbox worker as tasks (Django's Tasks API; `manage.py db_worker` runs them with the
django-tasks-db backend). Every run takes whatever is due, so a lost or doubled task is harmless."""

import datetime
import logging

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from frontdesk.notifications.worker import deliver_due

logger = logging.getLogger("frontdesk.notifications")


@task()
def deliver_due_messages() -> int:
    return deliver_due()


def schedule_next_daily_run(now=None) -> None:
    """Run `queue_daily_messages` again at the next full hour. The cache key lets one run per
    hour be enqueued however many processes ask; a doubled run writes nothing twice anyway."""
    now = now or timezone.now()
    next_hour = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    if not cache.add(f"notify-daily:{next_hour:%Y%m%d%H}", 1, timeout=2 * 3600):
        return
    try:
        if queue_daily_messages_task.get_backend().supports_defer:
            queue_daily_messages_task.using(run_after=next_hour).enqueue()
    except Exception:  # cron (`manage.py queue_daily_messages`) does the same
        logger.exception("Could not enqueue the daily messages")


@task()
def queue_daily_messages_task() -> int:
    from frontdesk.notifications.events import queue_daily_messages

    written = queue_daily_messages()
    schedule_next_daily_run()
    return written
