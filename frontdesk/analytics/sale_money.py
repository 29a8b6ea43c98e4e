"""The money of sales split over what was sold, read from the ledger row by row, for the money
reports whose filters the daily money facts cannot answer (a service category, a client category)
and for LTV and promotions, which need the client and the sale.

Money is what the overview's revenue counts: `finance.Transaction` rows with a sale — payments
positive, refunds negative — on the **local date the money moved** in its branch's zone.
Bonuses, certificates and abonements spent at a checkout (`MeansPayment`) are not money and are
not here: the money came in when the certificate or abonement was sold.

The split over the lines is `money_split` — the same code the daily money facts
(`facts.compute`) use, so a report read here and one read from the facts give the same figures.

`shares(filters)` runs two queries whatever the number of rows and branches.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q

from frontdesk.analytics import money_split
from frontdesk.analytics.overview import _in_period, _local_bounds, _zones
from frontdesk.analytics.reports.base import Filters
from frontdesk.finance.models import Transaction
from frontdesk.scheduling.models import Record, RecordStatus

ZERO = Decimal("0.00")


@dataclass(slots=True)  # many thousands a year: slots, no frozen-init cost
class Share:
    """The part of one money row that falls on one line of its sale."""

    day: datetime.date  # the local date the money moved
    company_id: int
    sale_id: int
    client_id: int | None
    method: str  # finance PaymentMethod
    kind: str | None  # finance LineKind; None for a sale with no lines
    specialist_id: int | None  # the line's record's specialist (None for goods, certificates, abonements)
    amount: Decimal
    payment: bool  # the money row took money in (a refund gives it back)
    first: bool  # the money row is the sale's first payment: its check is on this row's date


def sales_in_period(filters: Filters):
    """The ids of sales with a money row on the period's local dates in the branches read, as a
    subquery (never a list of ids: a year of a network is more than a query may carry)."""
    return Transaction.objects.filter(
        _in_period(filters.companies, filters.period, "occurred_at"), sale__isnull=False
    ).values("sale_id")


def paying_clients(filters: Filters):
    """The ids of clients of those sales, as a subquery."""
    return Transaction.objects.filter(
        _in_period(filters.companies, filters.period, "occurred_at"), sale__client__isnull=False
    ).values("sale__client_id")


def _line_matches(filters: Filters, specialist_id, category) -> bool:
    wrong_specialist = filters.specialist is not None and specialist_id != filters.specialist.pk
    wrong_category = filters.category is not None and category != filters.category.title
    return not (wrong_specialist or wrong_category)


def shares(filters: Filters) -> list[Share]:
    """Every money row of the period split over its sale's lines (see the module's docstring).
    With a specialist or a service category chosen, only the parts on matching lines are kept
    (a sale's money is still split over all its lines first, so a specialist gets the share of
    their own services); with a client category, only sales of clients in it.

    Two queries, whatever the number of rows and time zones: every money row of the sales with
    money in the period (the earlier and later rows of those sales too — a row's split depends
    on what the sale was paid before it), and their lines. Local dates are read in Python from
    each branch's zone."""
    line_filter = filters.specialist is not None or filters.category is not None
    zones = {company.pk: ZoneInfo(company.timezone) for company in filters.companies}
    sales = sales_in_period(filters)
    only = Q()
    if filters.client_category is not None:
        only = Q(sale__client__categories=filters.client_category.pk)
    rows = money_split.rows_of_sales(sales, only)
    lines = money_split.lines_of_sales(sales)
    out = []
    for row, before, first in money_split.walk(rows):
        zone = zones.get(row.company_id)
        if zone is None:
            continue
        day = row.moment.astimezone(zone).date()
        if not filters.period.first <= day <= filters.period.last:
            continue
        common = {
            "day": day,
            "company_id": row.company_id,
            "sale_id": row.sale_id,
            "client_id": row.client_id,
            "method": row.method,
            "payment": row.amount > 0,
            "first": first,
        }
        for line, part in money_split.parts(row, before, lines.get(row.sale_id, [])):
            if line is None:
                if not line_filter:
                    out.append(Share(kind=None, specialist_id=None, amount=part, **common))
                continue
            if line_filter and not _line_matches(filters, line.specialist_id, line.category):
                continue
            out.append(Share(kind=line.kind, specialist_id=line.specialist_id, amount=part, **common))
    return out


def total(items) -> Decimal:
    return sum((share.amount for share in items), ZERO)


def checks(items) -> int:
    """Sales that took money among these shares (a refund alone is no check), as the overview
    counts them."""
    return len({share.sale_id for share in items if share.payment})


def first_checks(items) -> int:
    """Sales whose first payment is among these shares: the overview's checks and the facts'
    (`DayMoney.checks`, `DayMoneyPart.checks`) — a sale paid on two days is one check, on the
    first; a debt paid later is no second check."""
    return len({share.sale_id for share in items if share.first})


def by(items, key) -> dict:
    """{key(share): [shares]}."""
    grouped: dict = defaultdict(list)
    for share in items:
        grouped[key(share)].append(share)
    return grouped


def by_client(items) -> dict:
    """{client id: [shares]} of the sales to a client; a counter sale to nobody is left out."""
    return by([share for share in items if share.client_id is not None], lambda share: share.client_id)


def new_clients_query(filters: Filters):
    """Clients new in the period as the overview counts them: a completed record in the branches
    read on the period's local dates, and their first visit in the network (`ClientStats`) on or
    after the period's first local date. A subquery of client ids."""
    condition = Q(pk__in=[])
    for zone, ids in _zones(filters.companies).items():
        start, end = _local_bounds(filters.period.first, filters.period.last, zone)
        condition |= Q(company_id__in=ids, start__gte=start, start__lt=end, client__stats__first_visit__gte=start)
    return Record.objects.filter(condition, status=RecordStatus.COMPLETED, client__isnull=False).values("client_id")


def new_clients(filters: Filters) -> set[int]:
    """The same as a set. One query."""
    return set(new_clients_query(filters).values_list("client_id", flat=True).distinct().order_by())
