"""The money of sales split over what was sold, for the money reports (revenue, average check,
LTV, promotions).

Money is what the overview's revenue counts: `finance.Transaction` rows with a sale — payments
positive, refunds negative — on the **local date the money moved** in its branch's zone.
Bonuses, certificates and abonements spent at a checkout (`MeansPayment`) are not money and are
not here: the money came in when the certificate or abonement was sold.

A sale holds lines of several kinds (services, goods, certificates, abonements) and is paid in
parts, so its money is split over its lines **in proportion to the lines' prices**, kopeck-exact,
the rounding remainder on the largest line — the rule the fiscal receipt uses
(`payments.receipts.allocate`). A money row takes the split of the sale's money after it minus
the split before it (rows in time order), so the parts of a row add up to the row, the kinds add
up to the revenue, and a sale paid in parts (2,000 by card, 1,000 in cash for a 2,000 haircut and
a 1,000 shampoo) ends exactly 2,000 services and 1,000 goods, not a kopeck off. A sale with no
lines (checkout writes none, but rows may be imported) keeps its money whole, with no kind.

`shares(filters)` runs two queries whatever the number of rows and branches.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q

from frontdesk.analytics.overview import _in_period, _local_bounds, _zones
from frontdesk.analytics.reports.base import Filters
from frontdesk.finance.models import SaleLine, Transaction
from frontdesk.payments.receipts import allocate
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


def _lines_of_sales(sales) -> dict[int, list[tuple]]:
    """{sale id: [(kind, price, specialist id, category title)]} in the lines' order. One query."""
    lines: dict[int, list[tuple]] = defaultdict(list)
    for sale_id, kind, price, specialist_id, category in (
        SaleLine.objects.filter(sale_id__in=sales)
        .order_by("sale_id", "position", "id")
        .values_list("sale_id", "kind", "price", "record_service__record__specialist_id", "service__category__title")
    ):
        lines[sale_id].append((kind, price, specialist_id, category))
    return lines


def _line_matches(filters: Filters, specialist_id, category) -> bool:
    wrong_specialist = filters.specialist is not None and specialist_id != filters.specialist.pk
    wrong_category = filters.category is not None and category != filters.category.title
    return not (wrong_specialist or wrong_category)


def split_row(before: Decimal, amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """The parts of one money row over the lines: the split of the sale's money after the row
    minus the split before it. The parts add up to the row, and the rows of a sale add up to the
    split of its whole money — a sale paid in parts ends split exactly as if paid at once."""
    if len(weights) == 1:
        return [amount]
    if not before:  # the sale's first money (most sales have one row): nothing to subtract
        return allocate(amount, weights)
    return [
        after - earlier
        for after, earlier in zip(allocate(before + amount, weights), allocate(before, weights), strict=True)
    ]


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
    rows = Transaction.objects.filter(sale_id__in=sales)
    if filters.client_category is not None:
        rows = rows.filter(sale__client__categories=filters.client_category.pk)
    rows = rows.order_by("sale_id", "occurred_at", "id").values_list(
        "sale_id", "amount", "method", "company_id", "sale__client_id", "occurred_at"
    )
    lines = _lines_of_sales(sales)
    out = []
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)  # the sale's money before the row
    for sale_id, amount, method, company_id, client_id, moment in rows:
        before = paid[sale_id]
        paid[sale_id] = before + amount
        zone = zones.get(company_id)
        if zone is None:
            continue
        day = moment.astimezone(zone).date()
        if not filters.period.first <= day <= filters.period.last:
            continue
        sale_lines = lines.get(sale_id, [])
        common = {"day": day, "company_id": company_id, "sale_id": sale_id, "client_id": client_id, "method": method}
        if not sale_lines:
            if not line_filter:
                out.append(Share(kind=None, specialist_id=None, amount=amount, payment=amount > 0, **common))
            continue
        parts = split_row(before, amount, [price for _kind, price, _spec, _cat in sale_lines])
        for (kind, _price, specialist_id, category), part in zip(sale_lines, parts, strict=True):
            if line_filter and not _line_matches(filters, specialist_id, category):
                continue
            out.append(Share(kind=kind, specialist_id=specialist_id, amount=part, payment=amount > 0, **common))
    return out


def total(items) -> Decimal:
    return sum((share.amount for share in items), ZERO)


def checks(items) -> int:
    """Sales that took money among these shares (a refund alone is no check), as the overview
    counts them."""
    return len({share.sale_id for share in items if share.payment})


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
