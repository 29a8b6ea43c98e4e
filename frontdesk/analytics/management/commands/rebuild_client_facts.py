from django.core.management.base import BaseCommand, CommandError

from frontdesk.analytics import client_facts
from frontdesk.clients.models import Client
from frontdesk.core.scopes import scopes_disabled


class Command(BaseCommand):
    help = (
        "Rewrite the per-client facts of the retention cohorts (analytics.ClientMonth) from the records: "
        "after a branch's time zone changes, a bulk import, or a crash between a change and its listener. "
        "With --check, only list the clients whose facts differ (exits 1 if any)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chain", type=int, help="only this network (its id)")
        parser.add_argument("--check", action="store_true", help="compare only; change nothing")

    def handle(self, *args, chain=None, check=False, **options):
        with scopes_disabled():
            clients = Client._base_manager.order_by("pk")
            if chain:
                clients = clients.filter(chain_id=chain)
            ids = list(clients.values_list("pk", flat=True))
        wrong = []
        for start in range(0, len(ids), client_facts.BATCH):
            chunk = ids[start : start + client_facts.BATCH]
            if check:
                wrong.extend(client_facts.check(chunk))
            else:
                client_facts.refresh(chunk)
        if check:
            for pk in wrong:
                self.stdout.write(f"client {pk}: its facts differ from the records")
            if wrong:
                raise CommandError(f"{len(wrong)} client(s) differ")
            self.stdout.write(f"{len(ids)} client(s): the facts equal the records")
        else:
            self.stdout.write(f"{len(ids)} client(s) rebuilt")
