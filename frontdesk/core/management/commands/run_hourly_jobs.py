"""Run the hourly jobs every module registered (birthday and win-back messages, expiry of
bonuses, certificates and abonements). From cron:

    5 * * * *  cd /srv/frontdesk && .venv/bin/python manage.py run_hourly_jobs

or once at start-up with `--schedule`, after which the task worker repeats it every hour."""

from django.core.management.base import BaseCommand

from frontdesk.core.periodic import run_hourly_jobs
from frontdesk.core.tasks import schedule_next_hourly_run


class Command(BaseCommand):
    help = "Run the hourly jobs (idempotent: a second run writes nothing twice)."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="Also ask the task worker to repeat it every hour.")

    def handle(self, *args, schedule=False, **options):
        for key, result in run_hourly_jobs().items():
            self.stdout.write(f"{key}: {result}")
        if schedule:
            schedule_next_hourly_run()
