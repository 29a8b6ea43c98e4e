from django.core.management.base import BaseCommand

from frontdesk.payments.online import release_unpaid_holds


class Command(BaseCommand):
    help = "Cancel online bookings whose required prepayment was not paid in time (run every minute)."

    def handle(self, *args, **options):
        count = release_unpaid_holds()
        self.stdout.write(f"{count} hold(s) released")
