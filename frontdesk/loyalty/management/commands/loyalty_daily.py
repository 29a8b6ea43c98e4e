"""Run once a day from cron (or let the task worker run `loyalty_daily_task`): expire bonuses,
credit birthday bonuses, warn about bonuses expiring soon. Safe to run more than once a day."""

from django.core.management.base import BaseCommand

from frontdesk.loyalty.daily import run_daily


class Command(BaseCommand):
    help = "Expire bonuses past their term, credit birthday bonuses and warn about expiring ones."

    def handle(self, *args, **options):
        done = run_daily()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in done.items()))
