import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from frontdesk.analytics import client_facts, facts
from frontdesk.analytics.overview import Period
from frontdesk.analytics.verify import differences
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.tenancy.models import Chain, Company


class Command(BaseCommand):
    help = (
        "Check the stored daily facts against a fresh computation, and the overview's figures against "
        "a plain recomputation from the raw tables, for every branch and every network, over the "
        "last days; and every client's per-client facts (the clients reports') against their records. "
        "Prints each difference; exits 1 if any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chain", type=int, help="only this network (its id)")
        parser.add_argument("--days", type=int, default=31, help="the period checked, ending today (31)")

    def handle(self, *args, chain=None, days=31, **options):
        now = timezone.now()
        with scopes_disabled():
            chains = list(Chain.objects.filter(pk=chain) if chain else Chain.objects.all())
        found = 0
        for network in chains:
            with scope(network):
                branches = list(Company.objects.filter(chain=network, is_active=True).order_by("pk"))
                if not branches:
                    continue
                today = now.astimezone(branches[0].tz).date()
                period = Period(today - datetime.timedelta(days=days - 1), today)
                # The stored facts first: the figures below refresh the stale days they read.
                for branch in branches:
                    for line in facts.stored_differences(branch, period.first, period.last):
                        found += 1
                        self.stdout.write(f"{branch.name}: {line}")
                for label, companies in [(b.name, [b]) for b in branches] + [(network.name, branches)]:
                    for line in differences(companies, period, now):
                        found += 1
                        self.stdout.write(f"{label}: {line}")
            # Whole histories: a client's facts can be wrong about any date, not only the last days.
            for pk in client_facts.differing(network.pk)[1]:
                found += 1
                self.stdout.write(f"{network.name}: client {pk}: the clients reports' facts differ from the records")
        if found:
            raise CommandError(f"{found} difference(s)")
        self.stdout.write(f"{len(chains)} network(s): every figure equals the recomputation")
