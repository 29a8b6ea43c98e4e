"""Builders for the money reports' tests: a sale with lines of any kind and its money rows at any
moment, written as the ledger holds them (checkout stamps 'now'; history needs any day)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse

from frontdesk.analytics import listeners
from frontdesk.analytics.overview import Period
from frontdesk.analytics.tests.test_overview import _book
from frontdesk.finance.models import Account, AccountKind, LineKind, PaymentItem, Sale, SaleLine, Transaction
from frontdesk.scheduling.models import RecordService, RecordStatus

DAY = datetime.date(2026, 11, 10)
NOVEMBER = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def report_url(company, key, **params):
    """A report's page for November, with more query parameters."""
    query = {"first": NOVEMBER.first.isoformat(), "last": NOVEMBER.last.isoformat(), **params}
    return reverse("analytics:report", args=[company.pk, key]) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def desk(company):
    return Account.objects.get_or_create(
        company=company, chain=company.chain, title="Касса", defaults={"kind": AccountKind.CASH, "allow_negative": True}
    )[0]


def local(company, date: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=ZoneInfo(company.timezone))


def make_sale(company, lines, client=None, specialist=None, service=None, when=None):
    """A sale of `lines` [(kind, price)]; service lines are done by `specialist` in a completed
    record at `when` when both are given."""
    chain = company.chain
    sale = Sale.objects.create(
        company=company,
        chain=chain,
        client=client,
        subtotal=sum((Decimal(p) for _k, p in lines), Decimal(0)),
        total=sum((Decimal(p) for _k, p in lines), Decimal(0)),
    )
    record = None
    for position, (kind, price) in enumerate(lines):
        record_service = None
        if kind == LineKind.SERVICE and specialist is not None and service is not None:
            if record is None:
                record = _book(company, specialist, service, when, client, status=RecordStatus.COMPLETED)
                record_service = record.lines.get()
            else:
                record_service = RecordService.objects.create(
                    chain=chain, record=record, service=service, start=record.start, duration=30, price=price
                )
        SaleLine.objects.create(
            chain=chain,
            sale=sale,
            kind=kind,
            title=str(kind),
            price=Decimal(price),
            position=position,
            record_service=record_service,
            service=service if record_service else None,
        )
    return sale


def pay(sale, amount, method, moment, item_code="services"):
    """A money row of the sale (negative: a refund) at `moment`, and what the checkout's
    `finance.money_moved` and `finance.sale_settled` do to analytics: its listeners mark the row's
    local date and every date of the sale's money stale, so the money reports' facts see it (the
    other listeners — receipts, loyalty — are not what these tests are about)."""
    company = sale.company
    row = Transaction.objects.create(
        company=company,
        chain=company.chain,
        account=desk(company),
        amount=Decimal(amount),
        method=method,
        item=PaymentItem.objects.get(chain=company.chain, code=item_code),
        sale=sale,
        occurred_at=moment,
    )
    listeners._money_moved(sale=sale, transactions=[row])
    listeners._sale_settled(sale=sale)  # sent after every payment: a row's split depends on those before it
    return row


def expense(company, item, amount, moment):
    return Transaction.objects.create(
        company=company,
        chain=company.chain,
        account=desk(company),
        amount=-Decimal(amount),
        method="cash",
        item=item,
        occurred_at=moment,
    )
