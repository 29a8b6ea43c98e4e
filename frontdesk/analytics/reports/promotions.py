"""Promotions: which promotion brought whom and how much money.

- **Promotions and discounts** — sales with money in the period by the loyalty rule their discount
  came from (`Sale.discount_source`, written at checkout: a programme's discount, the newcomer's
  or the recommender's referral discount, a discount typed by hand, or none): checks, the discount
  given, the money (`frontdesk/analytics/sale_money.py`) and the new clients among their clients.
- **Recommendations** — per client who recommended (loyalty `Referral`): the newcomers they
  brought who were recommended in the period, how many of their newcomers came for the first time
  in the period, and the newcomers' money in the period.
- **How clients found the salon** — per `Client.source` (the advertising channel): new clients of
  the period and their money, and every paying client and their money.

"New client" is the overview's: a completed visit in the branches read in the period, the first
in the network. Seven queries whatever the data (the client sets are subqueries, never lists).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics import sale_money
from frontdesk.analytics.overview import _local_bounds
from frontdesk.analytics.reports import base
from frontdesk.analytics.reports.revenue import MEANS_NOTE
from frontdesk.analytics.sale_money import ZERO
from frontdesk.clients.models import Client, ClientSource
from frontdesk.finance.models import Sale
from frontdesk.loyalty.models import Programme, Referral

PROGRAMME, NEWCOMER, REFERRER = "loyalty:", "loyalty:referral", "loyalty:referrer:"
TOP = 50


def _promotion(source: str, discount: Decimal) -> str:
    """The key a sale is counted under."""
    if source.startswith(REFERRER):
        return "referrer"
    if source == NEWCOMER:
        return "newcomer"
    if source.startswith(PROGRAMME):
        return source
    return "by_hand" if discount > 0 else "none"


@base.register
class Promotions(base.Report):
    key = "promotions"
    title = _("Promotions")
    description = _("Revenue and new clients per promotion, per recommendation and per advertising channel.")
    group = "money"
    order = 40

    def build(self, filters: base.Filters) -> base.Result:
        shares = sale_money.shares(filters)
        new = sale_money.new_clients(filters)
        sources = _by_source(filters, shares, new)
        return base.Result(
            tables=[_promotions(filters, shares, new), _recommendations(filters, shares, new), sources],
            chart=base.Chart(
                base.Chart.BAR,
                [row[0] for row in sources.rows],
                [base.Series(_("New clients"), [row[1] for row in sources.rows])],
                kind_of_values=base.COUNT,
            ),
            notes=[
                _(
                    "A new client came to these branches in the period for the first time in the network; their "
                    "revenue is the money they paid in the period."
                ),
                MEANS_NOTE,
            ],
        )


def _promotions(filters: base.Filters, shares, new: set[int]) -> base.Table:
    sales = {
        pk: (source, discount)
        for pk, source, discount in Sale.objects.filter(pk__in=sale_money.sales_in_period(filters), chain=filters.chain)
        .values_list("pk", "discount_source", "discount")
        .order_by()
    }
    per_promotion = sale_money.by(shares, lambda s: _promotion(*sales.get(s.sale_id, ("", ZERO))))
    programme_ids = [
        int(key[len(PROGRAMME) :])
        for key in per_promotion
        if key.startswith(PROGRAMME) and key[len(PROGRAMME) :].isdigit()
    ]
    titles = dict(Programme.objects.filter(pk__in=programme_ids, chain=filters.chain).values_list("pk", "title"))
    labels = {
        "referrer": _("Referral: discount to the client who recommended"),
        "newcomer": _("Referral: discount to the newcomer"),
        "by_hand": _("Discount given by hand"),
        "none": _("No discount"),
    }
    rows, keys = [], []
    for key, items in per_promotion.items():
        if key in labels:
            label = labels[key]
        else:
            suffix = key[len(PROGRAMME) :]
            label = titles.get(int(suffix), _("A deleted programme")) if suffix.isdigit() else key
        sale_ids = {s.sale_id for s in items}
        discount = sum((sales[pk][1] for pk in sale_ids if pk in sales), ZERO)
        clients = {s.client_id for s in items if s.client_id is not None}
        rows.append([label, sale_money.checks(items), discount, sale_money.total(items), len(clients & new)])
        keys.append(key)
    order = sorted(range(len(rows)), key=lambda n: (keys[n] == "none", -rows[n][3], str(rows[n][0])))
    return base.Table(
        [
            base.Column("promotion", _("Promotion"), base.TEXT),
            base.Column("checks", _("Checks"), base.COUNT),
            base.Column("discount", _("Discount given"), base.MONEY),
            base.Column("revenue", _("Revenue"), base.MONEY),
            base.Column("new", _("New clients"), base.COUNT),
        ],
        [rows[n] for n in order],
        totals=[
            _("Total"),
            sale_money.checks(shares),
            sum((row[2] for row in rows), ZERO),
            sale_money.total(shares),
            len({s.client_id for s in shares} & new),
        ],
        title=_("Promotions and discounts"),
        keys=[keys[n] for n in order],
    )


def _recommendations(filters: base.Filters, shares, new: set[int]) -> base.Table:
    """Referrals are network-wide; those counted are the ones made in the period or whose
    newcomer paid or came in these branches in it. One query."""
    money = sale_money.by_client(shares)
    # A referral has no branch: it is dated in the zone of the first branch read.
    start, end = _local_bounds(filters.period.first, filters.period.last, filters.companies[0].timezone)
    made = Q(created_at__gte=start, created_at__lt=end)
    involved = Q(newcomer_id__in=sale_money.paying_clients(filters)) | Q(
        newcomer_id__in=sale_money.new_clients_query(filters)
    )
    per_referrer: dict = {}
    for created_at, newcomer, referrer, name in (
        Referral.objects.filter(made | involved, chain=filters.chain)
        .values_list("created_at", "newcomer_id", "referrer_card__client_id", "referrer_card__client__name")
        .order_by()
    ):
        row = per_referrer.setdefault(referrer, [name, 0, 0, ZERO])
        row[1] += 1 if start <= created_at < end else 0
        row[2] += 1 if newcomer in new else 0
        row[3] += sale_money.total(money.get(newcomer, []))
    ranked = sorted(per_referrer.items(), key=lambda item: (-item[1][3], -item[1][1], str(item[1][0])))
    return base.Table(
        [
            base.Column("referrer", _("Recommended by"), base.TEXT),
            base.Column("referred", _("Newcomers recommended"), base.COUNT),
            base.Column("new", _("Of them came for the first time"), base.COUNT),
            base.Column("revenue", _("Newcomers' revenue"), base.MONEY),
        ],
        [row for _pk, row in ranked[:TOP]],
        totals=[
            _("Total"),
            sum(row[1] for row in per_referrer.values()),
            sum(row[2] for row in per_referrer.values()),
            sum((row[3] for row in per_referrer.values()), ZERO),
        ],
        title=_("Recommendations"),
        keys=[pk for pk, _row in ranked[:TOP]],
    )


def _by_source(filters: base.Filters, shares, new: set[int]) -> base.Table:
    """Per advertising channel (how the client found the salon). One query."""
    money = sale_money.by_client(shares)
    source_of = dict(
        Client.objects.filter(
            Q(pk__in=sale_money.paying_clients(filters)) | Q(pk__in=sale_money.new_clients_query(filters)),
            chain=filters.chain,
        )
        .values_list("pk", "source")
        .order_by()
    )
    figures = {value: [0, ZERO, 0, ZERO] for value in ClientSource.values}
    for client, source in source_of.items():
        row = figures[source if source in figures else ""]  # a channel no longer offered: not known
        revenue = sale_money.total(money.get(client, []))
        if client in new:
            row[0] += 1
            row[1] += revenue
        if sale_money.checks(money.get(client, [])):
            row[2] += 1
        row[3] += revenue
    labels = dict(ClientSource.choices)
    order = [value for value in ClientSource.values if value] + [""]
    rows = [[labels[value], *figures[value]] for value in order if any(figures[value])]
    keys = [value for value in order if any(figures[value])]
    return base.Table(
        [
            base.Column("source", _("How the client found the salon"), base.TEXT),
            base.Column("new", _("New clients"), base.COUNT),
            base.Column("new_revenue", _("Their revenue"), base.MONEY),
            base.Column("clients", _("Clients who paid"), base.COUNT),
            base.Column("revenue", _("Revenue from clients"), base.MONEY),
        ],
        rows,
        totals=[_("Total"), *[sum(row[n] for row in rows) for n in range(1, 5)]],
        title=_("How clients found the salon"),
        keys=keys,
    )
