"""Write the day's birthday greetings and win-back messages to the outbox now. The same job runs
every hour with the others (`manage.py run_hourly_jobs`, frontdesk.core.periodic); running it
more often writes nothing twice."""

from django.core.management.base import BaseCommand

from frontdesk.notifications.events import queue_daily_messages


class Command(BaseCommand):
    help = "Queue birthday greetings and win-back messages (idempotent per client and day)."

    def handle(self, *args, **options):
        self.stdout.write(str(queue_daily_messages()))
