"""Analytics benchmark (issue 14), first cut: the overview's figures on the client-base
benchmark's network (bench/clients.py generates it, or reuses it). Prints p50/p95 of the selectors
alone and of the whole «Overview» page (warm, one process) with their SQL query counts.

    .venv/bin/python bench/analytics.py                 # SQLite, full size
    .venv/bin/python bench/analytics.py --scale 0.1
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics.py

Not yet here (docs/analytics.md): payments in the generated network (its revenue is empty), the
retention, fill-rate heat-map and builder reports, and the 1,000-branch network on PostgreSQL.
"""

import argparse
import datetime
import io
import statistics
import sys
import time

from _setup import percentile
from clients import FULL_CLIENTS, TODAY, generate, measure, setup_network  # sets Django up
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from frontdesk.analytics import overview
from frontdesk.analytics.models import ClientMonth
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports import base as reports
from frontdesk.analytics.reports.base import Filters
from frontdesk.core.scopes import scopes_disabled


def timed(fn, runs):
    fn()
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return times, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 200,000 clients and ~2M records")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", action="store_true", help="only the clients reports (retention, churn, …)")
    args = parser.parse_args()
    with scopes_disabled():
        chain, companies, owner = setup_network(args.scale)
        generate(chain, companies, max(1000, int(FULL_CLIENTS * args.scale)))
    if args.clients:
        clients_reports(chain, companies, owner, args.runs)
        return
    day = TODAY.date() - datetime.timedelta(days=1)
    month = Period(day.replace(day=1) - datetime.timedelta(days=31), day.replace(day=1) - datetime.timedelta(days=1))
    now = TODAY
    print(f"{connection.vendor}: overview for {month.first} – {month.last} (with the month before and a year back)")
    print(f"{'what':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    with scopes_disabled():
        for title, fn in (
            ("selectors: today, a branch", lambda: overview.today(companies[:1], now)),
            ("selectors: compare a month, a branch", lambda: overview.compare(companies[:1], month)),
            ("selectors: today, the network", lambda: overview.today(companies, now)),
            ("selectors: compare a month, the network", lambda: overview.compare(companies, month)),
        ):
            times, queries = timed(fn, args.runs)
            print(f"{title:58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        browser = Browser()
        browser.force_login(owner, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
        # The page reads the real clock's month: figures only when it falls inside the generated years.
        path = reverse("tenancy:dashboard", kwargs={"company_id": companies[0].pk})
        times, queries = measure(browser, path, runs=args.runs)
        print(
            f"{'page: «Overview» of a branch (this month so far)':58} {statistics.median(times):8.1f} "
            f"{percentile(times, 95):8.1f} {queries:8d}"
        )


def clients_reports(chain, companies, owner, runs):
    """The clients reports of the analytics section: retention for 24 months (the issue's target:
    ≤ 500 ms), churn and new/returning/lost clients for 12 months, the report alone and the whole
    page, for the network."""
    last = TODAY.date() - datetime.timedelta(days=1)
    months_back = (last.year * 12 + last.month - 1) - 23
    two_years = Period(datetime.date(months_back // 12, months_back % 12 + 1, 1), last)
    year = Period(two_years.first.replace(year=two_years.first.year + 1), last)
    with scopes_disabled():
        if not ClientMonth.objects.filter(chain=chain).exists():
            # The generator bulk-creates records (no events): build the facts once, as the
            # rebuild command does.
            started = time.perf_counter()
            call_command("rebuild_client_facts", chain=chain.pk, stdout=io.StringIO())
            print(f"retention facts built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        facts = ClientMonth.objects.filter(chain=chain).count()
    print(
        f"{connection.vendor}: clients reports, the network of {len(companies)} branches, "
        f"{facts:,} client-month facts, up to {last}"
    )
    print(f"{'what':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    cases = [
        ("retention", two_years, "retention, 24 monthly cohorts"),
        ("churn", year, "churn, 12 months"),
        ("clients", year, "clients: new / returning / lost, 12 months"),
    ]
    with scopes_disabled():
        for key, period, title in cases:
            filters = Filters(companies=tuple(companies), period=period, chain=chain, now=TODAY)
            report = reports.get(key)()
            times, queries = timed(lambda report=report, filters=filters: report.build(filters), max(3, runs // 4))
            print(f"{'report: ' + title:58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        browser = Browser()
        browser.force_login(owner, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
        path = reverse("analytics:report", kwargs={"company_id": companies[0].pk, "report_key": "retention"})
        params = {"scope": "network", "first": two_years.first.isoformat(), "last": two_years.last.isoformat()}
        times, queries = measure(browser, path, params, runs=max(3, runs // 4), warm=1)
        print(
            f"{'page: retention, 24 months, the network':58} {statistics.median(times):8.1f} "
            f"{percentile(times, 95):8.1f} {queries:8d}"
        )


if __name__ == "__main__":
    main()
