"""Analytics benchmark, the visits reports and the branch comparison (issue 14): on the client-base
benchmark's network (bench/clients.py generates it, or reuses it), p50/p95 of the booking-sources
and cancellations reports for a month (a branch, the network) and of the branch comparison
(selectors and the whole page), with their SQL query counts.

    .venv/bin/python bench/analytics_visits.py --scale 0.1
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics_visits.py
"""

import argparse

from _setup import browser_for, print_row
from analytics import client_base, measured_month, timed  # sets Django up
from clients import measure
from django.urls import reverse

from frontdesk.analytics import branches
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
        chain, companies, owner = client_base(args.scale)
    month = measured_month()
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
            print_row(title, *timed(fn, args.runs))
    with browser_for(owner) as browser:
        path = reverse("analytics:branches", kwargs={"company_id": companies[0].pk})
        path += f"?first={month.first}&last={month.last}&sort=-revenue"
        print_row("page: branch comparison, a month", *measure(browser, path, runs=args.runs))


if __name__ == "__main__":
    main()
