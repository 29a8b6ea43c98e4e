"""Average check: revenue ÷ checks, by day, week or month and per specialist. A check is a sale
that took money in the period (the overview's count; a refund alone is no check); revenue is the
money of `frontdesk/analytics/sale_money.py`. Per specialist, revenue is the money split onto
their lines and checks are the sales with a line of theirs."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from frontdesk.analytics import sale_money
from frontdesk.analytics.overview import Revenue as OverviewRevenue
from frontdesk.analytics.reports import periods
from frontdesk.analytics.reports.base import (
    CATEGORY,
    CLIENT_CATEGORY,
    COUNT,
    MONEY,
    SPECIALIST,
    TEXT,
    Chart,
    Column,
    Filters,
    Report,
    Result,
    Series,
    Table,
    register,
    specialist_names,
)
from frontdesk.analytics.reports.revenue import MEANS_NOTE, finance_links


def average(revenue: Decimal, checks: int) -> Decimal | None:
    """Revenue ÷ checks, as the overview computes it (`overview.Revenue`)."""
    return OverviewRevenue.of(revenue, checks).average_check


@register
class AverageCheck(Report):
    key = "average-check"
    title = _("Average check")
    description = _("Revenue divided by the number of checks, by period and per specialist.")
    group = "money"
    order = 20
    filters = frozenset({SPECIALIST, CATEGORY, CLIENT_CATEGORY})

    def build(self, filters: Filters) -> Result:
        grain, days, labels = periods.axis(filters.period)
        shares = sale_money.shares(filters)
        in_bucket = sale_money.by(shares, lambda share: periods.bucket(share.day, grain))
        rows, values = [], []
        for day, label in zip(days, labels, strict=True):
            items = in_bucket.get(day, [])
            revenue, checks = sale_money.total(items), sale_money.checks(items)
            rows.append([label, checks, revenue, average(revenue, checks)])
            values.append(average(revenue, checks))
        revenue, checks = sale_money.total(shares), sale_money.checks(shares)
        columns = [
            Column("period", _("Period")),
            Column("checks", _("Checks"), COUNT),
            Column("revenue", _("Revenue"), MONEY),
            Column("average", _("Average check"), MONEY),
        ]
        by_period = Table(
            columns, rows, totals=[_("Total"), checks, revenue, average(revenue, checks)], title=_("By period")
        )
        return Result(
            tables=[by_period, _specialists_table(filters, shares)],
            chart=Chart(Chart.LINE, labels, [Series(_("Average check"), values)], kind_of_values=MONEY),
            notes=[
                _("A check is a sale that took money in the period; a refund of an earlier sale lowers the revenue."),
                MEANS_NOTE,
            ],
            links=finance_links(filters),
        )


def _specialists_table(filters: Filters, shares) -> Table:
    """Per specialist who did the lines (goods, certificates and abonements have none), by
    revenue, largest first. One query for the names."""
    per_specialist = sale_money.by([s for s in shares if s.specialist_id is not None], lambda s: s.specialist_id)
    names = specialist_names(per_specialist, filters.chain)
    figures = [
        (names.get(pk, "—"), sale_money.checks(items), sale_money.total(items), pk)
        for pk, items in per_specialist.items()
    ]
    figures.sort(key=lambda f: (-f[2], str(f[0])))
    return Table(
        [
            Column("specialist", _("Specialist"), TEXT),
            Column("checks", _("Checks"), COUNT),
            Column("revenue", _("Revenue"), MONEY),
            Column("average", _("Average check"), MONEY),
        ],
        [[name, checks, revenue, average(revenue, checks)] for name, checks, revenue, _pk in figures],
        title=_("By specialist"),
        keys=[pk for *_rest, pk in figures],
    )
