"""LTV, the seed's formula: the period's revenue from clients minus the advertising spend, divided
by the clients who paid in the period (a year, for the figure the owner compares year to year).

Revenue is the money of `frontdesk/analytics/sale_money.py` on sales with a client (a counter
sale to nobody has no client to divide among). Advertising spend is the expense rows of the
payment item the network chose in the analytics settings (`AnalyticsSettings`; by default the
«Advertising» item every network starts with), in the branches read, net of refunds of such
expenses. A client's own figure is their revenue in the period.

Seven queries whatever the data: the money (2), the settings and the item (2), the spend, the
top clients and their visits."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics import sale_money
from frontdesk.analytics.models import AnalyticsSettings
from frontdesk.analytics.overview import CAME, _in_period
from frontdesk.analytics.reports import base
from frontdesk.analytics.sale_money import ZERO
from frontdesk.clients.models import Client
from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import PaymentItem, Transaction
from frontdesk.scheduling.models import Record

ADVERTISING_CODE = "advertising"
TOP = 50  # clients listed; the totals count them all
CHART_TOP = 10


def advertising_item(chain) -> PaymentItem | None:
    """The item whose expenses are the advertising spend: the network's choice, else its default
    «Advertising» item. One query."""
    chosen = AnalyticsSettings.objects.filter(chain=chain).select_related("advertising_item").first()
    if chosen is not None and chosen.advertising_item is not None:
        return chosen.advertising_item
    return PaymentItem.objects.filter(chain=chain, code=ADVERTISING_CODE).first()


def advertising_spend(filters: base.Filters, item) -> Decimal:
    """Expenses of `item` on the period's local dates in the branches read, as a positive amount
    (a refund of such an expense lowers it). One query."""
    if item is None:
        return ZERO
    total = Transaction.objects.filter(
        _in_period(filters.companies, filters.period, "occurred_at"), item=item, sale__isnull=True
    ).aggregate(s=MoneySum("amount"))["s"]
    return to_money(-(total or ZERO))


def ltv(revenue: Decimal, spend: Decimal, clients: int) -> Decimal | None:
    return to_money((revenue - spend) / clients) if clients else None


@base.register
class Ltv(base.Report):
    key = "ltv"
    title = _("LTV")
    description = _("What a client brings: revenue minus advertising spend, divided by the clients who paid.")
    group = "clients"
    order = 60
    filters = frozenset({base.CLIENT_CATEGORY})

    def build(self, filters: base.Filters) -> base.Result:
        per_client = sale_money.by_client(sale_money.shares(filters))
        paid = {client for client, items in per_client.items() if sale_money.checks(items)}
        revenue = sum((sale_money.total(items) for items in per_client.values()), ZERO)
        item = advertising_item(filters.chain)
        spend = advertising_spend(filters, item)
        summary = base.Table(
            [
                base.Column("clients", _("Clients who paid"), base.COUNT),
                base.Column("revenue", _("Revenue from clients"), base.MONEY),
                base.Column("spend", _("Advertising spend"), base.MONEY),
                base.Column("ltv", _("LTV"), base.MONEY),
            ],
            [[len(paid), revenue, spend, ltv(revenue, spend, len(paid))]],
            title=_("LTV"),
        )
        top = sorted(per_client, key=lambda pk: (-sale_money.total(per_client[pk]), pk))[:TOP]
        clients_table = _top_clients(filters, top, per_client)
        chart_rows = clients_table.rows[:CHART_TOP]
        item_name = str(item) if item is not None else str(_("not chosen"))
        return base.Result(
            tables=[summary, clients_table],
            chart=base.Chart(
                base.Chart.BAR,
                [row[0] for row in chart_rows],
                [base.Series(_("Revenue"), [row[2] for row in chart_rows])],
                kind_of_values=base.MONEY,
                horizontal=True,
            ),
            notes=[
                _(
                    "LTV = (revenue from clients in the period − advertising spend) ÷ clients who paid in the "
                    "period. Choose a year to compare it year to year."
                ),
                _("Advertising spend: the expenses under the payment item «%(item)s» in these branches.")
                % {"item": item_name},
                _("A client's own figure is the money they paid in the period, net of refunds."),
            ],
            links=[(_("Choose the advertising item"), reverse("analytics:settings", args=[filters.companies[0].pk]))],
        )


def _top_clients(filters: base.Filters, top: list[int], per_client: dict) -> base.Table:
    """The clients with the most revenue: their visits in the period (records that came, in the
    branches read) and their first visit in the network. Two queries."""
    clients = {
        client.pk: client for client in Client.objects.filter(pk__in=top, chain=filters.chain).select_related("stats")
    }
    visits = dict(
        Record.objects.filter(
            _in_period(filters.companies, filters.period, "start"), client_id__in=top, status__in=CAME
        )
        .values("client_id")
        .annotate(n=Count("visit_id", distinct=True))
        .values_list("client_id", "n")
        .order_by()
    )
    rows = []
    zone = filters.companies[0].tz
    for pk in top:
        client = clients.get(pk)
        stats = getattr(client, "stats", None) if client else None
        first = stats.first_visit if stats and stats.first_visit else None
        rows.append(
            [
                client.name if client else "—",
                visits.get(pk, 0),
                sale_money.total(per_client[pk]),
                date_format(first.astimezone(zone).date(), "SHORT_DATE_FORMAT") if first else None,
            ]
        )
    return base.Table(
        [
            base.Column("client", _("Client"), base.TEXT),
            base.Column("visits", _("Visits"), base.COUNT),
            base.Column("revenue", _("Revenue"), base.MONEY),
            base.Column("first_visit", _("First visit"), base.TEXT),
        ],
        rows,
        title=_("Clients with the most revenue"),
        keys=top,
    )
