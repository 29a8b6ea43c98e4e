"""Booking sources and their conversion: records by the source they were booked through
(administrator, online page, widget, API, phone call) and repeat bookings (records of a series,
counted besides their own source), split by day, week or month; and what became of them — the
share that came, did not come, or was cancelled. Online bookings are also split by the channel
and the UTM tags of the link they came through (`booking.BookingSource`).

Records are counted by the local date they start, cancelled ones included, as the overview counts
sources (`overview.booking_sources`). The booking page does not count its visitors, so there is
no "visited → booked" funnel here: the conversion is that of a booking into a visit.

Queries: one per time zone of the branches read (the sources by day) plus one (the channels)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.overview import STATUS_GROUPS
from frontdesk.analytics.reports import base, periods
from frontdesk.analytics.reports.visits import STATUS_LABELS
from frontdesk.booking.models import Channel
from frontdesk.scheduling.models import Record, RecordSource

REPEAT = "repeat"
FIGURES = ("total", *STATUS_GROUPS)  # records, then each status group


def _figures(prefix: str = "", extra: Q | None = None) -> dict:
    """Count aggregates for FIGURES, `prefix` naming them (distinct: a category filter joins the
    service lines, one row per line)."""
    extra = extra or Q()
    out = {f"{prefix}total": Count("id", distinct=True, filter=extra or None)}
    for name, statuses in STATUS_GROUPS.items():
        out[f"{prefix}{name}"] = Count("id", distinct=True, filter=extra & Q(status__in=statuses))
    return out


def conversion_row(label, figures: dict) -> list:
    """[label, records, came, no-shows, cancelled, to come, came %, no-show %, cancelled %]: the
    shares are of every record booked (those still to come are in none of them yet)."""
    total = figures["total"]
    return [
        label,
        total,
        *[figures[name] for name in STATUS_GROUPS],
        *[base.share(figures[name], total) for name in ("came", "no_show", "cancelled")],
    ]


CONVERSION_COLUMNS = [
    base.Column("records", _("Records"), base.COUNT),
    *[base.Column(name, STATUS_LABELS[name], base.COUNT) for name in STATUS_GROUPS],
    base.Column("came_share", _("Came, share"), base.SHARE),
    base.Column("no_show_share", _("No-shows, share"), base.SHARE),
    base.Column("cancelled_share", _("Cancelled, share"), base.SHARE),
]


@base.register
class BookingSources(base.Report):
    key = "sources"
    title = _("Booking sources")
    description = _(
        "Records by where they were booked — administrator, online page, widget, API, phone — and repeat "
        "bookings; what share of each came, did not come or was cancelled."
    )
    group = "visits"
    order = 20
    filters = frozenset({base.SPECIALIST, base.CATEGORY, base.CLIENT_CATEGORY})

    def build(self, filters: base.Filters) -> base.Result:
        grain, days, labels = periods.axis(filters.period)
        records = Record.objects.filter(filters.records_q())
        aggregates = {**_figures(), **_figures(f"{REPEAT}_", Q(series__isnull=False))}
        rows = list(
            periods.per_local_date(records, filters.companies, filters.period, "start", ("source",), aggregates)
        )
        by_bucket = periods.sum_by_bucket(rows, grain, ("source",), ("total",))
        repeat_by_bucket = periods.sum_by_bucket(rows, grain, (), (f"{REPEAT}_total",))
        sums = {source: dict.fromkeys(FIGURES, 0) for source in (*RecordSource.values, REPEAT)}
        for row in rows:
            for name in FIGURES:
                sums.setdefault(row["source"], dict.fromkeys(FIGURES, 0))[name] += row[name]
                sums[REPEAT][name] += row[f"{REPEAT}_{name}"]

        nothing = {"total": 0, f"{REPEAT}_total": 0}
        series = [
            base.Series(
                RecordSource(source).label,
                [by_bucket.get((day, source), nothing)["total"] for day in days],
                stack="source",
            )
            for source in RecordSource.values
        ]
        # Repeat bookings are also in their own source: a bar of their own, not on the stack.
        series.append(
            base.Series(
                _("Repeat bookings"),
                [repeat_by_bucket.get((day,), nothing)[f"{REPEAT}_total"] for day in days],
                stack=REPEAT,
            )
        )

        rows = [conversion_row(RecordSource(source).label, sums[source]) for source in RecordSource.values]
        totals = {name: sum(sums[source][name] for source in RecordSource.values) for name in FIGURES}
        table = base.Table(
            [base.Column("source", _("Source")), *CONVERSION_COLUMNS],
            rows,
            totals=conversion_row(_("Total"), totals),
            title=_("Conversion by source"),
            keys=list(RecordSource.values),
        )
        repeat = base.Table(
            [base.Column("source", _("Source")), *CONVERSION_COLUMNS],
            [conversion_row(_("Repeat bookings"), sums[REPEAT])],
            title=_("Repeat bookings"),
        )
        return base.Result(
            tables=[table, repeat, _channels(filters)],
            chart=base.Chart(base.Chart.BAR, labels, series),
            notes=[
                _(
                    "Records by the day they start, cancelled ones included. Shares are of all the records "
                    "booked through the source; those still to come are in none of them yet."
                ),
                _(
                    "Repeat bookings are records of a series; they are counted in their own source too. "
                    "The booking page does not count its visitors, so there is no visits-to-bookings funnel."
                ),
            ],
        )


def _channels(filters: base.Filters) -> base.Table:
    """Online bookings by the channel and the UTM tags of the link (one query)."""
    prefix = "visit__booking_source__"
    rows = (
        Record.objects.filter(
            periods.in_period(filters.companies, filters.period, "start"),
            filters.records_q(),
            visit__booking_source__isnull=False,
        )
        .values(f"{prefix}channel", f"{prefix}utm_source", f"{prefix}utm_campaign")
        .annotate(**_figures())
        .order_by("-total", f"{prefix}channel", f"{prefix}utm_source", f"{prefix}utm_campaign")
    )
    out, totals = [], dict.fromkeys(FIGURES, 0)
    for row in rows:
        for name in FIGURES:
            totals[name] += row[name]
        channel = row[f"{prefix}channel"]
        out.append(
            [
                Channel(channel).label if channel in Channel.values else channel,
                row[f"{prefix}utm_source"] or "—",
                row[f"{prefix}utm_campaign"] or "—",
                *conversion_row("", row)[1:],
            ]
        )
    return base.Table(
        [
            base.Column("channel", _("Channel")),
            base.Column("utm_source", _("UTM source"), base.TEXT),
            base.Column("utm_campaign", _("UTM campaign"), base.TEXT),
            *CONVERSION_COLUMNS,
        ],
        out,
        totals=[_("Total"), "", "", *conversion_row("", totals)[1:]] if out else None,
        title=_("Online bookings by channel and campaign"),
    )
