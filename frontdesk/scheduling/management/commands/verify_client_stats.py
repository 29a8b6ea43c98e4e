"""Recompute every client's cached totals (ClientStats) from the records and report differences;
with --fix, store the recomputed values. Exit status 1 when differences were found without --fix."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frontdesk.scheduling import client_stats as stats


class Command(BaseCommand):
    help = "Check the cached client totals (visits, spend, last visit…) against the records."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="store the recomputed totals")
        parser.add_argument("--chain", type=int, help="only this network (id)")
        parser.add_argument("--show", type=int, default=20, help="how many differences to print")

    def handle(self, *args, fix=False, chain=None, show=20, **options):
        with transaction.atomic():
            wrong = stats.verify(chain, fix=fix)
        for client_id, diff in wrong[:show]:
            details = ", ".join(f"{name}: {have!r} ≠ {want!r}" for name, (have, want) in diff.items())
            self.stdout.write(f"client {client_id}: {details}")
        if not wrong:
            self.stdout.write(self.style.SUCCESS("All client totals match the records."))
        elif fix:
            self.stdout.write(self.style.WARNING(f"{len(wrong)} clients had wrong totals; fixed."))
        else:
            raise CommandError(f"{len(wrong)} clients have wrong totals; run with --fix.")
