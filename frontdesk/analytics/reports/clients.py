"""Clients: new, returning, lost and reactivated, by day, week or month; and the link to the client
base's RFM page with its segment counts.

What each figure counts (`client_history` defines visits, first visits and the lost rule):
- **came** — clients with a visit at the branches read on a date of the bucket;
- **new** — of them, those whose first visit in the network falls in the bucket (as the overview
  counts new clients: cards are network-wide);
- **returning** — came, and not new;
- **lost** — clients who became lost in the bucket by the client base's one rule, their last visit
  before being at the branches read;
- **reactivated** — clients who came in the bucket after having been lost.
The totals line counts each client once over the whole period. The specialist and source filters
keep the visits with a record of that specialist or source; the client category keeps its clients.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, DateField, F, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.analytics.models import ClientVisit
from frontdesk.analytics.reports import base, client_history, periods
from frontdesk.analytics.reports.retention import add_months
from frontdesk.clients import selectors as client_selectors
from frontdesk.clients.lost import lost_rule_text
from frontdesk.clients.models import Client

FIGURES = ("came", "new", "returning", "lost", "reactivated")
LABELS = {
    "came": _("Came"),
    "new": _("New"),
    "returning": _("Returning"),
    "lost": pgettext_lazy("clients who", "Lost"),
    "reactivated": _("Reactivated"),
}


def client_figures(filters: base.Filters) -> tuple[list, dict, dict]:
    """(buckets, {bucket: {figure: count}}, {figure: count} over the whole period).

    Without a specialist or source filter, from the per-client facts (`ClientVisit`): three
    queries, whatever the clients and the records. A specialist or source filter changes which
    visits count for a client (a visit counts when one of its records is that specialist's or
    source's), which the facts do not hold: then the records are read (`_figures_from_records`,
    two queries, linear in the records of the clients concerned)."""
    if filters.specialist is not None or filters.source:
        days, per_bucket, total = _figures_from_records(filters)
        return (
            days,
            {day: {name: len(ids) for name, ids in figures.items()} for day, figures in per_bucket.items()},
            {name: len(ids) for name, ids in total.items()},
        )
    return _figures_from_facts(filters)


def _figures_from_facts(filters: base.Filters) -> tuple[list, dict, dict]:
    """Came and new: the rows that are a client's first of their bucket in the scope (the
    `fresh_*` bit of the grain) for the buckets that lie whole in the period, one grouped query;
    the period's totals and the buckets the period cuts (its first and last) by comparing
    `prev_*` with their first date, one query. Lost and reactivated: distinct clients of the
    lapse rows whose moment has passed by now, per bucket and in all (one query of four parts,
    over the partial indexes of lapses and returns). Three queries in all."""
    period = filters.period
    grain = periods.grain_for(period)
    days = periods.buckets(period, grain)
    rows, scope = client_history.fact_rows(filters)
    bit = GRAIN_BITS[grain]
    fresh, prev = f"fresh_{scope}", f"prev_{scope}"
    per_bucket = {day: dict.fromkeys(FIGURES, 0) for day in days}
    total = dict.fromkeys(FIGURES, 0)
    spans = {day: (max(day, period.first), min(_bucket_last(day, grain), period.last)) for day in days}
    cut = [day for day in days if spans[day] != (day, _bucket_last(day, grain))]
    in_period = rows.filter(day__gte=period.first, day__lte=period.last)

    grouped = in_period.values("day", fresh, "new_in").annotate(n=Count("*")).order_by()
    for row in grouped:
        day = periods.bucket(row["day"], grain)
        if day not in cut and row[fresh] & bit:
            per_bucket[day]["came"] += row["n"]
            per_bucket[day]["new"] += row["n"] if row["new_in"] & bit else 0

    def first_since(start):  # the client's first row in the scope on or after `start`
        return Q(**{f"{prev}__isnull": True}) | Q(**{f"{prev}__lt": start})

    def first_visit_in(start, end):
        return Q(first_day__gte=start, first_day__lte=end)

    condition = first_since(period.first)
    counts = {
        "came": Count("day", filter=condition),
        "new": Count("day", filter=condition & first_visit_in(period.first, period.last)),
    }
    for index, day in enumerate(cut):
        start, end = spans[day]
        edge = first_since(start) & Q(day__gte=start, day__lte=end)
        counts[f"came_{index}"] = Count("day", filter=edge)
        counts[f"new_{index}"] = Count("day", filter=edge & first_visit_in(start, end))
        condition |= edge
    found = in_period.filter(condition).aggregate(**counts)
    total["came"], total["new"] = found["came"], found["new"]
    for index, day in enumerate(cut):
        per_bucket[day]["came"], per_bucket[day]["new"] = found[f"came_{index}"], found[f"new_{index}"]

    now = filters.now
    lapses = rows.filter(chain=filters.chain, lost_day__gte=period.first, lost_day__lte=period.last, lost_at__lt=now)
    returns = in_period.filter(chain=filters.chain, back_from__lt=now)
    # Distinct clients per bucket and in all (lapses are more than 30 days apart, yet two can fall
    # in one calendar month, and many in a year), the four counts as one statement.
    parts = []
    for name, found_rows, field in (("lost", lapses, "lost_day"), ("reactivated", returns, "day")):
        for kind, bucket in ((name, _bucket_of(field, days, grain)), (f"{name}_total", Value(None, DateField()))):
            parts.append(
                found_rows.annotate(kind=Value(kind), bucket=bucket)
                .values("kind", "bucket")
                .annotate(n=Count("client_id", distinct=True))
                .order_by()
            )
    for row in parts[0].union(*parts[1:], all=True):
        if row["kind"].endswith("_total"):
            total[row["kind"].removesuffix("_total")] = row["n"]
        else:
            per_bucket[row["bucket"]][row["kind"]] = row["n"]
    for figures in (*per_bucket.values(), total):
        figures["returning"] = figures["came"] - figures["new"]
    return days, per_bucket, total


GRAIN_BITS = {periods.DAY: ClientVisit.DAY, periods.WEEK: ClientVisit.WEEK, periods.MONTH: ClientVisit.MONTH}


def _bucket_last(day: datetime.date, grain: str) -> datetime.date:
    """The last date of the bucket that begins on `day`."""
    if grain == periods.MONTH:
        return add_months(day, 1) - datetime.timedelta(days=1)
    if grain == periods.WEEK:
        return day + datetime.timedelta(days=6)
    return day


def _bucket_of(field: str, days: list, grain: str):
    """The first date of the bucket of a date column, in SQL (a CASE over the period's buckets:
    portable, where truncating a date to its week is not)."""
    if grain == periods.DAY:
        return F(field)
    return Case(*[When(**{f"{field}__gte": day}, then=Value(day)) for day in reversed(days)], output_field=DateField())


def _figures_from_records(filters: base.Filters) -> tuple[list, dict, dict]:
    """(buckets, {bucket: {figure: set of client ids}}, {figure: set of client ids} over the whole
    period), replaying each client's history. Two queries: the branches' zones and the completed
    records of the clients who came or could have become lost in the period (ClientStats tells
    which: a client who has not come since the period began can only have become lost at their
    `lost_after`)."""
    period = filters.period
    grain = periods.grain_for(period)
    days = periods.buckets(period, grain)
    zones = client_history.network_zones(filters.chain)
    read = {company.pk for company in filters.companies}
    start, end = client_history.utc_range(zones.values(), period.first, period.last)
    concerned = Q(client__stats__last_visit__gte=start) | Q(client__stats__lost_after__gte=start)
    histories = client_history.read_visits(filters, zones, concerned & Q(start__lt=end))
    now = filters.now
    per_bucket = {day: {name: set() for name in FIGURES} for day in days}
    total = {name: set() for name in FIGURES}

    def add(name, client_id, day):
        per_bucket[periods.bucket(day, grain)][name].add(client_id)
        total[name].add(client_id)

    for client_id, visits in histories.items():
        first_day = visits[0].day
        after_lapse = set()
        for lapse in client_history.lapses(visits, zones, now):
            if lapse.after is not None:
                after_lapse.add(id(lapse.after))
            mine = lapse.before.company_id in read and lapse.before.matches
            if mine and period.first <= lapse.day <= period.last:
                add("lost", client_id, lapse.day)
        for visit in visits:
            if not (visit.company_id in read and visit.matches and period.first <= visit.day <= period.last):
                continue
            add("came", client_id, visit.day)
            if id(visit) in after_lapse:
                add("reactivated", client_id, visit.day)
        # New where the network's first visit falls: in its bucket if they came in it, in the
        # totals if they came in the period (as the overview counts a period).
        if period.first <= first_day <= period.last:
            figures = per_bucket[periods.bucket(first_day, grain)]
            if client_id in figures["came"]:
                figures["new"].add(client_id)
            if client_id in total["came"]:
                total["new"].add(client_id)
    for figures in (*per_bucket.values(), total):
        figures["returning"] = figures["came"] - figures["new"]
    return days, per_bucket, total


@base.register
class ClientsReport(base.Report):
    key = "clients"
    title = _("Clients")
    description = _("New, returning, lost and reactivated clients by the day of their visit.")
    group = "clients"
    order = 10
    filters = frozenset({base.SPECIALIST, base.SOURCE, base.CLIENT_CATEGORY})

    def build(self, filters: base.Filters) -> base.Result:
        grain = periods.grain_for(filters.period)
        days, per_bucket, total = client_figures(filters)
        labels = [periods.bucket_label(day, grain) for day in days]
        columns = [
            base.Column("period", _("Period")),
            *[base.Column(name, LABELS[name], base.COUNT) for name in FIGURES],
        ]
        rows = [[label, *[per_bucket[day][name] for name in FIGURES]] for day, label in zip(days, labels, strict=True)]
        shown = ("new", "returning", "reactivated", "lost")
        return base.Result(
            tables=[base.Table(columns, rows, totals=[_("Total"), *[total[name] for name in FIGURES]])],
            chart=base.Chart(
                base.Chart.BAR,
                labels,
                [
                    base.Series(LABELS[name], [per_bucket[day][name] for day in days], stack=stack)
                    for name, stack in zip(shown, ("came", "came", "came", "lost"), strict=True)
                ],
            ),
            notes=[
                _(
                    "New: the first visit in the network was in that period. Reactivated: came back after "
                    "having been lost. The totals line counts each client once."
                ),
                _("Lost: %(rule)s") % {"rule": lost_rule_text()},
            ],
        )


@base.register
class RfmReport(base.Report):
    """The client base's RFM grid as it is (`clients.selectors.rfm_grid`), counted the same way —
    for the whole network and as of now, whatever the period — with a link to the page itself.
    Two queries (one more, cached ten minutes, for the money thirds)."""

    key = "rfm"
    title = _("RFM segments")
    description = _("Clients by recency, frequency and money of their visits, as of today; the RFM page lists them.")
    group = "clients"
    order = 40

    def build(self, filters: base.Filters) -> base.Result:
        now = filters.now
        grid = client_selectors.rfm_grid(Client.objects.filter(chain=filters.chain), filters.chain.pk, now)
        columns = [
            base.Column("recency", _("Recency")),
            *[base.Column(f"f{f}", f"F{f}", base.COUNT) for f in (1, 2, 3)],
            base.Column("total", _("Total"), base.COUNT),
        ]
        rows, keys = [], []
        for r in (3, 2, 1):
            counts = [grid[(r, f)]["count"] for f in (1, 2, 3)]
            rows.append([f"R{r}", *counts, sum(counts)])
            keys.append(r)
        totals = [_("Total"), *[sum(grid[(r, f)]["count"] for r in (1, 2, 3)) for f in (1, 2, 3)]]
        totals.append(sum(totals[1:]))
        recency, frequency = client_selectors.RECENCY_DAYS, client_selectors.FREQUENCY_VISITS
        url = reverse("clients:rfm", kwargs={"company_id": filters.companies[0].pk})
        return base.Result(
            tables=[base.Table(columns, rows, totals=totals, keys=keys, title=_("RFM segments"))],
            notes=[
                _(
                    "Recency: 3 — last visit within %(r1)s days, 2 — within %(r2)s days, 1 — longer ago. "
                    "Frequency: 3 — %(f1)s visits or more, 2 — %(f2)s or more, 1 — one visit. "
                    "The whole network's clients as of today; the period does not change them."
                )
                % {"r1": recency[0], "r2": recency[1], "f1": frequency[0], "f2": frequency[1]},
            ],
            links=[(_("RFM: recency, frequency, money"), url)],
        )
