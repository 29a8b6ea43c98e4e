"""Revenue: the money taken for sales, net of refunds, by the local date it moved, split by what
was sold (services, goods, certificates, abonements) and by payment method. What is counted and
how a sale's money is split over its lines: `frontdesk/analytics/sale_money.py`."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.analytics import sale_money
from frontdesk.analytics.reports import periods
from frontdesk.analytics.reports.base import (
    CATEGORY,
    CLIENT_CATEGORY,
    MONEY,
    SHARE,
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
)
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


def finance_links(filters: Filters) -> list[tuple]:
    """The finance reports over the same dates and branches."""
    company = filters.companies[0].pk
    suffix = "?" + filters.page_query()
    return [
        (_("Payments by method"), reverse("finance:report_methods", args=[company]) + suffix),
        (_("Income and expense by payment item"), reverse("finance:report_items", args=[company]) + suffix),
    ]


@register
class Revenue(Report):
    key = "revenue"
    title = _("Revenue")
    description = _("Money for sales, net of refunds: services, goods, certificates and abonements, by payment method.")
    group = "money"
    order = 10
    filters = frozenset({SPECIALIST, CATEGORY, CLIENT_CATEGORY})

    def build(self, filters: Filters) -> Result:
        grain, days, labels = periods.axis(filters.period)
        shares = sale_money.shares(filters)
        kinds = list(LineKind.values)
        if any(share.kind is None for share in shares):
            kinds.append(None)
        cells: dict = {}
        for share in shares:
            key = (periods.bucket(share.day, grain), share.kind)
            cells[key] = cells.get(key, ZERO) + share.amount
        by_kind = {kind: [cells.get((day, kind), ZERO) for day in days] for kind in kinds}

        columns = [
            Column("period", _("Period")),
            *[Column(kind or "other", KIND_LABELS[kind], MONEY) for kind in kinds],
            Column("total", _("Revenue"), MONEY),
        ]
        rows = [
            [label, *[by_kind[kind][n] for kind in kinds], sum((by_kind[kind][n] for kind in kinds), ZERO)]
            for n, label in enumerate(labels)
        ]
        kind_totals = [sum(by_kind[kind], ZERO) for kind in kinds]
        revenue = sum(kind_totals, ZERO)
        by_period = Table(columns, rows, totals=[_("Total"), *kind_totals, revenue], title=_("By period"))
        return Result(
            tables=[by_period, _methods_table(shares, revenue)],
            chart=Chart(
                Chart.BAR,
                labels,
                [Series(KIND_LABELS[kind], by_kind[kind], stack="kind") for kind in kinds],
                kind_of_values=MONEY,
            ),
            notes=[MEANS_NOTE, SPLIT_NOTE],
            links=finance_links(filters),
        )


def _methods_table(shares, revenue) -> Table:
    """Per payment method: money taken, given back, net and its share of the revenue."""
    taken = dict.fromkeys(PaymentMethod.values, ZERO)
    given_back = dict.fromkeys(PaymentMethod.values, ZERO)
    for share in shares:
        if share.payment:
            taken[share.method] += share.amount
        else:
            given_back[share.method] += share.amount
    rows, keys = [], []
    for method in PaymentMethod:
        if not taken[method] and not given_back[method]:
            continue
        net = taken[method] + given_back[method]
        rows.append([method.label, taken[method], given_back[method], net, net / revenue if revenue else None])
        keys.append(method.value)
    return Table(
        [
            Column("method", _("Payment method"), TEXT),
            Column("taken", pgettext_lazy("money column", "Paid"), MONEY),
            Column("refunded", pgettext_lazy("money column", "Refunded"), MONEY),
            Column("net", _("Revenue"), MONEY),
            Column("share", _("Share"), SHARE),
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
