"""Fill rate: booked minutes ÷ scheduled minutes (`reports/workload.py` says what each counts) per
specialist, per service (the share of the booked minutes it takes), per room or chair (its
bookings ÷ the branch's opening hours × its capacity), per branch when the whole network is read,
and a weekday × hour heat map of the period."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.overview import FillRate
from frontdesk.analytics.reports import base, workload


def weekday_names() -> list[str]:
    """Monday first, short, in the reader's language (1–7 January 2024 is a Monday to a Sunday)."""
    return [date_format(datetime.date(2024, 1, day), "D") for day in range(1, 8)]


@base.register
class FillRateReport(base.Report):
    key = "fill-rate"
    title = _("Fill rate")
    description = _(
        "Booked minutes of the specialists against their working hours: per specialist, service, "
        "room and branch, and by weekday and hour."
    )
    group = "staff"
    order = 10
    filters = frozenset({base.SPECIALIST})

    def build(self, filters: base.Filters) -> base.Result:
        work = workload.shifts(filters)
        booked = workload.booked_by(filters, "record__company_id", "record__specialist_id")
        scheduled: dict = defaultdict(int)
        for shift in work:
            scheduled[(shift.company_id, shift.specialist_id)] += shift.minutes
        tables = [self._specialists(filters, booked, scheduled)]
        total_booked = sum(minutes for minutes, _count in booked.values())
        total_scheduled = sum(scheduled.values())
        tables.append(self._services(filters, total_booked, total_scheduled))
        if filters.network:
            tables.append(self._branches(filters, booked, scheduled))
        resources = self._resources(filters)
        if resources is not None:
            tables.append(resources)
        cells = workload.hour_cells(filters, work)
        return base.Result(
            tables=tables,
            heatmap=self._heatmap(cells),
            chart=self._chart(tables[0]),
            notes=[
                _(
                    "Booked: the minutes of the services of records that are booked, confirmed, "
                    "arrived or completed (classes are in «Class occupancy»). Scheduled: the working "
                    "intervals, less the days of vacation, sick leave and days off."
                ),
                _("A room or chair: its bookings and classes against the branch's opening hours × its capacity."),
            ],
        )

    def _specialists(self, filters, booked, scheduled) -> base.Table:
        per = _per(booked, scheduled, lambda company_id, specialist_id: specialist_id)
        names = base.specialist_names(per, filters.chain)
        order = sorted(per, key=lambda pk: (-(FillRate.of(*per[pk]).rate or -1), names.get(pk, "")))
        return _rate_table(base.Column("specialist", _("Specialist")), per, order, names, _("Specialists"))

    def _services(self, filters, total_booked, total_scheduled) -> base.Table:
        # Across a network the same service of two branches is one row (services are per branch).
        by_title = workload.booked_by(filters, "service__title")
        order = sorted(by_title, key=lambda key: (-by_title[key][0], key[0]))
        rows = [
            [
                title,
                by_title[(title,)][1],
                by_title[(title,)][0],
                _share(by_title[(title,)][0], total_booked),
                _share(by_title[(title,)][0], total_scheduled),
            ]
            for (title,) in order
        ]
        return base.Table(
            [
                base.Column("service", _("Service")),
                base.Column("count", _("Services"), base.COUNT),
                base.Column("booked", _("Booked, h:min"), base.MINUTES),
                base.Column("share", _("Share of booked time"), base.SHARE),
                base.Column("rate", _("Share of working time"), base.SHARE),
            ],
            rows,
            totals=[
                _("Total"),
                sum(count for _m, count in by_title.values()),
                total_booked,
                _share(total_booked, total_booked),
                _share(total_booked, total_scheduled),
            ],
            title=_("Services"),
            keys=[title for (title,) in order],
        )

    def _branches(self, filters, booked, scheduled) -> base.Table:
        per = _per(booked, scheduled, lambda company_id, specialist_id: company_id)
        names = {company.pk: company.name for company in filters.companies}
        return _rate_table(base.Column("branch", _("Branch")), per, list(names), names, _("Branches"))

    def _resources(self, filters) -> base.Table | None:
        loads = workload.resource_loads(filters)
        if not loads:
            return None
        columns = [base.Column("resource", _("Room or chair"), base.TEXT)]
        if filters.network:
            columns.append(base.Column("branch", _("Branch")))
        columns += [
            base.Column("capacity", _("Capacity"), base.COUNT),
            base.Column("booked", _("Booked, h:min"), base.MINUTES),
            base.Column("open", _("Open × capacity, h:min"), base.MINUTES),
            base.Column("rate", _("Load"), base.SHARE),
        ]
        names = {company.pk: company.name for company in filters.companies}
        rows = []
        for load in loads:
            branch = [names.get(load.resource.company_id, "")] if filters.network else []
            rows.append(
                [
                    load.resource.title,
                    *branch,
                    load.resource.capacity,
                    load.booked_minutes,
                    load.open_minutes,
                    load.rate,
                ]
            )
        return base.Table(columns, rows, title=_("Rooms and chairs"), keys=[load.resource.pk for load in loads])

    def _heatmap(self, cells: workload.HourCells) -> base.HeatMap | None:
        hours = cells.hours()
        if not hours:
            return None
        return base.HeatMap(
            row_labels=weekday_names(),
            column_labels=[f"{hour:02d}" for hour in hours],
            cells=[[cells.rate((day, hour)) for hour in hours] for day in range(7)],
            title=_("Fill rate by weekday and hour"),
            row_header=_("Weekday"),
        )

    def _chart(self, specialists: base.Table) -> base.Chart:
        return base.Chart(
            base.Chart.BAR,
            [row[0] for row in specialists.rows],
            [base.Series(_("Fill rate"), [row[3] for row in specialists.rows])],
            kind_of_values=base.SHARE,
            horizontal=True,
        )


def _share(part, whole):
    return FillRate.of(part, whole).rate


def _per(booked, scheduled, key) -> dict:
    """{key(branch, specialist): [booked, scheduled]} from the per (branch, specialist) figures."""
    per: dict = defaultdict(lambda: [0, 0])
    for (company_id, specialist_id), (minutes, _count) in booked.items():
        per[key(company_id, specialist_id)][0] += minutes
    for (company_id, specialist_id), minutes in scheduled.items():
        per[key(company_id, specialist_id)][1] += minutes
    return per


def _rate_table(first: base.Column, per: dict, order: list, names: dict, title) -> base.Table:
    """A table of booked and scheduled minutes and their rate, one row per key of `per` in `order`."""
    booked_total, scheduled_total = sum(v[0] for v in per.values()), sum(v[1] for v in per.values())
    return base.Table(
        [
            first,
            base.Column("booked", _("Booked, h:min"), base.MINUTES),
            base.Column("scheduled", _("Scheduled, h:min"), base.MINUTES),
            base.Column("rate", _("Fill rate"), base.SHARE),
        ],
        [[names.get(key, ""), per[key][0], per[key][1], FillRate.of(*per[key]).rate] for key in order],
        totals=[_("Total"), booked_total, scheduled_total, FillRate.of(booked_total, scheduled_total).rate],
        title=title,
        keys=order,
    )
