"""Average check: revenue ÷ checks, by day, week or month and per specialist. A check is a sale
counted on the local date of its first payment (the overview's count: a sale paid on two days is
one check, a debt paid later no second one, a refund alone none); revenue is the money of the
revenue report (`money_split`). Per specialist, revenue is the money split onto their lines and
checks are the sales with a line of theirs, on their first payment's date — a sale of two
specialists is a check of each.

Like Revenue, it reads the daily money facts with no filter or a specialist filter (`DayMoney`
for the branch's checks, `DayMoneyPart` for a specialist's: four queries — the stale check, the
days, the specialists, their names) and the ledger (`sale_money.shares`) with a service category
or client category filter (three queries); `tests/test_revenue_properties.py` compares the two."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics import facts, sale_money
from frontdesk.analytics.overview import Revenue as OverviewRevenue
from frontdesk.analytics.reports import base, periods
from frontdesk.analytics.reports.revenue import MEANS_NOTE, finance_links, from_facts
from frontdesk.analytics.sale_money import ZERO
from frontdesk.core.money import to_money


def average(revenue: Decimal, checks: int) -> Decimal | None:
    """Revenue ÷ checks, as the overview computes it (`overview.Revenue`)."""
    return OverviewRevenue.of(revenue, checks).average_check


@base.register
class AverageCheck(base.Report):
    key = "average-check"
    title = _("Average check")
    description = _("Revenue divided by the number of checks, by period and per specialist.")
    group = "money"
    order = 20
    filters = frozenset({base.SPECIALIST, base.CATEGORY, base.CLIENT_CATEGORY})

    def build(self, filters: base.Filters) -> base.Result:
        days, specialists = fact_figures(filters) if from_facts(filters) else ledger_figures(filters)
        return average_result(filters, days, specialists)


def fact_figures(filters: base.Filters) -> tuple[dict, dict]:
    """({local date: (revenue, checks)}, {specialist id: (revenue, checks)}) from the daily money
    facts. Three queries."""
    own = Q(specialist_id=filters.specialist.pk) if filters.specialist is not None else Q(specialist__isnull=False)
    # Either reading refreshes the stale days first; the second one reads what it left.
    if filters.specialist is not None:
        rows = facts.parts(filters.companies, filters.period, ("date",), own)
        days = {row["date"]: (row["taken"] + row["refunded"], row["checks"]) for row in rows}
    else:
        rows = facts.per_day(filters.companies, filters.period, by=("date",), model=facts.DayMoney)
        days = {row["date"]: (to_money(row["revenue"]), row["checks"]) for row in rows}
    rows = facts.parts(filters.companies, filters.period, ("specialist_id",), own, refreshed=True)
    return days, {row["specialist_id"]: (row["taken"] + row["refunded"], row["checks"]) for row in rows}


def ledger_figures(filters: base.Filters) -> tuple[dict, dict]:
    """The same figures from the ledger's shares (`sale_money.shares`). Two queries."""
    shares = sale_money.shares(filters)
    days = sale_money.by(shares, lambda share: share.day)
    specialists = sale_money.by([s for s in shares if s.specialist_id is not None], lambda s: s.specialist_id)
    return (
        {day: (sale_money.total(items), sale_money.first_checks(items)) for day, items in days.items()},
        {pk: (sale_money.total(items), sale_money.first_checks(items)) for pk, items in specialists.items()},
    )


def average_result(filters: base.Filters, days: dict, specialists: dict) -> base.Result:
    """The report from the figures of either path. One query (the specialists' names)."""
    grain, buckets, labels = periods.axis(filters.period)
    in_bucket: dict = {}
    for day, (revenue, checks) in days.items():
        was = in_bucket.get(periods.bucket(day, grain), (ZERO, 0))
        in_bucket[periods.bucket(day, grain)] = (was[0] + revenue, was[1] + checks)
    rows, values = [], []
    for bucket, label in zip(buckets, labels, strict=True):
        revenue, checks = in_bucket.get(bucket, (ZERO, 0))
        rows.append([label, checks, revenue, average(revenue, checks)])
        values.append(average(revenue, checks))
    revenue = sum((figures[0] for figures in days.values()), ZERO)
    checks = sum(figures[1] for figures in days.values())
    columns = [
        base.Column("period", _("Period")),
        base.Column("checks", _("Checks"), base.COUNT),
        base.Column("revenue", _("Revenue"), base.MONEY),
        base.Column("average", _("Average check"), base.MONEY),
    ]
    by_period = base.Table(
        columns, rows, totals=[_("Total"), checks, revenue, average(revenue, checks)], title=_("By period")
    )
    return base.Result(
        tables=[by_period, _specialists_table(filters, specialists)],
        chart=base.Chart(base.Chart.LINE, labels, [base.Series(_("Average check"), values)], kind_of_values=base.MONEY),
        notes=[
            _(
                "A check is a sale, counted on the day of its first payment; "
                "a refund of an earlier sale lowers the revenue."
            ),
            MEANS_NOTE,
        ],
        links=finance_links(filters),
    )


def _specialists_table(filters: base.Filters, specialists: dict) -> base.Table:
    """Per specialist who did the lines (goods, certificates and abonements have none), by
    revenue, largest first. One query for the names."""
    names = base.specialist_names(specialists, filters.chain)
    figures = [(names.get(pk, "—"), checks, revenue, pk) for pk, (revenue, checks) in specialists.items()]
    figures.sort(key=lambda f: (-f[2], str(f[0])))
    return base.Table(
        [
            base.Column("specialist", _("Specialist"), base.TEXT),
            base.Column("checks", _("Checks"), base.COUNT),
            base.Column("revenue", _("Revenue"), base.MONEY),
            base.Column("average", _("Average check"), base.MONEY),
        ],
        [[name, checks, revenue, average(revenue, checks)] for name, checks, revenue, _pk in figures],
        title=_("By specialist"),
        keys=[pk for *_rest, pk in figures],
    )
