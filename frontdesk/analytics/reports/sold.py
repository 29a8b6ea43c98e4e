"""The money of the services sold, for the staff and services reports: a service sale line's price
less its share of the sale's discount (the discount is spread over the lines in proportion to
their prices, as a receipt spreads it), dated by the start of the record the line was sold for in
its branch's zone (the visit's day, as YCLIENTS' staff and services reports date it). A sale
refunded in full counts nothing; one not paid yet counts — it is owed for a service done.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from frontdesk.analytics.overview import Period, _in_period
from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import LineKind, SaleLine, SaleStatus

RECORD = "record_service__record__"


@dataclass
class Sold:
    money: Decimal = Decimal("0.00")
    sales: set = field(default_factory=set)  # sale ids, for the average check

    @property
    def checks(self) -> int:
        return len(self.sales)


def service_lines(companies, period: Period, *, specialist=None, category_title=None):
    lines = SaleLine.objects.filter(
        _in_period(companies, period, "start", prefix=RECORD), kind=LineKind.SERVICE
    ).exclude(sale__status=SaleStatus.REFUNDED)
    if specialist is not None:
        lines = lines.filter(**{f"{RECORD}specialist_id": specialist.pk})
    if category_title is not None:
        lines = lines.filter(service__category__title=category_title)
    return lines


def sold_by(companies, period: Period, *fields, specialist=None, category_title=None) -> dict[tuple, Sold]:
    """{(field values…): Sold} of the service lines grouped by `fields` (paths from SaleLine).
    One query: the lines are summed per group and sale in the database, the discount share is
    taken per sale here."""
    rows = (
        service_lines(companies, period, specialist=specialist, category_title=category_title)
        .values(*fields, "sale_id", "sale__total", "sale__subtotal")
        .annotate(price=MoneySum("price"))
        .order_by()
    )
    out: dict[tuple, Sold] = defaultdict(Sold)
    for row in rows:
        key = tuple(row[f] for f in fields)
        subtotal = row["sale__subtotal"]
        price = row["price"] or Decimal(0)
        money = price * row["sale__total"] / subtotal if subtotal else Decimal(0)
        sold = out[key]
        sold.money = to_money(sold.money + money)
        sold.sales.add(row["sale_id"])
    return out
