from django.core.management.base import BaseCommand

from frontdesk.prepaid.expiry import run_expiry


class Command(BaseCommand):
    help = (
        "Expire gift certificates and abonements past their end date, start abonements not used by "
        "their latest start, and warn holders of those ending soon (run daily; safe to run again)."
    )

    def handle(self, *args, **options):
        counts = run_expiry()
        self.stdout.write(
            f"{counts['certificates']} certificate(s) and {counts['abonements']} abonement(s) expired, "
            f"{counts['started']} abonement(s) started without a visit, {counts['warned']} warning(s) queued"
        )
