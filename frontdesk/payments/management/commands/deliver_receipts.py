from django.core.management.base import BaseCommand

from frontdesk.payments.receipts import deliver_waiting


class Command(BaseCommand):
    help = "Send the receipts still waiting for the fiscal register (run every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="seconds a receipt has waited")

    def handle(self, *args, **options):
        count = deliver_waiting(options["older_than"])
        self.stdout.write(f"{count} receipt(s) tried")
