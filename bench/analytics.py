"""Analytics benchmark (issue 14), first cut: the overview's figures on the client-base
benchmark's network (bench/clients.py generates it, or reuses it). Prints p50/p95 of the selectors
alone and of the whole «Overview» page (warm, one process) with their SQL query counts.

    .venv/bin/python bench/analytics.py                 # SQLite, full size
    .venv/bin/python bench/analytics.py --scale 0.1
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics.py

Not yet here (docs/analytics.md): payments in the generated network (its revenue is empty), the
retention report and the 1,000-branch network on PostgreSQL. The fill-rate report for a month
(`fill_rate` below) writes the shifts the generated network lacks.
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
from frontdesk.analytics.free_time import free_time
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports import base, workload
from frontdesk.analytics.reports.base import Filters
from frontdesk.core.scopes import scopes_disabled
from frontdesk.staff.models import Specialist, WorkInterval


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
            ("selectors: free time left today, a branch", lambda: free_time(companies[:1], now)),
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
            f"{'page: «Overview» of a branch (landing: today only)':58} {statistics.median(times):8.1f} "
            f"{percentile(times, 95):8.1f} {queries:8d}"
        )
        # The landing loads the period's figures in a second request (analytics/dashboard.py).
        dates = f"first={month.first.isoformat()}&last={month.last.isoformat()}"
        for title, name, query in (
            ("fragment: today's card, a branch", "analytics:overview_today", ""),
            ("fragment: today's card, the network", "analytics:overview_today", "scope=network"),
            ("fragment: the period (a month), a branch", "analytics:overview_period", dates),
            ("fragment: the period (a month), the network", "analytics:overview_period", f"{dates}&scope=network"),
        ):
            url = reverse(name, kwargs={"company_id": companies[0].pk}) + (f"?{query}" if query else "")
            times, queries = measure(browser, url, runs=args.runs)
            print(f"{title:58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}")
        path = reverse("analytics:builder_report", kwargs={"company_id": companies[0].pk, "saved_report_id": saved.pk})
        times, queries = measure(browser, path, runs=args.runs)
        print(
            f"{'page: builder report, value by specialist × month, a year':58} {statistics.median(times):8.1f} "
            f"{percentile(times, 95):8.1f} {queries:8d}"
        )
    fill_rate(companies, owner, month, args.runs)


def ensure_shifts(companies, month: Period):
    """The generated network has no work schedules: every specialist works 10:00–20:00 on every
    day of the measured month (written once, kept for the next runs)."""
    if WorkInterval.objects.filter(company__in=companies, date__gte=month.first, date__lte=month.last).exists():
        return
    rows = []
    for company in companies:
        for specialist in Specialist.objects.filter(companies=company):
            day = month.first
            while day <= month.last:
                rows.append(
                    WorkInterval(
                        chain=company.chain, company=company, specialist=specialist, date=day,
                        start=datetime.time(10), end=datetime.time(20),
                    )
                )  # fmt: skip
                day += datetime.timedelta(days=1)
    WorkInterval.objects.bulk_create(rows, batch_size=2000)


def fill_rate(companies, owner, month: Period, runs: int):
    """The fill-rate report for a month (issue 14: the heat map ≤ 300 ms): the weekday × hour
    cells alone, the whole report's figures, and the whole page of a branch and of the network."""
    with scopes_disabled():
        ensure_shifts(companies, month)
        chain = companies[0].chain
        for title, scope in (("a branch", companies[:1]), ("the network", companies)):
            filters = base.Filters(companies=tuple(scope), period=month, chain=chain)
            for what, fn in (
                ("heat map cells", lambda f=filters: workload.hour_cells(f)),
                ("the whole report", lambda f=filters: base.get("fill-rate")().build(f)),
            ):
                times, queries = timed(fn, runs)
                label = f"fill rate, {what}, {title}"
                print(f"{label:58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        browser = Browser()
        browser.force_login(owner, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
        path = reverse("analytics:report", kwargs={"company_id": companies[0].pk, "report_key": "fill-rate"})
        dates = {"first": month.first.isoformat(), "last": month.last.isoformat()}
        for title, params in (("a branch", dates), ("the network", {**dates, "scope": "network"})):
            times, queries = measure(browser, path, params, runs=runs)
            label = f"page: fill rate for a month, {title}"
            print(f"{label:58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
