"""The «Overview» page's figures (tenancy's dashboard): what each reader sees and how it is built.

Who sees what — decided on the server for every request, the page and its two fragments alike:
- a member who may view analytics (owner, manager, administrator and accountant by default): the
  business — today (bookings, arrived, still to come, revenue so far, free time left) and the
  chosen period against the comparable one before and the same dates a year back, for this branch
  or, for those who see every branch (`filters.sees_network`), the whole network;
- a member who may not but is a specialist of this branch (`Specialist.user`): their own day and
  period — only their records and sale lines (`own`);
- anyone else: nothing (no query at all).

The landing page itself runs only today's queries (`today_context`): the period's figures — the
expensive part — arrive in a second request (`period_context`, htmx `load`), so the
administrator's landing does not wait for a month's aggregates. Today's card asks for itself again
every REFRESH_SECONDS and whenever the window regains focus, so a booking or a checkout made in
another tab shows without a reload. The period's figures are read again only when today's have
changed (the card's answer then says so, `HX-Trigger: overview-changed`) or the window regains
focus — not on a timer: they are the expensive part.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.accounts.permissions import Section
from frontdesk.analytics import facts, overview, own
from frontdesk.analytics import filters as report_filters
from frontdesk.analytics.free_time import free_time
from frontdesk.analytics.models import DayMoney
from frontdesk.analytics.overview import CAME, Period
from frontdesk.analytics.reports import base as report_base
from frontdesk.analytics.reports.base import COUNT, MONEY, SHARE, Chart, Series
from frontdesk.analytics.reports.periods import per_local_date
from frontdesk.scheduling.models import Record, RecordSource

# Today's card refreshes itself this often (seconds); a test may shorten it.
REFRESH_SECONDS = 30
# Sparklines show this many days, ending with the period's last day.
SPARK_DAYS = 30
# A chart of fewer days than this shows the last CHART_MIN_DAYS days instead.
CHART_MIN_DAYS = 7

# The period switch: the quick choices shown (keys of filters.PRESETS) — a day, a week, a month.
SWITCH = ("today", "week", "month", "last_month")

BUSINESS, OWN = "business", "own"

STATUS_LABELS = {
    "came": _("Came"),
    "no_show": _("No-shows"),
    "cancelled": pgettext_lazy("overview", "Cancelled"),
    "upcoming": _("Still to come"),
}

# (label, how to read it from PeriodFigures, kind, the analytics report it opens)
FIGURES = (
    (_("Revenue"), lambda f: f.revenue.revenue, MONEY, "revenue"),
    (_("Average check"), lambda f: f.revenue.average_check, MONEY, "average-check"),
    (_("Came"), lambda f: f.visits["came"], COUNT, "visits"),
    (_("No-shows"), lambda f: f.visits["no_show"], COUNT, "visits"),
    (pgettext_lazy("overview", "Cancelled"), lambda f: f.visits["cancelled"], COUNT, "visits"),
    (_("New clients"), lambda f: f.clients.new, COUNT, "clients"),
    (_("Returning clients"), lambda f: f.clients.returning, COUNT, "clients"),
    (_("Fill rate"), lambda f: f.fill_rate.rate, SHARE, "fill-rate"),
)


def audience(request):
    """(BUSINESS, None), (OWN, the specialist) or (None, None). At most one query."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return None, None
    if membership.can(Section.ANALYTICS):
        return BUSINESS, None
    specialist = own.specialist_of(request)
    return (OWN, specialist) if specialist is not None else (None, None)


def preset_of(request) -> str:
    """The quick choice the query string asks for ("" for dates typed in), as `filters.read` reads it."""
    given = {k for k, v in request.GET.items() if v != ""}
    return request.GET.get("preset") or ("" if {"first", "last"} & given else "month")


def comparable(preset: str, period: Period) -> Period:
    """The period the figures are compared with: the same days of the week or month before for a
    week or a month so far, the month before the last for the last month, as many days right before
    for a day or dates typed in."""
    if preset == "week":
        week = datetime.timedelta(days=7)
        return Period(period.first - week, period.last - week)
    if preset in ("month", "last_month"):
        first = (period.first - datetime.timedelta(days=1)).replace(day=1)
        month_end = period.first - datetime.timedelta(days=1)
        if preset == "last_month":
            return Period(first, month_end)
        return Period(first, min(first + (period.last - period.first), month_end))
    return period.previous()


def _days(period: Period) -> list[datetime.date]:
    return [period.first + datetime.timedelta(days=n) for n in range(period.days)]


def chart_window(period: Period, previous: Period) -> tuple[Period, Period]:
    """The days the revenue chart shows and the days it overlays: the period and its comparable
    one, or the last CHART_MIN_DAYS days and as many before when the period is shorter."""
    if period.days >= CHART_MIN_DAYS:
        return period, previous
    window = Period(period.last - datetime.timedelta(days=CHART_MIN_DAYS - 1), period.last)
    return window, window.previous()


def _series_chart(kind, window, overlay, values, value_kind, labels) -> dict:
    """A chart of `window`'s days with `overlay`'s days laid over them day by day."""
    current = [values.get(day, 0) for day in _days(window)]
    before = [values.get(day, 0) for day in _days(overlay)][: len(current)]
    before += [None] * (len(current) - len(before))
    return Chart(
        kind,
        [f"{day:%d.%m}" for day in _days(window)],
        [Series(labels[0], current), Series(labels[1], before)],
        kind_of_values=value_kind,
    ).as_json()


def _sparkline(values: dict, last: datetime.date, value_kind: str) -> dict:
    days = _days(Period(last - datetime.timedelta(days=SPARK_DAYS - 1), last))
    return Chart(
        Chart.LINE, [f"{day:%d.%m}" for day in days], [Series("", [values.get(d, 0) for d in days])], value_kind
    ).as_json()


def _per_day(rows, field) -> dict:
    totals: dict = {}
    for row in rows:
        totals[row["day"]] = totals.get(row["day"], 0) + (row[field] or 0)
    return totals


def _span(*periods: Period, last: datetime.date) -> Period:
    first = min([p.first for p in periods] + [last - datetime.timedelta(days=SPARK_DAYS - 1)])
    return Period(first, max([p.last for p in periods] + [last]))


def read_filters(request, kind):
    """The period switch's form and filters. A specialist reads their own branch only: the scope
    is not theirs to choose."""
    form, filters = report_filters.read(request)
    if kind == OWN:
        # The field is not shown to them, so its refusal (a member of one branch) is said here.
        refused = form.errors.pop("scope", None)
        form.fields.pop("scope", None)
        if refused or (filters is not None and filters.network):
            filters = None
            form.add_error(None, _("Your overview shows your own work in this branch only."))
    return form, filters


def page_context(request) -> dict | None:
    """The landing part: the switch, today's card and the placeholder the period arrives in."""
    kind, specialist = audience(request)
    if kind is None:
        return None
    form, filters = read_filters(request, kind)
    context = {
        "kind": kind,
        "form": form,
        "switch": [(key, label) for key, label in report_filters.PRESETS if key in SWITCH],
        "preset": preset_of(request) if filters else "",
        "sees_network": kind == BUSINESS and report_filters.sees_network(request),
        "query": request.GET.urlencode(),
        "refresh": REFRESH_SECONDS,
    }
    if filters is not None:
        context.update(today_context(request, kind, specialist, filters))
    context["fingerprint"] = fingerprint(context)
    return context


def today_context(request, kind, specialist, filters) -> dict:
    """Today in the branches read (each its own today). Business: 5 queries at most (today 2,
    free time 3); own: 6 at most (today 1, free time 3, the next client 2)."""
    now = timezone.now()
    companies = filters.companies
    specialist_id = specialist.pk if specialist else None
    context = {
        "today": overview.today(companies, now, specialist=specialist_id),
        "free": free_time(companies, now, specialist_id),
        "network": filters.network,
        "currency": request.chain.currency_symbol,
        "specialist": specialist,
        # A wall-clock time of the branch: the `time` filter would move an aware one to the server's zone.
        "updated": now.astimezone(request.company.tz).time(),
    }
    if kind == OWN:
        context["next_client"] = own.next_client(request.company, specialist.pk, now)
    return context


def today_only(request) -> dict | None:
    """Today's card alone (the fragment the page refreshes): `today_context`, or the form's errors."""
    kind, specialist = audience(request)
    if kind is None:
        return None
    form, filters = read_filters(request, kind)
    context = {"kind": kind, "form": form}
    if filters is not None:
        context.update(today_context(request, kind, specialist, filters))
    context["fingerprint"] = fingerprint(context)
    return context


def fingerprint(context) -> str:
    """Today's figures as one string: when the card's refresh finds it changed (a booking, a
    check-in, a payment), the page reads the period's figures again too. Free time is left out: it
    shrinks every minute by itself."""
    today = context.get("today")
    return "" if today is None else f"{today.bookings}.{today.arrived}.{today.to_come}.{today.revenue}"


def business_period(request, filters, preset) -> dict:
    """The period against the comparable one and a year back (`compare`), revenue and visits by
    day for the charts and sparklines from the daily facts (three queries when nothing is stale)."""
    companies, period = filters.companies, filters.period
    previous = comparable(preset, period)
    comparison = overview.compare(companies, period, previous)
    window, overlay = chart_window(period, previous)
    span = _span(window, overlay, period, last=period.last)
    # The charts' days from the daily facts — the figures' own revenue and "came", by local date —
    # not from the money rows and records (at full size 0.2-0.5 s for the network's two months):
    # the span's stale days recomputed first (one query when none: compare refreshed most of it).
    facts.refresh(companies, span.first, span.last)
    revenue = {row["date"]: row["revenue"] for row in facts.per_day(companies, span, model=DayMoney, refreshed=True)}
    visits = {row["date"]: row["came"] for row in facts.per_day(companies, span, refreshed=True)}
    current, before, year_before = comparison.current, comparison.previous, comparison.year_before
    figures = []
    for label, read, value_kind, report in FIGURES:
        value, earlier = read(current), read(before)
        figures.append(
            {
                "label": label,
                "values": [value, earlier, read(year_before)],
                "change": _percent(overview.change(value, earlier)),
                "kind": value_kind,
                "report": report,
                # Linked only to a report the section has (no link to a page that answers 404).
                "linked": report_base.get(report) is not None,
            }
        )
    sources = [(RecordSource(value).label, current.sources[value]) for value in RecordSource.values]
    return {
        "period": period,
        "previous": previous,
        "year_before": period.year_before(),
        "figures": figures,
        "cards": [figures[0], figures[1], figures[2], figures[5], figures[7]],
        "sparklines": {
            "revenue": _sparkline(revenue, period.last, MONEY),
            "visits": _sparkline(visits, period.last, COUNT),
        },
        "revenue_chart": _series_chart(
            Chart.LINE, window, overlay, revenue, MONEY, (_("This period"), _("Previous period"))
        ),
        "sources_chart": Chart(
            Chart.DOUGHNUT, [s[0] for s in sources], [Series(_("Records"), [s[1] for s in sources])]
        ).as_json()
        if any(count for _label, count in sources)
        else None,
        "sources": [*sources, (_("Repeat bookings"), current.sources["repeat"])],
        "status_chart": Chart(
            Chart.BAR,
            [STATUS_LABELS[name] for name in STATUS_LABELS],
            [
                Series(_("This period"), [current.visits[n] for n in STATUS_LABELS]),
                Series(_("Previous period"), [before.visits[n] for n in STATUS_LABELS]),
            ],
        ).as_json(),
    }


def own_period(request, filters, preset, specialist) -> dict:
    """The specialist's period against the comparable one: their revenue (1 query over every day
    the page shows), visits by status (2), clients (2), fill rate (4), visits by day (1)."""
    company, period = request.company, filters.period
    previous = comparable(preset, period)
    window, overlay = chart_window(period, previous)
    span = _span(window, overlay, period, previous, last=period.last)
    revenue = own.revenue_by_day(company, specialist.pk, span)
    visits = _per_day(
        per_local_date(
            Record.objects.filter(status__in=CAME, specialist_id=specialist.pk),
            [company],
            span,
            "start",
            (),
            {"n": Count("id")},
        ),
        "n",
    )
    pairs = []
    for key, label, current, earlier, value_kind, spark in (
        ("revenue", _("Revenue"), own.total(revenue, period), own.total(revenue, previous), MONEY, "revenue"),
        *_own_counts(company, specialist.pk, period, previous),
    ):
        pairs.append(
            {
                "key": key,
                "label": label,
                "values": [current, earlier],
                "change": _percent(overview.change(current, earlier)),
                "kind": value_kind,
                "spark": spark,
            }
        )
    return {
        "period": period,
        "previous": previous,
        "figures": pairs,
        "sparklines": {
            "revenue": _sparkline(revenue, period.last, MONEY),
            "visits": _sparkline(visits, period.last, COUNT),
        },
        "revenue_chart": _series_chart(
            Chart.BAR, window, overlay, revenue, MONEY, (_("This period"), _("Previous period"))
        ),
    }


def _own_counts(company, specialist_id, period, previous):
    visits = [overview.visits_by_status([company], p, specialist=specialist_id) for p in (period, previous)]
    clients = [overview.clients([company], p, specialist=specialist_id) for p in (period, previous)]
    fill = [overview.fill_rate([company], p, specialist=specialist_id).rate for p in (period, previous)]
    return (
        ("came", _("Came"), visits[0]["came"], visits[1]["came"], COUNT, "visits"),
        ("no_show", _("No-shows"), visits[0]["no_show"], visits[1]["no_show"], COUNT, ""),
        (
            "clients",
            _("Clients"),
            clients[0].new + clients[0].returning,
            clients[1].new + clients[1].returning,
            COUNT,
            "",
        ),
        ("new", _("New clients"), clients[0].new, clients[1].new, COUNT, ""),
        ("returning", _("Returning clients"), clients[0].returning, clients[1].returning, COUNT, ""),
        ("fill_rate", _("Fill rate"), fill[0], fill[1], SHARE, ""),
    )


def period_context(request) -> dict | None:
    kind, specialist = audience(request)
    if kind is None:
        return None
    form, filters = read_filters(request, kind)
    context = {"kind": kind, "form": form, "currency": request.chain.currency_symbol, "network": False}
    if filters is None:
        return context
    preset = preset_of(request)
    context["network"] = filters.network
    if kind == BUSINESS:
        context.update(business_period(request, filters, preset))
    else:
        context.update(own_period(request, filters, preset, specialist))
    return context


def _percent(change: Decimal | None):
    return None if change is None else change * 100


__all__ = ["page_context", "period_context", "today_context"]
