"""Analytics benchmark (issue 14), first cut: the overview's figures on the client-base
benchmark's network (bench/clients.py generates it, or reuses it). Prints p50/p95 of the selectors
alone and of the whole «Overview» page (warm, one process) with their SQL query counts.

    .venv/bin/python bench/analytics.py                 # SQLite, full size
    .venv/bin/python bench/analytics.py --scale 0.1
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics.py

Not yet here (docs/analytics.md): payments in the generated network (its revenue is empty), the
retention and fill-rate heat-map reports, and the 1,000-branch network on PostgreSQL.
"""

import argparse
import datetime
import statistics
import time

from _setup import percentile
from clients import FULL_CLIENTS, TODAY, generate, measure, setup_network  # sets Django up
from django.conf import settings
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from frontdesk.analytics import overview
from frontdesk.analytics.builder import engine
from frontdesk.analytics.builder.models import SavedReport
from frontdesk.analytics.overview import Period
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
    args = parser.parse_args()
    with scopes_disabled():
        chain, companies, owner = setup_network(args.scale)
        generate(chain, companies, max(1000, int(FULL_CLIENTS * args.scale)))
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
        # The builder (issue 14): revenue by specialist × month for a year, as a saved report
        # would run it. The generated network has no sales yet, so "revenue" is read from the
        # records' service lines (the visits dataset's value of services); the sale-lines dataset
        # runs the same shape of query over SaleLine once the benchmark generates checkouts.
        year = Period(day.replace(day=1).replace(year=day.year - 1), day)
        for title, dataset, figure in (
            ("builder: value by specialist × month, a year, a branch", "visits", "value"),
            ("builder: sold for by specialist × month, a year, a branch", "sale_lines", "amount"),
        ):
            spec = engine.Spec(dataset, (figure,), ("month", "specialist"), engine.BAR)
            filters = Filters(companies=tuple(companies[:1]), period=year, chain=chain)
            times, queries = timed(lambda spec=spec, filters=filters: engine.run(spec, filters), args.runs)
            print(f"{title:58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}")
        saved = SavedReport.unscoped.filter(chain=chain, name="bench: revenue by specialist").first()
        if saved is None:
            saved = SavedReport.unscoped.create(
                chain=chain,
                company=companies[0],
                author=owner,
                name="bench: revenue by specialist",
                dataset="visits",
                measures=["value"],
                dimensions=["month", "specialist"],
                chart=engine.BAR,
            )
        saved.preset, saved.first, saved.last = "", year.first, year.last
        saved.save()
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
        path = reverse("analytics:builder_report", kwargs={"company_id": companies[0].pk, "saved_report_id": saved.pk})
        times, queries = measure(browser, path, runs=args.runs)
        print(
            f"{'page: builder report, value by specialist × month, a year':58} {statistics.median(times):8.1f} "
            f"{percentile(times, 95):8.1f} {queries:8d}"
        )


if __name__ == "__main__":
    main()
