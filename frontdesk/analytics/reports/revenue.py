"""Revenue: the money taken for sales, net of refunds, by the local date it moved, split by what
was sold (services, goods, certificates, abonements) and by payment method. What is counted and
how a sale's money is split over its lines: `frontdesk/analytics/money_split.py`.

Two paths, the same figures (`tests/test_revenue_properties.py` compares them table for table):
- **the daily money facts** (`facts.parts`, `DayMoneyPart`) with no filter or a specialist
  filter — two queries (the stale check and the parts grouped by date × kind × method), a year is
  a few thousand rows whatever the number of sales;
- **the ledger** (`sale_money.shares`, every money row of the period split in Python) with a
  service category or client category filter, which the facts do not carry — two queries, linear
  in the money rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.analytics import facts, sale_money
from frontdesk.analytics.reports import base, periods
from frontdesk.analytics.sale_money import ZERO
from frontdesk.finance.models import LineKind, PaymentMethod

KIND_LABELS = {
    LineKind.SERVICE: _("Services"),
    LineKind.GOODS: _("Goods"),
    LineKind.CERTIFICATE: _("Certificates"),
    LineKind.ABONEMENT: _("Abonements"),
    None: _("Sales without lines"),
}

MEANS_NOTE = _(
    "Bonuses, certificates and abonements spent at a checkout are not money and are not counted: "
    "the money came in when the certificate or abonement was sold."
)
SPLIT_NOTE = _(
    "A sale's money is split over its lines in proportion to their prices, as on the fiscal receipt; "
    "a refund counts as negative on the day it was made."
)


def finance_links(filters: base.Filters) -> list[tuple]:
    """The finance reports over the same dates and branches."""
    company = filters.companies[0].pk
    suffix = "?" + filters.page_query()
    return [
        (_("Payments by method"), reverse("finance:report_methods", args=[company]) + suffix),
        (_("Income and expense by payment item"), reverse("finance:report_items", args=[company]) + suffix),
    ]


@base.register
class Revenue(base.Report):
    key = "revenue"
    title = _("Revenue")
    description = _("Money for sales, net of refunds: services, goods, certificates and abonements, by payment method.")
    group = "money"
    order = 10
    filters = frozenset({base.SPECIALIST, base.CATEGORY, base.CLIENT_CATEGORY})

    def build(self, filters: base.Filters) -> base.Result:
        cells = money_cells(filters) if from_facts(filters) else ledger_cells(filters)
        return revenue_result(filters, cells)


def from_facts(filters: base.Filters) -> bool:
    """Whether the daily money facts answer these filters: they carry the specialist of each
    line, not its service category nor the sale's client."""
    return filters.category is None and filters.client_category is None


def money_cells(filters: base.Filters) -> list[tuple]:
    """[(local date, kind or None, method, taken, refunded)] from the daily money facts. Two
    queries."""
    condition = Q(specialist_id=filters.specialist.pk) if filters.specialist is not None else None
    return [
        (row["date"], row["kind"] or None, row["method"], row["taken"], row["refunded"])
        for row in facts.parts(filters.companies, filters.period, ("date", "kind", "method"), condition)
    ]


def ledger_cells(filters: base.Filters) -> list[tuple]:
    """The same cells summed from the ledger's shares (`sale_money.shares`). Two queries."""
    cells: dict[tuple, list] = {}
    for share in sale_money.shares(filters):
        cell = cells.setdefault((share.day, share.kind, share.method), [ZERO, ZERO])
        cell[0 if share.payment else 1] += share.amount
    return [(*key, taken, refunded) for key, (taken, refunded) in cells.items()]


def revenue_result(filters: base.Filters, cells: list[tuple]) -> base.Result:
    """The report from its cells, whichever path read them."""
    grain, days, labels = periods.axis(filters.period)
    kinds = list(LineKind.values)
    if any(kind is None for _day, kind, *_rest in cells):
        kinds.append(None)
    sums: dict = {}
    for day, kind, _method, taken, refunded in cells:
        key = (periods.bucket(day, grain), kind)
        sums[key] = sums.get(key, ZERO) + taken + refunded
    by_kind = {kind: [sums.get((day, kind), ZERO) for day in days] for kind in kinds}

    columns = [
        base.Column("period", _("Period")),
        *[base.Column(kind or "other", KIND_LABELS[kind], base.MONEY) for kind in kinds],
        base.Column("total", _("Revenue"), base.MONEY),
    ]
    rows = [
        [label, *[by_kind[kind][n] for kind in kinds], sum((by_kind[kind][n] for kind in kinds), ZERO)]
        for n, label in enumerate(labels)
    ]
    kind_totals = [sum(by_kind[kind], ZERO) for kind in kinds]
    revenue = sum(kind_totals, ZERO)
    by_period = base.Table(columns, rows, totals=[_("Total"), *kind_totals, revenue], title=_("By period"))
    return base.Result(
        tables=[by_period, _methods_table(cells, revenue)],
        chart=base.Chart(
            base.Chart.BAR,
            labels,
            [base.Series(KIND_LABELS[kind], by_kind[kind], stack="kind") for kind in kinds],
            kind_of_values=base.MONEY,
        ),
        notes=[MEANS_NOTE, SPLIT_NOTE],
        links=finance_links(filters),
    )


def _methods_table(cells, revenue) -> base.Table:
    """Per payment method: money taken, given back, net and its share of the revenue."""
    taken = dict.fromkeys(PaymentMethod.values, ZERO)
    given_back = dict.fromkeys(PaymentMethod.values, ZERO)
    for _day, _kind, method, paid, refunded in cells:
        taken[method] += paid
        given_back[method] += refunded
    rows, keys = [], []
    for method in PaymentMethod:
        if not taken[method] and not given_back[method]:
            continue
        net = taken[method] + given_back[method]
        rows.append([method.label, taken[method], given_back[method], net, net / revenue if revenue else None])
        keys.append(method.value)
    return base.Table(
        [
            base.Column("method", _("Payment method"), base.TEXT),
            base.Column("taken", pgettext_lazy("money column", "Paid"), base.MONEY),
            base.Column("refunded", pgettext_lazy("money column", "Refunded"), base.MONEY),
            base.Column("net", _("Revenue"), base.MONEY),
            base.Column("share", _("Share"), base.SHARE),
        ],
        rows,
        totals=[
            _("Total"),
            sum(taken.values(), ZERO),
            sum(given_back.values(), ZERO),
            revenue,
            Decimal(1) if revenue else None,
        ],
        title=_("By payment method"),
        keys=keys,
    )
