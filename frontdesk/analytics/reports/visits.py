"""Visits by status: records by their start date, came / no-show / cancelled / still to come, as
the overview counts them (`overview.STATUS_GROUPS`), split by day, week or month."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.analytics.overview import STATUS_GROUPS
from frontdesk.analytics.reports import base, periods
from frontdesk.scheduling.models import Record

STATUS_LABELS = {
    "came": _("Came"),
    "no_show": _("No-shows"),
    "cancelled": pgettext_lazy("overview", "Cancelled"),
    "upcoming": _("Still to come"),
}


@base.register
class VisitsByStatus(base.Report):
    key = "visits"
    title = _("Visits by status")
    description = _("Records by the day they start: came, no-shows, cancelled and still to come.")
    group = "visits"
    order = 10
    filters = frozenset({base.SPECIALIST, base.CATEGORY, base.SOURCE, base.CLIENT_CATEGORY})

    def build(self, filters: base.Filters) -> base.Result:
        grain, days, labels = periods.axis(filters.period)
        aggregates = {name: Count("id", filter=Q(status__in=statuses)) for name, statuses in STATUS_GROUPS.items()}
        records = Record.objects.filter(filters.records_q())
        if filters.category is not None:
            records = records.distinct()
        rows = periods.per_local_date(records, filters.companies, filters.period, "start", (), aggregates)
        counts = periods.sum_by_bucket(rows, grain, value_fields=STATUS_GROUPS)
        empty = dict.fromkeys(STATUS_GROUPS, 0)
        series = [
            base.Series(STATUS_LABELS[name], [counts.get((day,), empty)[name] for day in days], stack="status")
            for name in STATUS_GROUPS
        ]
        columns = [
            base.Column("period", _("Period")),
            *[base.Column(name, STATUS_LABELS[name], base.COUNT) for name in STATUS_GROUPS],
            base.Column("no_show_share", _("No-show rate"), base.SHARE),
        ]
        rows = []
        totals = dict.fromkeys(STATUS_GROUPS, 0)
        for day, label in zip(days, labels, strict=True):
            figures = counts.get((day,), empty)
            for name in STATUS_GROUPS:
                totals[name] += figures[name]
            rows.append([label, *[figures[name] for name in STATUS_GROUPS], _no_show_rate(figures)])
        return base.Result(
            tables=[
                base.Table(
                    columns,
                    rows,
                    totals=[_("Total"), *[totals[name] for name in STATUS_GROUPS], _no_show_rate(totals)],
                )
            ],
            chart=base.Chart(base.Chart.BAR, labels, series),
            notes=[_("No-show rate: no-shows among the visits that were due (came or did not come).")],
        )


def _no_show_rate(figures):
    return base.no_show_rate(figures["came"], figures["no_show"])
