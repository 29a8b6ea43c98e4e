"""The overview's figures on the back office's «Overview» page (tenancy's `tenancy.dashboard`
slot): today in the branch, and this month so far against as many days right before and the
same dates a year back. Shown to members who may view analytics; a fixed number of queries (12 when no day is stale)."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.accounts.permissions import Section
from frontdesk.analytics import overview
from frontdesk.analytics.overview import Period
from frontdesk.scheduling.models import RecordSource

# (label, how to read it from PeriodFigures, how to show it: money, share or count)
FIGURES = (
    (_("Revenue"), lambda f: f.revenue.revenue, "money"),
    (_("Average check"), lambda f: f.revenue.average_check, "money"),
    (_("Came"), lambda f: f.visits["came"], "count"),
    (_("No-shows"), lambda f: f.visits["no_show"], "count"),
    (pgettext_lazy("overview", "Cancelled"), lambda f: f.visits["cancelled"], "count"),
    (_("New clients"), lambda f: f.clients.new, "count"),
    (_("Returning clients"), lambda f: f.clients.returning, "count"),
    (_("Fill rate"), lambda f: f.fill_rate.rate, "share"),
)


def month_so_far(day: datetime.date) -> Period:
    return Period(day.replace(day=1), day)


def dashboard_figures(request, **context) -> str:
    membership = getattr(request, "membership", None)
    if membership is None or not membership.can(Section.ANALYTICS):
        return ""
    company = request.company
    now = timezone.now()
    period = month_so_far(now.astimezone(company.tz).date())
    comparison = overview.compare([company], period)
    current, previous, year_before = comparison.current, comparison.previous, comparison.year_before
    figures = []
    for label, read, kind in FIGURES:
        value, before = read(current), read(previous)
        change = overview.change(value, before)
        figures.append(
            {
                "label": label,
                "values": [value, before, read(year_before)],
                "change": None if change is None else change * 100,
                "kind": kind,
            }
        )
    return render_to_string(
        "analytics/_dashboard.html",
        {
            "today": overview.today([company], now),
            "period": period,
            "figures": figures,
            "sources": [(RecordSource(value).label, current.sources[value]) for value in RecordSource.values]
            + [(_("Repeat bookings"), current.sources["repeat"])],
            "currency": request.chain.currency_symbol,
        },
        request=request,
    )
