"""A specialist's own figures for their «Overview»: only their records and their sale lines, never
another specialist's or the branch's totals — every query here is filtered by the specialist on
the server, whoever asks.

Their revenue is what their services sold for: the price of each service line of a sale that
points to one of their records (`SaleLine.record_service`), less the line's share of the sale's
discount (price × total ÷ subtotal, rounded to kopecks per line), by the local date their record
started. Sales that took money count (paid, partly paid); unpaid ones (a debt) and refunded ones
do not. Goods they sold are not lines of their records and are not in it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from frontdesk.analytics.overview import Period, _in_period
from frontdesk.core.money import to_money
from frontdesk.finance.models import LineKind, SaleLine, SaleStatus
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.staff.models import Specialist

ZERO = Decimal("0.00")
COUNTED_SALES = (SaleStatus.PAID, SaleStatus.PARTLY_PAID)


def specialist_of(request) -> Specialist | None:
    """The specialist whose login is the member's, in this network and this branch. One query."""
    return (
        Specialist.objects.filter(chain=request.chain, user=request.user, companies=request.company, is_dismissed=False)
        .order_by("pk")
        .first()
    )


def line_share(price: Decimal, subtotal: Decimal, total: Decimal) -> Decimal:
    """A line's part of what the sale charged: its price less its share of the discount."""
    if not subtotal:
        return ZERO
    return to_money(price * total / subtotal)


def revenue_by_day(company, specialist_id: int, period: Period) -> dict[datetime.date, Decimal]:
    """{local date: the specialist's revenue} for the days of `period` that have any. One query."""
    lines = SaleLine.objects.filter(
        _in_period([company], period, "start", prefix="record_service__record__"),
        record_service__record__specialist_id=specialist_id,
        kind=LineKind.SERVICE,
        sale__status__in=COUNTED_SALES,
    ).values_list("record_service__record__start", "price", "sale__subtotal", "sale__total")
    days: dict[datetime.date, Decimal] = {}
    for start, price, subtotal, total in lines:
        day = start.astimezone(company.tz).date()
        days[day] = days.get(day, ZERO) + line_share(price, subtotal, total)
    return days


def total(days: dict[datetime.date, Decimal], period: Period) -> Decimal:
    return sum((value for day, value in days.items() if period.first <= day <= period.last), ZERO)


@dataclass
class NextClient:
    start: datetime.time  # the branch's wall-clock time
    client: str
    services: list[str]


def next_client(company, specialist_id: int, now: datetime.datetime) -> NextClient | None:
    """The specialist's next record still to come today (the branch's today). Two queries, one
    when there is none."""
    day_end = datetime.datetime.combine(
        now.astimezone(company.tz).date() + datetime.timedelta(days=1), datetime.time.min, tzinfo=company.tz
    )
    record = (
        Record.objects.filter(
            company=company,
            specialist_id=specialist_id,
            status__in=RecordStatus.UPCOMING,
            start__gt=now,
            start__lt=day_end,
        )
        .select_related("client")
        .order_by("start", "pk")
        .first()
    )
    if record is None:
        return None
    services = list(record.lines.order_by("start", "pk").values_list("service__title", flat=True))
    return NextClient(
        start=record.start.astimezone(company.tz).time(),
        client=record.client.name if record.client else "",
        services=services,
    )
