"""Recompute every warehouse's remains (StockRemain) from the stock ledger and report differences;
with --fix, store the recomputed values. Exit status 1 when differences were found without --fix."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frontdesk.core.scopes import scopes_disabled
from frontdesk.warehouse import checks


class Command(BaseCommand):
    help = "Check the cached stock remains (quantity, value) against the stock ledger."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="store the recomputed remains")
        parser.add_argument("--chain", type=int, help="only this network (id)")
        parser.add_argument("--show", type=int, default=20, help="how many differences to print")

    def handle(self, *args, fix=False, chain=None, show=20, **options):
        with scopes_disabled(), transaction.atomic():
            wrong = checks.verify(chain, fix=fix)
        for (warehouse_id, goods_id), diff in wrong[:show]:
            details = ", ".join(f"{name}: {have} ≠ {want}" for name, (have, want) in diff.items())
            self.stdout.write(f"warehouse {warehouse_id}, goods {goods_id}: {details}")
        if not wrong:
            self.stdout.write(self.style.SUCCESS("All stock remains match the ledger."))
        elif fix:
            self.stdout.write(self.style.WARNING(f"{len(wrong)} remains were wrong; fixed."))
        else:
            raise CommandError(f"{len(wrong)} remains differ from the ledger; run with --fix.")
