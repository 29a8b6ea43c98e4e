import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from frontdesk.analytics import client_facts, facts
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.tenancy.models import Chain, Company


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Recompute every analytics fact from the raw tables: the daily facts of every branch (--since limits "
        "their dates) and the per-client facts of the clients reports (as rebuild_client_facts does). Run it "
        "after a restore, an import or a bulk change that sent no events; the events keep them otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chain", type=int, help="only this network (its id)")
        parser.add_argument("--since", type=_date, help="only local dates from this one on (YYYY-MM-DD)")

    def handle(self, *args, chain=None, since=None, **options):
        with scopes_disabled():
            chains = list(Chain.objects.filter(pk=chain) if chain else Chain.objects.all())
        if chain and not chains:
            raise CommandError(f"No network with id {chain}.")
        started = time.perf_counter()
        branches = days = 0
        for network in chains:
            with scope(network):
                for company in Company.objects.filter(chain=network).order_by("pk"):
                    days += facts.rebuild(company, since)
                    branches += 1
        clients = 0
        for network in chains:
            clients += client_facts.rebuild(network.pk)
        self.stdout.write(
            f"{len(chains)} network(s), {branches} branch(es), {days} branch-day(s) and {clients} client(s) "
            f"recomputed in {time.perf_counter() - started:.1f} s"
        )
