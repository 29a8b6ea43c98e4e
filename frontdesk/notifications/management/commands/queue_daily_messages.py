"""Write the day's birthday greetings and win-back messages to the outbox. Run it hourly from
cron (a greeting goes out at each branch's own hour, in its time zone); running it more often,
or next to the task worker's own hourly run, writes nothing twice.

    5 * * * *  cd /srv/frontdesk && .venv/bin/python manage.py queue_daily_messages
"""

from django.core.management.base import BaseCommand

from frontdesk.notifications.events import queue_daily_messages


class Command(BaseCommand):
    help = "Queue birthday greetings and win-back messages (idempotent per client and day)."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="Also ask the task worker to repeat it every hour.")

    def handle(self, *args, schedule=False, **options):
        self.stdout.write(str(queue_daily_messages()))
        if schedule:
            from frontdesk.notifications.tasks import schedule_next_daily_run

            schedule_next_daily_run()
