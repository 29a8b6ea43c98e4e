"""Send the messages that are due, once (for cron) or in a loop (a worker without the task
queue). Safe to run next to the task worker: messages are claimed one by one, atomically."""

import time

from django.core.management.base import BaseCommand

from frontdesk.notifications.worker import deliver_due


class Command(BaseCommand):
    help = "Send the notification messages that are due."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, looking for due messages.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between looks in --loop mode.")
        parser.add_argument("--pause-ms", type=int, default=None, help="Pause between two messages.")

    def handle(self, *args, loop=False, interval=5.0, pause_ms=None, **options):
        while True:
            handled = deliver_due(pause_ms=pause_ms)
            if handled or not loop:
                self.stdout.write(f"{handled}")
            if not loop:
                return
            time.sleep(interval)
