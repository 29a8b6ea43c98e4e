"""Analytics benchmark, the visits reports and the branch comparison (issue 14): on the client-base
benchmark's network (bench/clients.py generates it, or reuses it), p50/p95 of the booking-sources
and cancellations reports for a month (a branch, the network) and of the branch comparison
(selectors and the whole page), with their SQL query counts.

    .venv/bin/python bench/analytics_visits.py --scale 0.1
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics_visits.py
"""

import argparse
import datetime
import statistics

from _setup import percentile
from analytics import timed
from clients import FULL_CLIENTS, TODAY, generate, measure, setup_network  # sets Django up
from django.conf import settings
from django.test import Client as Browser
from django.test.utils import override_settings
from django.urls import reverse

from frontdesk.analytics import branches
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.reports.cancellations import Cancellations
from frontdesk.analytics.reports.sources import BookingSources
from frontdesk.core.scopes import scopes_disabled


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
    print(f"{len(companies)} branches, {month.first} – {month.last}")
    print(f"{'what':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    rows = []
    with scopes_disabled():
        for scope_name, chosen in (("a branch", companies[:1]), ("the network", companies)):
            filters = Filters(companies=tuple(chosen), period=month, chain=chain)
            rows.append(
                (f"report: booking sources, a month, {scope_name}", lambda f=filters: BookingSources().build(f))
            )
            rows.append((f"report: cancellations, a month, {scope_name}", lambda f=filters: Cancellations().build(f)))
        rows.append(
            ("selectors: branch comparison, a month", lambda: branches.comparison(companies, month, "-revenue"))
        )
        for title, fn in rows:
            times, queries = timed(fn, args.runs)
            print(f"{title:58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        browser = Browser()
        browser.force_login(owner, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
        path = reverse("analytics:branches", kwargs={"company_id": companies[0].pk})
        path += f"?first={month.first}&last={month.last}&sort=-revenue"
        times, queries = measure(browser, path, runs=args.runs)
        print(
            f"{'page: branch comparison, a month':58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}"
        )


if __name__ == "__main__":
    main()
