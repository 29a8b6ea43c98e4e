"""Staff performance: per specialist, the money of the services they did (`reports/sold.py`), visits
and clients who came, the average check, the share of their clients who had come to them before
the period, goods sold, the no-show rate and the fill rate (`reports/workload.py`)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.overview import CAME, FillRate, _local_bounds, _zones
from frontdesk.analytics.reports import base, sold, workload
from frontdesk.core.money import to_money
from frontdesk.scheduling.models import Record, RecordStatus

COLUMNS = [
    base.Column("specialist", _("Specialist")),
    base.Column("revenue", _("Revenue"), base.MONEY),
    base.Column("visits", _("Visits"), base.COUNT),
    base.Column("clients", _("Clients"), base.COUNT),
    base.Column("average_check", _("Average check"), base.MONEY),
    base.Column("returning", _("Returning clients"), base.SHARE),
    base.Column("goods", _("Goods sold"), base.COUNT),
    base.Column("no_show", _("No-show rate"), base.SHARE),
    base.Column("fill_rate", _("Fill rate"), base.SHARE),
]


def came_by_specialist(filters: base.Filters) -> dict[int, dict]:
    """Per specialist: visits that came (arrived or completed), no-shows, distinct clients who came
    and, of them, those with a completed record with the same specialist before the period (in the
    earlier record's own branch's local dates). Records by their start's local date; a class place
    is a visit of the trainer's, as YCLIENTS counts it. One query."""
    in_period, returning = Q(pk__in=[]), Q(pk__in=[])
    for zone, ids in _zones(filters.companies).items():
        start, end = _local_bounds(filters.period.first, filters.period.last, zone)
        in_period |= Q(company_id__in=ids, start__gte=start, start__lt=end)
        earlier = Record.objects.filter(
            specialist_id=OuterRef("specialist_id"),
            client_id=OuterRef("client_id"),
            status=RecordStatus.COMPLETED,
            start__lt=start,
        )
        returning |= Q(company_id__in=ids) & Q(Exists(earlier))
    records = Record.objects.filter(in_period)
    if filters.specialist is not None:
        records = records.filter(specialist_id=filters.specialist.pk)
    came = Q(status__in=CAME)
    rows = (
        records.values("specialist_id")
        .annotate(
            visits=Count("id", filter=came),
            no_shows=Count("id", filter=Q(status=RecordStatus.NO_SHOW)),
            clients=Count("client_id", distinct=True, filter=came),
            returning=Count("client_id", distinct=True, filter=came & returning),
        )
        .order_by()
    )
    return {row["specialist_id"]: row for row in rows}


@base.register
class StaffPerformance(base.Report):
    key = "staff"
    title = _("Staff performance")
    description = _(
        "Per specialist: revenue, visits, clients, average check, returning clients, goods sold, "
        "no-shows and fill rate."
    )
    group = "staff"
    order = 5

    def build(self, filters: base.Filters) -> base.Result:
        visits = came_by_specialist(filters)
        money = sold.sold_by(
            filters.companies, filters.period, f"{sold.RECORD}specialist_id", specialist=filters.specialist
        )
        booked: dict = defaultdict(int)
        for (specialist_id,), (minutes, _count) in workload.booked_by(filters, "record__specialist_id").items():
            booked[specialist_id] += minutes
        scheduled: dict = defaultdict(int)
        for shift in workload.shifts(filters):
            scheduled[shift.specialist_id] += shift.minutes
        ids = set(visits) | {key[0] for key in money} | set(booked) | set(scheduled)
        names = base.specialist_names(ids, filters.chain)
        empty = {"visits": 0, "no_shows": 0, "clients": 0, "returning": 0}
        rows, keys = [], []
        totals = {"money": to_money(0), "checks": 0, **empty}
        for pk in ids:
            figures = visits.get(pk, empty)
            revenue = money.get((pk,))
            amount = revenue.money if revenue else to_money(0)
            checks = revenue.checks if revenue else 0
            rows.append(
                [
                    names.get(pk, ""),
                    amount,
                    figures["visits"],
                    figures["clients"],
                    to_money(amount / checks) if checks else None,
                    _ratio(figures["returning"], figures["clients"]),
                    0,  # goods lines name no seller until the warehouse does (docs/analytics.md)
                    _ratio(figures["no_shows"], figures["visits"] + figures["no_shows"]),
                    FillRate.of(booked[pk], scheduled[pk]).rate,
                ]
            )
            keys.append(pk)
            totals["money"] += amount
            totals["checks"] += checks
            for name in empty:
                totals[name] += figures[name]
        order = sorted(range(len(rows)), key=lambda i: (-rows[i][1], rows[i][0]))
        rows, keys = [rows[i] for i in order], [keys[i] for i in order]
        total_booked, total_scheduled = sum(booked.values()), sum(scheduled.values())
        table = base.Table(
            COLUMNS,
            rows,
            totals=[
                _("Total"),
                totals["money"],
                totals["visits"],
                None,  # a client of two specialists is one client: the column does not add up
                to_money(totals["money"] / totals["checks"]) if totals["checks"] else None,
                None,
                0,
                _ratio(totals["no_shows"], totals["visits"] + totals["no_shows"]),
                FillRate.of(total_booked, total_scheduled).rate,
            ],
            title=_("Specialists"),
            keys=keys,
        )
        return base.Result(
            tables=[table],
            chart=base.Chart(
                base.Chart.BAR,
                [row[0] for row in rows],
                [base.Series(_("Revenue"), [row[1] for row in rows])],
                kind_of_values=base.MONEY,
                horizontal=True,
            ),
            notes=[
                _(
                    "Revenue: the services the specialist did, at the price charged less the check's "
                    "discount, by the day of the visit; refunded checks are not counted."
                ),
                _("Returning: clients who came in the period and had come to the same specialist before it."),
                _("Goods sold are credited to a seller once the warehouse records who sold them."),
            ],
        )


def _ratio(part, whole):
    return FillRate.of(part, whole).rate
