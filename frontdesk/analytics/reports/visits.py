"""Visits by status: records by their start date, came / no-show / cancelled / still to come, as
the overview counts them (`overview.STATUS_GROUPS`), split by day, week or month."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.analytics.overview import STATUS_GROUPS
from frontdesk.analytics.reports import periods
from frontdesk.analytics.reports.base import (
    CATEGORY,
    CLIENT_CATEGORY,
    COUNT,
    SHARE,
    SOURCE,
    SPECIALIST,
    Chart,
    Column,
    Filters,
    Report,
    Result,
    Series,
    Table,
    no_show_rate,
    register,
)
from frontdesk.scheduling.models import Record

STATUS_LABELS = {
    "came": _("Came"),
    "no_show": _("No-shows"),
    "cancelled": pgettext_lazy("overview", "Cancelled"),
    "upcoming": _("Still to come"),
}


@register
class VisitsByStatus(Report):
    key = "visits"
    title = _("Visits by status")
    description = _("Records by the day they start: came, no-shows, cancelled and still to come.")
    group = "visits"
    order = 10
    filters = frozenset({SPECIALIST, CATEGORY, SOURCE, CLIENT_CATEGORY})

    def build(self, filters: Filters) -> Result:
        grain, days, labels = periods.axis(filters.period)
        aggregates = {name: Count("id", filter=Q(status__in=statuses)) for name, statuses in STATUS_GROUPS.items()}
        records = Record.objects.filter(filters.records_q())
        if filters.category is not None:
            records = records.distinct()
        rows = periods.per_local_date(records, filters.companies, filters.period, "start", (), aggregates)
        counts = periods.sum_by_bucket(rows, grain, value_fields=STATUS_GROUPS)
        empty = dict.fromkeys(STATUS_GROUPS, 0)
        series = [
            Series(STATUS_LABELS[name], [counts.get((day,), empty)[name] for day in days], stack="status")
            for name in STATUS_GROUPS
        ]
        columns = [
            Column("period", _("Period")),
            *[Column(name, STATUS_LABELS[name], COUNT) for name in STATUS_GROUPS],
            Column("no_show_share", _("No-show rate"), SHARE),
        ]
        rows = []
        totals = dict.fromkeys(STATUS_GROUPS, 0)
        for day, label in zip(days, labels, strict=True):
            figures = counts.get((day,), empty)
            for name in STATUS_GROUPS:
                totals[name] += figures[name]
            rows.append([label, *[figures[name] for name in STATUS_GROUPS], _no_show_rate(figures)])
        return Result(
            tables=[
                Table(
                    columns,
                    rows,
                    totals=[_("Total"), *[totals[name] for name in STATUS_GROUPS], _no_show_rate(totals)],
                )
            ],
            chart=Chart(Chart.BAR, labels, series),
            notes=[_("No-show rate: no-shows among the visits that were due (came or did not come).")],
        )


def _no_show_rate(figures):
    return no_show_rate(figures["came"], figures["no_show"])
