from django.core.management.base import BaseCommand, CommandError

from frontdesk.analytics import client_facts


class Command(BaseCommand):
    help = (
        "Rewrite the per-client facts of the clients reports (analytics.ClientMonth for retention, "
        "analytics.ClientVisit for clients and churn) from the records: after a branch's time zone changes, "
        "a bulk import, or a crash between a change and its listener (rebuild_analytics runs this too). "
        "With --check, only list the clients whose facts differ (exits 1 if any)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chain", type=int, help="only this network (its id)")
        parser.add_argument("--check", action="store_true", help="compare only; change nothing")

    def handle(self, *args, chain=None, check=False, **options):
        if not check:
            self.stdout.write(f"{client_facts.rebuild(chain)} client(s) rebuilt")
            return
        checked, wrong = client_facts.differing(chain)
        for pk in wrong:
            self.stdout.write(f"client {pk}: its facts differ from the records")
        if wrong:
            raise CommandError(f"{len(wrong)} client(s) differ")
        self.stdout.write(f"{checked} client(s): the facts equal the records")
